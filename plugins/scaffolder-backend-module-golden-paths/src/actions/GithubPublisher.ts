import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import { ConflictError, InputError, ResponseError } from '@backstage/errors';
import {
  DefaultGithubCredentialsProvider,
  type GithubCredentialsProvider,
  ScmIntegrations,
} from '@backstage/integration';
import { executeShellCommand } from '@backstage/plugin-scaffolder-node';

/**
 * Creates a repository in a GitHub organisation (or GitHub Enterprise)
 * through `@backstage/integration`'s credentials and pushes a prepared
 * commit to it. A push that fails removes the empty repository again.
 */
export class GithubPublisher {
  static fromConfig(config: Config): GithubPublisher | undefined {
    const settings = config.getOptionalConfig('goldenPaths.publish.github');
    if (!settings) return undefined;
    const host = settings.getOptionalString('host') ?? 'github.com';
    const integrations = ScmIntegrations.fromConfig(config);
    const integration = integrations.github.byHost(host);
    if (!integration) {
      throw new Error(
        `goldenPaths.publish.github.host "${host}" has no integrations.github entry`,
      );
    }
    return new GithubPublisher({
      host,
      org: settings.getString('org'),
      visibility: (settings.getOptionalString('visibility') ?? 'private') as
        | 'private'
        | 'internal'
        | 'public',
      apiBaseUrl: integration.config.apiBaseUrl ?? 'https://api.github.com',
      credentials:
        DefaultGithubCredentialsProvider.fromIntegrations(integrations),
    });
  }

  constructor(
    private readonly options: {
      host: string;
      org: string;
      visibility: 'private' | 'internal' | 'public';
      apiBaseUrl: string;
      credentials: GithubCredentialsProvider;
    },
  ) {}

  /** Creates `org/name`, pushes `branch` of `gitDir`, returns the repository's URL. */
  async publish(request: {
    name: string;
    description?: string;
    gitDir: string;
    branch: string;
    logger: LoggerService;
  }): Promise<string> {
    const { host, org, apiBaseUrl, visibility } = this.options;
    const { token } = await this.options.credentials.getCredentials({
      url: `https://${host}/${org}`,
    });
    if (!token) {
      throw new InputError(`no GitHub credentials for ${host}/${org}`);
    }
    const api = (path: string, init: RequestInit) =>
      fetch(`${apiBaseUrl}${path}`, {
        ...init,
        headers: {
          authorization: `token ${token}`,
          accept: 'application/vnd.github+json',
          'content-type': 'application/json',
        },
      });
    const created = await api(`/orgs/${encodeURIComponent(org)}/repos`, {
      method: 'POST',
      body: JSON.stringify({
        name: request.name,
        description: request.description,
        private: visibility !== 'public',
        visibility,
      }),
    });
    if (created.status === 422) {
      throw new ConflictError(
        `repository "${request.name}" already exists in ${host}/${org}; choose another name`,
      );
    }
    if (!created.ok) throw await ResponseError.fromResponse(created);
    const repo = JSON.parse(await created.text()) as {
      clone_url: string;
      html_url: string;
    };
    const basic = Buffer.from(`x-access-token:${token}`).toString('base64');
    try {
      await executeShellCommand({
        command: 'git',
        args: [
          `--git-dir=${request.gitDir}`,
          '-c',
          `http.extraHeader=Authorization: Basic ${basic}`,
          'push',
          '--quiet',
          repo.clone_url,
          `refs/heads/${request.branch}:refs/heads/${request.branch}`,
        ],
        options: {
          env: {
            PATH: process.env.PATH ?? '',
            HOME: request.gitDir,
            GIT_CONFIG_NOSYSTEM: '1',
            GIT_TERMINAL_PROMPT: '0',
          },
        },
        logger: request.logger,
      });
    } catch (error) {
      // Leave nothing half made: remove the empty repository again.
      await api(
        `/repos/${encodeURIComponent(org)}/${encodeURIComponent(request.name)}`,
        { method: 'DELETE' },
      ).catch(() => undefined);
      throw new Error(`pushing to ${repo.html_url} failed: ${error}`);
    }
    return repo.html_url;
  }
}
