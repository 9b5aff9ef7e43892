import {
  ApiBlueprint,
  coreApis,
  createFrontendPlugin,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import SyncIcon from '@material-ui/icons/Sync';
import { hasIngestionRepository } from './annotations';
import { catalogIngestionApiRef, CatalogIngestionClient } from './api';
import { ingestionRouteRef } from './routes';

/** The API client, talking to the catalog backend's ingestion routes. */
export const catalogIngestionApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: catalogIngestionApiRef,
      deps: { discoveryApi: coreApis.discovery, fetchApi: coreApis.fetch },
      factory: ({ discoveryApi, fetchApi }) =>
        new CatalogIngestionClient({ discoveryApi, fetchApi }),
    }),
});

/** `/catalog-ingestion`: sources, success rate, runs and problems. */
export const catalogIngestionPage = PageBlueprint.make({
  params: {
    path: '/catalog-ingestion',
    title: 'Catalog ingestion',
    icon: <SyncIcon fontSize="inherit" />,
    routeRef: ingestionRouteRef,
    loader: () =>
      import('./components/IngestionPage').then(m => <m.IngestionPage />),
  },
});

/** Entity overview card: outstanding ingestion problems of the entity. */
export const entityIngestionProblemsCard = EntityCardBlueprint.make({
  name: 'ingestion-problems',
  params: {
    filter: hasIngestionRepository,
    loader: () =>
      import('./components/EntityIngestionProblemsCard').then(m => (
        <m.EntityIngestionProblemsCard />
      )),
  },
});

/** Entity tab: README and docs/*.md of the entity's repository. */
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
 * Catalog ingestion in the new frontend system: its health page, the
 * entity problems card and the entity Docs tab.
 *
 * @public
 */
export const catalogIngestionPlugin = createFrontendPlugin({
  pluginId: 'catalog-ingestion',
  title: 'Catalog ingestion',
  icon: <SyncIcon fontSize="inherit" />,
  routes: {
    ingestion: ingestionRouteRef,
  },
  extensions: [
    catalogIngestionApi,
    catalogIngestionPage,
    entityIngestionProblemsCard,
    entityDocsContent,
  ],
});
