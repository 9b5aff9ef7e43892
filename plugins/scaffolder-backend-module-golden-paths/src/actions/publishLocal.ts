import fs from 'node:fs/promises';
import path from 'node:path';
import { ConflictError, InputError } from '@backstage/errors';
import {
  createTemplateAction,
  executeShellCommand,
} from '@backstage/plugin-scaffolder-node';
import type { GoldenPathsModuleConfig } from '../config';
import type { RemoteTarget } from './remotePublishing';
import { examples } from './publishLocal.examples';

/** Names git, the file system, URLs and the catalog all accept. */
const REPOSITORY_NAME = /^[a-z0-9][a-z0-9._-]{0,98}[a-z0-9]$/;

export function checkRepositoryName(name: string): void {
  if (
    !REPOSITORY_NAME.test(name) ||
    name.includes('..') ||
    name.endsWith('.git')
  ) {
    throw new InputError(
      `repository name "${name}" is not allowed: use 2 to 100 lower-case letters, digits, ".", "_" or "-", starting and ending with a letter or digit, without ".." or a ".git" ending`,
    );
  }
}

async function exists(p: string): Promise<boolean> {
  return fs.stat(p).then(
    () => true,
    () => false,
  );
}

/** Bytes of the files under `dir`, stopping early past `limit`. */
async function sizeOf(dir: string, limit: number): Promise<number> {
  let total = 0;
  const walk = async (d: string) => {
    for (const entry of await fs.readdir(d, { withFileTypes: true })) {
      if (total > limit) return;
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) await walk(p);
      else if (entry.isFile()) total += (await fs.stat(p)).size;
    }
  };
  await walk(dir);
  return total;
}

/**
 * `portal:publish:local`: commits the workspace into a new bare repository
 * under `goldenPaths.publish.localRoot`, where catalog ingestion discovers
 * it. The repository appears all at once (built aside, then renamed), so a
 * failure leaves nothing behind; a retried task does not publish twice.
 */
export function createPublishLocalAction(options: {
  config: GoldenPathsModuleConfig;
  /** `portal:publish` publishes where the configuration says. */
  id?: 'portal:publish:local' | 'portal:publish';
  /** Where `portal:publish` creates repositories when the target is a git host. */
  remote?: RemoteTarget;
}) {
  const { config, remote } = options;
  const id = options.id ?? 'portal:publish:local';
  const toRemote = id === 'portal:publish' && remote !== undefined;
  return createTemplateAction({
    id,
    description:
      id === 'portal:publish'
        ? 'Publishes the workspace as a new repository where goldenPaths.publish.target says: the local repository root (default), or through the stock publish:github or publish:gitlab action a GitHub organisation or GitLab group; catalog ingestion reads all three.'
        : 'Publishes the workspace as a new bare git repository in the local repository root that catalog ingestion reads.',
    examples,
    schema: {
      input: {
        repoName: z => z.string().describe('Name of the new repository'),
        description: z =>
          z
            .string()
            .max(1000)
            .optional()
            .describe('Used in the commit message'),
        sourcePath: z =>
          z
            .string()
            .optional()
            .describe(
              'Directory of the workspace to publish; the whole workspace by default',
            ),
      },
      output: {
        remoteUrl: z => z.string(),
        repositoryName: z => z.string(),
        commit: z => z.string(),
      },
    },
    async handler(ctx) {
      if (id === 'portal:publish' && config.target !== 'local' && !remote) {
        throw new InputError(
          `${id} needs goldenPaths.publish.${config.target} in the configuration`,
        );
      }
      const name = ctx.input.repoName;
      checkRepositoryName(name);
      const source = path.resolve(
        ctx.workspacePath,
        ctx.input.sourcePath ?? '.',
      );
      const relative = path.relative(ctx.workspacePath, source);
      if (relative.startsWith('..') || path.isAbsolute(relative)) {
        throw new InputError(
          `sourcePath "${ctx.input.sourcePath}" is outside the workspace`,
        );
      }
      const report = (published: { url: string; commit: string }) => {
        ctx.logger.info(
          `Published ${name} to ${published.url} at ${published.commit}`,
        );
        ctx.output('remoteUrl', published.url);
        ctx.output('repositoryName', name);
        ctx.output('commit', published.commit);
      };
      const bytes = await sizeOf(source, config.maxRepositoryBytes);
      if (bytes > config.maxRepositoryBytes) {
        throw new InputError(
          `the generated repository is larger than ${config.maxRepositoryBytes} bytes`,
        );
      }
      if (toRemote) {
        const published = await ctx.checkpoint({
          key: `publish.remote.${name}`,
          fn: () =>
            remote!.publish(ctx, {
              name,
              description: ctx.input.description,
              sourcePath: relative || undefined,
            }),
        });
        report(published);
        return;
      }
      const root = config.localRoot;
      if (!root) {
        throw new InputError(
          `${id} needs goldenPaths.publish.localRoot in the configuration`,
        );
      }
      const target = path.join(root, `${name}.git`);

      const published = await ctx.checkpoint({
        key: `publish.${name}`,
        fn: async () => {
          if ((await exists(target)) || (await exists(path.join(root, name)))) {
            throw new ConflictError(
              `repository "${name}" already exists in ${root}; choose another name`,
            );
          }
          await fs.mkdir(root, { recursive: true });
          // Built under a hidden name, which discovery skips, then renamed.
          const staging = await fs.mkdtemp(
            path.join(root, `.publishing-${name}-`),
          );
          try {
            const git = (args: string[]) =>
              executeShellCommand({
                command: 'git',
                args: [
                  `--git-dir=${staging}`,
                  `--work-tree=${source}`,
                  ...args,
                ],
                options: {
                  cwd: source,
                  env: {
                    PATH: process.env.PATH ?? '',
                    HOME: staging,
                    GIT_CONFIG_NOSYSTEM: '1',
                    GIT_AUTHOR_NAME: config.author.name,
                    GIT_AUTHOR_EMAIL: config.author.email,
                    GIT_COMMITTER_NAME: config.author.name,
                    GIT_COMMITTER_EMAIL: config.author.email,
                  },
                },
                logger: ctx.logger,
              });
            await executeShellCommand({
              command: 'git',
              args: [
                'init',
                '--bare',
                '--quiet',
                `--initial-branch=${config.defaultBranch}`,
                staging,
              ],
              logger: ctx.logger,
            });
            await git(['add', '--all', '.']);
            const message = ctx.input.description
              ? `${config.commitMessage}\n\n${ctx.input.description}`
              : config.commitMessage;
            await git(['commit', '--quiet', '--no-verify', '-m', message]);
            await fs.rm(path.join(staging, 'index'), { force: true });
            const head = (
              await fs.readFile(
                path.join(staging, 'refs', 'heads', config.defaultBranch),
                'utf8',
              )
            ).trim();
            try {
              await fs.rename(staging, target);
            } catch (error) {
              throw new ConflictError(
                `repository "${name}" already exists in ${root}; choose another name`,
                error,
              );
            }
            return { commit: head, url: `file://${target}` };
          } catch (error) {
            await fs.rm(staging, { recursive: true, force: true });
            throw error;
          }
        },
      });
      report(published);
    },
  });
}
