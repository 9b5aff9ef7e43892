import type { Config } from '@backstage/config';
import { ANNOTATION_LOCATION, type Entity } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  DefaultGithubCredentialsProvider,
  ScmIntegrations,
} from '@backstage/integration';
import path from 'node:path';
import type { RepositoryTarget } from './git/types';

/** Set by catalog ingestion: `<sourceId>/<repository>`. */
export const ANNOTATION_INGESTION_REPOSITORY =
  'portal.dev/ingestion-repository';

/** A repository of a target in words, for pages and messages. */
export function describeTarget(target: RepositoryTarget): string {
  return target.owner ? `${target.owner}/${target.name}` : target.cloneUrl;
}

/**
 * Where a service's repository is, and how to reach it: from the
 * repository catalog ingestion read it from (its source in
 * `catalog.ingestion.sources`, and the entity's location), with the
 * credentials of the host's `integrations.*` entry.
 */
export class RepositoryTargets {
  private readonly integrations: ScmIntegrations;
  private readonly github: DefaultGithubCredentialsProvider;
  private readonly sources: Map<string, Config>;

  constructor(config: Config) {
    this.integrations = ScmIntegrations.fromConfig(config);
    this.github = DefaultGithubCredentialsProvider.fromIntegrations(
      this.integrations,
    );
    this.sources = new Map(
      (config.getOptionalConfigArray('catalog.ingestion.sources') ?? []).map(
        s => [s.getString('id'), s],
      ),
    );
  }

  async of(entity: Entity): Promise<RepositoryTarget> {
    const annotations = entity.metadata.annotations ?? {};
    const key = annotations[ANNOTATION_INGESTION_REPOSITORY];
    const location = annotations[ANNOTATION_LOCATION] ?? '';
    const name = entity.metadata.name;
    if (!key)
      throw new InputError(
        `${name} was not read from a repository by catalog ingestion (no ${ANNOTATION_INGESTION_REPOSITORY} annotation), so there is no repository to propose the upgrade to`,
      );
    const [sourceId, ...rest] = key.split('/');
    const repository = rest.join('/');
    const source = this.sources.get(sourceId);
    if (!source)
      throw new InputError(
        `${name} comes from ingestion source "${sourceId}", which catalog.ingestion.sources no longer lists`,
      );
    const type = source.getString('type');
    if (type === 'local') {
      const m = /^git:(.*)#[^:]*:/.exec(location);
      const cloneUrl =
        m?.[1] ?? path.resolve(source.getString('path'), repository);
      return { kind: 'local', name: repository, cloneUrl };
    }
    if (type === 'github') {
      const host = source.getOptionalString('host') ?? 'github.com';
      const owner = source.getString('org');
      const integration = this.integrations.github.byHost(host);
      if (!integration)
        throw new InputError(
          `no integrations.github entry for host ${host}; add one to app-config`,
        );
      const web =
        /^url:(.*)\/blob\//.exec(location)?.[1] ??
        `https://${host}/${owner}/${repository}`;
      const { token } = await this.github.getCredentials({ url: web });
      return {
        kind: 'github',
        name: repository,
        owner,
        cloneUrl: `${web}.git`,
        apiBaseUrl: (
          integration.config.apiBaseUrl ?? 'https://api.github.com'
        ).replace(/\/$/, ''),
        token,
      };
    }
    if (type === 'gitlab') {
      const host = source.getOptionalString('host') ?? 'gitlab.com';
      const integration = this.integrations.gitlab.byHost(host);
      if (!integration)
        throw new InputError(
          `no integrations.gitlab entry for host ${host}; add one to app-config`,
        );
      const web =
        /^url:(.*)\/-\/blob\//.exec(location)?.[1] ??
        `https://${host}/${source.getString('group')}/${repository}`;
      const projectPath = new URL(web).pathname.replace(/^\//, '');
      const slash = projectPath.lastIndexOf('/');
      return {
        kind: 'gitlab',
        name: projectPath.slice(slash + 1),
        owner: projectPath.slice(0, slash),
        cloneUrl: `${web}.git`,
        apiBaseUrl: (
          integration.config.apiBaseUrl ?? `https://${host}/api/v4`
        ).replace(/\/$/, ''),
        token: integration.config.token,
      };
    }
    throw new InputError(
      `ingestion source "${sourceId}" is of type ${type}: upgrades go to local, github or gitlab repositories`,
    );
  }
}
