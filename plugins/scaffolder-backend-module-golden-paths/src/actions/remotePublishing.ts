import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import { executeShellCommand } from '@backstage/plugin-scaffolder-node';

/** A git host where `portal:publish` creates repositories. */
export interface RepositoryPublisher {
  /** Creates `name`, pushes `branch` of `gitDir`, returns the repository's page. */
  publish(request: {
    name: string;
    description?: string;
    gitDir: string;
    branch: string;
    logger: LoggerService;
  }): Promise<string>;
}

/**
 * Pushes `branch` of a prepared bare repository to `cloneUrl` over HTTPS,
 * the token as the password of basic auth (never in the URL or the log).
 * When the push fails, `removeEmpty` deletes the just created repository.
 */
export async function pushToNewRepository(options: {
  gitDir: string;
  branch: string;
  cloneUrl: string;
  username: string;
  token: string;
  logger: LoggerService;
  removeEmpty: () => Promise<unknown>;
}): Promise<void> {
  const basic = Buffer.from(`${options.username}:${options.token}`).toString(
    'base64',
  );
  try {
    await executeShellCommand({
      command: 'git',
      args: [
        `--git-dir=${options.gitDir}`,
        '-c',
        `http.extraHeader=Authorization: Basic ${basic}`,
        'push',
        '--quiet',
        options.cloneUrl,
        `refs/heads/${options.branch}:refs/heads/${options.branch}`,
      ],
      options: {
        env: {
          PATH: process.env.PATH ?? '',
          HOME: options.gitDir,
          GIT_CONFIG_NOSYSTEM: '1',
          GIT_TERMINAL_PROMPT: '0',
        },
      },
      logger: options.logger,
    });
  } catch (error) {
    // Leave nothing half made: remove the empty repository again.
    await options.removeEmpty().catch(() => undefined);
    throw new Error(`pushing to ${options.cloneUrl} failed: ${error}`);
  }
}

/** `private` unless the configuration says otherwise. */
export function visibilityOf(
  settings: Config,
): 'private' | 'internal' | 'public' {
  const visibility = settings.getOptionalString('visibility') ?? 'private';
  if (!['private', 'internal', 'public'].includes(visibility)) {
    throw new Error(
      `visibility must be private, internal or public, not "${visibility}"`,
    );
  }
  return visibility as 'private' | 'internal' | 'public';
}
