import type { Config } from '@backstage/config';
import {
  DefaultGithubCredentialsProvider,
  ScmIntegrations,
} from '@backstage/integration';
import type {
  ActionContext,
  TemplateAction,
} from '@backstage/plugin-scaffolder-node';
import { createPublishGithubAction } from '@backstage/plugin-scaffolder-backend-module-github';
import { createPublishGitlabAction } from '@backstage/plugin-scaffolder-backend-module-gitlab';
import type { GoldenPathsModuleConfig } from '../config';

/** One repository to publish on a git host. */
export interface RemoteRequest {
  name: string;
  description?: string;
  /** Relative to the workspace; undefined for the whole workspace. */
  sourcePath?: string;
}

/** What the stock action reported. */
export type RemoteResult = {
  /** The repository's page. */
  url: string;
  commit: string;
};

/**
 * A git host where `portal:publish` creates repositories. The work is done
 * by the stock scaffolder action of that host (`publish:github`,
 * `publish:gitlab`); this only turns `goldenPaths.publish.<host>` into its
 * input and reads its output.
 */
export interface RemoteTarget {
  /** Where repositories go, e.g. `github.com/acme`, for messages. */
  readonly where: string;
  publish(
    ctx: ActionContext<any, any>,
    request: RemoteRequest,
  ): Promise<RemoteResult>;
}

type Visibility = 'private' | 'internal' | 'public';

/** `private` unless the configuration says otherwise. */
function visibilityOf(settings: Config): Visibility {
  const visibility = settings.getOptionalString('visibility') ?? 'private';
  if (!['private', 'internal', 'public'].includes(visibility)) {
    throw new Error(
      `visibility must be private, internal or public, not "${visibility}"`,
    );
  }
  return visibility as Visibility;
}

/** Runs a stock action's handler with our input, collecting its outputs. */
async function runStockAction(
  action: TemplateAction<any, any, any>,
  ctx: ActionContext<any, any>,
  input: Record<string, unknown>,
  where: string,
  name: string,
): Promise<Record<string, unknown>> {
  const outputs: Record<string, unknown> = {};
  try {
    await action.handler({
      ...ctx,
      input,
      output: (key: string, value: unknown) => {
        outputs[key] = value;
      },
    } as ActionContext<any, any>);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(
      `${action.id} could not publish "${name}" to ${where}: ${message}`,
    );
  }
  return outputs;
}

function commitInput(config: GoldenPathsModuleConfig, request: RemoteRequest) {
  return {
    defaultBranch: config.defaultBranch,
    sourcePath: request.sourcePath,
    gitCommitMessage: request.description
      ? `${config.commitMessage}\n\n${request.description}`
      : config.commitMessage,
    gitAuthorName: config.author.name,
    gitAuthorEmail: config.author.email,
  };
}

function githubTarget(
  config: Config,
  settings: GoldenPathsModuleConfig,
): RemoteTarget {
  const github = config.getConfig('goldenPaths.publish.github');
  const host = github.getOptionalString('host') ?? 'github.com';
  const org = github.getString('org');
  const visibility = visibilityOf(github);
  const protectDefaultBranch =
    github.getOptionalBoolean('protectDefaultBranch') ?? true;
  const integrations = ScmIntegrations.fromConfig(config);
  if (!integrations.github.byHost(host)) {
    throw new Error(
      `goldenPaths.publish.github.host "${host}" has no integrations.github entry`,
    );
  }
  const action = createPublishGithubAction({
    integrations,
    config,
    githubCredentialsProvider:
      DefaultGithubCredentialsProvider.fromIntegrations(integrations),
  });
  const where = `${host}/${org}`;
  return {
    where,
    async publish(ctx, request) {
      const out = await runStockAction(
        action,
        ctx,
        {
          repoUrl: `${host}?owner=${encodeURIComponent(
            org,
          )}&repo=${encodeURIComponent(request.name)}`,
          description: request.description,
          repoVisibility: visibility,
          protectDefaultBranch,
          ...commitInput(settings, request),
        },
        where,
        request.name,
      );
      return {
        url: String(out.remoteUrl).replace(/\.git$/, ''),
        commit: String(out.commitHash ?? ''),
      };
    },
  };
}

function gitlabTarget(
  config: Config,
  settings: GoldenPathsModuleConfig,
): RemoteTarget {
  const gitlab = config.getConfig('goldenPaths.publish.gitlab');
  const host = gitlab.getOptionalString('host') ?? 'gitlab.com';
  const group = gitlab.getString('group');
  const visibility = visibilityOf(gitlab);
  const integrations = ScmIntegrations.fromConfig(config);
  if (!integrations.gitlab.byHost(host)) {
    throw new Error(
      `goldenPaths.publish.gitlab.host "${host}" has no integrations.gitlab entry`,
    );
  }
  const action = createPublishGitlabAction({ integrations, config });
  const where = `${host}/${group}`;
  return {
    where,
    async publish(ctx, request) {
      const out = await runStockAction(
        action as unknown as TemplateAction<any, any, any>,
        ctx,
        {
          repoUrl: `${host}?owner=${encodeURIComponent(
            group,
          )}&repo=${encodeURIComponent(request.name)}`,
          repoVisibility: visibility,
          settings: request.description
            ? { description: request.description }
            : undefined,
          ...commitInput(settings, request),
        },
        where,
        request.name,
      );
      return {
        url: String(out.remoteUrl),
        commit: String(out.commitHash ?? ''),
      };
    },
  };
}

/**
 * The stock action behind `goldenPaths.publish.target`; undefined for the
 * local root. Throws at start-up when the host's settings or integration
 * are missing.
 */
export function remoteTargetFromConfig(
  config: Config,
  settings: GoldenPathsModuleConfig,
): RemoteTarget | undefined {
  if (settings.target === 'github') return githubTarget(config, settings);
  if (settings.target === 'gitlab') return gitlabTarget(config, settings);
  return undefined;
}
