import type { Config } from '@backstage/config';
import { ConflictError, InputError, ResponseError } from '@backstage/errors';
import {
  DefaultGithubCredentialsProvider,
  type GithubCredentialsProvider,
  ScmIntegrations,
} from '@backstage/integration';
import {
  pushToNewRepository,
  visibilityOf,
  type RepositoryPublisher,
} from './remotePublishing';

/**
 * Creates a repository in a GitHub organisation (or GitHub Enterprise)
 * through `@backstage/integration`'s credentials and pushes a prepared
 * commit to it. A push that fails removes the empty repository again.
 */
export class GithubPublisher implements RepositoryPublisher {
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
      visibility: visibilityOf(settings),
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

  async publish(
    request: Parameters<RepositoryPublisher['publish']>[0],
  ): Promise<string> {
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
    await pushToNewRepository({
      gitDir: request.gitDir,
      branch: request.branch,
      cloneUrl: repo.clone_url,
      username: 'x-access-token',
      token,
      logger: request.logger,
      removeEmpty: () =>
        api(
          `/repos/${encodeURIComponent(org)}/${encodeURIComponent(
            request.name,
          )}`,
          { method: 'DELETE' },
        ),
    });
    return repo.html_url;
  }
}
