import type { Config } from '@backstage/config';
import { ConflictError, InputError, ResponseError } from '@backstage/errors';
import { ScmIntegrations } from '@backstage/integration';
import {
  pushToNewRepository,
  visibilityOf,
  type RepositoryPublisher,
} from './remotePublishing';

/**
 * Creates a project in a GitLab group through the token of
 * `integrations.gitlab` and pushes a prepared commit to it. A push that
 * fails removes the empty project again.
 */
export class GitlabPublisher implements RepositoryPublisher {
  static fromConfig(config: Config): GitlabPublisher | undefined {
    const settings = config.getOptionalConfig('goldenPaths.publish.gitlab');
    if (!settings) return undefined;
    const host = settings.getOptionalString('host') ?? 'gitlab.com';
    const integration = ScmIntegrations.fromConfig(config).gitlab.byHost(host);
    if (!integration) {
      throw new Error(
        `goldenPaths.publish.gitlab.host "${host}" has no integrations.gitlab entry`,
      );
    }
    return new GitlabPublisher({
      host,
      group: settings.getString('group'),
      visibility: visibilityOf(settings),
      apiBaseUrl: integration.config.apiBaseUrl.replace(/\/$/, ''),
      token: integration.config.token,
    });
  }

  constructor(
    private readonly options: {
      host: string;
      group: string;
      visibility: 'private' | 'internal' | 'public';
      apiBaseUrl: string;
      token?: string;
    },
  ) {}

  async publish(
    request: Parameters<RepositoryPublisher['publish']>[0],
  ): Promise<string> {
    const { host, group, apiBaseUrl, visibility, token } = this.options;
    if (!token) {
      throw new InputError(`no GitLab token for ${host} (integrations.gitlab)`);
    }
    const api = (path: string, init: RequestInit = {}) =>
      fetch(`${apiBaseUrl}${path}`, {
        ...init,
        headers: { 'private-token': token, 'content-type': 'application/json' },
      });
    const namespace = await api(`/groups/${encodeURIComponent(group)}`);
    if (!namespace.ok) throw await ResponseError.fromResponse(namespace);
    const { id: namespaceId } = JSON.parse(await namespace.text());
    const created = await api('/projects', {
      method: 'POST',
      body: JSON.stringify({
        name: request.name,
        path: request.name,
        namespace_id: namespaceId,
        description: request.description,
        visibility,
      }),
    });
    if (created.status === 400) {
      const body = await created.text();
      if (/has already been taken/.test(body)) {
        throw new ConflictError(
          `repository "${request.name}" already exists in ${host}/${group}; choose another name`,
        );
      }
      throw new InputError(`GitLab refused the project: ${body}`);
    }
    if (!created.ok) throw await ResponseError.fromResponse(created);
    const project = JSON.parse(await created.text()) as {
      http_url_to_repo: string;
      web_url: string;
      path_with_namespace: string;
    };
    await pushToNewRepository({
      gitDir: request.gitDir,
      branch: request.branch,
      cloneUrl: project.http_url_to_repo,
      username: 'oauth2',
      token,
      logger: request.logger,
      removeEmpty: () =>
        api(`/projects/${encodeURIComponent(project.path_with_namespace)}`, {
          method: 'DELETE',
        }),
    });
    return project.web_url;
  }
}
