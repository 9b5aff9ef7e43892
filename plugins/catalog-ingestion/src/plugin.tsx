import {
  ApiBlueprint,
  coreApis,
  createFrontendPlugin,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
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

/**
 * Catalog ingestion in the new frontend system: its health page and the
 * entity problems card.
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
  ],
});
