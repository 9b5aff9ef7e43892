import {
  ApiBlueprint,
  coreApis,
  createFrontendPlugin,
} from '@backstage/frontend-plugin-api';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { hasIngestionRepository } from '@internal/plugin-catalog-ingestion-common';
import { RepositoryDocsClient } from '@internal/plugin-repository-docs-common';
import { repositoryDocsApiRef } from './api';

/** The API client, talking to the catalog backend's docs routes. */
export const repositoryDocsApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: repositoryDocsApiRef,
      deps: { discoveryApi: coreApis.discovery, fetchApi: coreApis.fetch },
      factory: ({ discoveryApi, fetchApi }) =>
        new RepositoryDocsClient({ discoveryApi, fetchApi }),
    }),
});

/**
 * Entity tab: README and docs/*.md of the repository the entity was
 * discovered in (entities with the `portal.dev/ingestion-repository`
 * annotation).
 */
export const entityDocsContent = EntityContentBlueprint.make({
  name: 'docs',
  params: {
    path: '/docs',
    title: 'Docs',
    group: 'documentation',
    filter: hasIngestionRepository,
    loader: () =>
      import('./components/EntityDocsContent').then(m => (
        <m.EntityDocsContent />
      )),
  },
});

/**
 * The repository docs in the new frontend system: the entity Docs tab.
 *
 * @public
 */
export const repositoryDocsPlugin = createFrontendPlugin({
  pluginId: 'repository-docs',
  title: 'Repository docs',
  extensions: [repositoryDocsApi, entityDocsContent],
});
