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
import AccountTreeIcon from '@material-ui/icons/AccountTree';
import SyncIcon from '@material-ui/icons/Sync';
import { hasIngestionRepository } from './annotations';
import { catalogIngestionApiRef, CatalogIngestionClient } from './api';
import { dependenciesRouteRef, ingestionRouteRef } from './routes';

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

/** `/dependencies`: which components use a package (version range). */
export const dependenciesPage = PageBlueprint.make({
  name: 'dependencies',
  params: {
    path: '/dependencies',
    title: 'Dependencies',
    icon: <AccountTreeIcon fontSize="inherit" />,
    routeRef: dependenciesRouteRef,
    loader: () =>
      import('./components/DependenciesPage').then(m => <m.DependenciesPage />),
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

/** Entity tab of components and resources: their packages and stored SBOMs. */
export const entityDependenciesContent = EntityContentBlueprint.make({
  name: 'dependencies',
  params: {
    path: '/dependencies',
    title: 'Dependencies',
    group: 'development',
    filter: { kind: { $in: ['component', 'resource'] } },
    loader: () =>
      import('./components/EntityDependenciesContent').then(m => (
        <m.EntityDependenciesContent />
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
 * dependency inventory page, and entity card and tabs.
 *
 * @public
 */
export const catalogIngestionPlugin = createFrontendPlugin({
  pluginId: 'catalog-ingestion',
  title: 'Catalog ingestion',
  icon: <SyncIcon fontSize="inherit" />,
  routes: {
    ingestion: ingestionRouteRef,
    dependencies: dependenciesRouteRef,
  },
  extensions: [
    catalogIngestionApi,
    catalogIngestionPage,
    dependenciesPage,
    entityIngestionProblemsCard,
    entityDependenciesContent,
    entityDocsContent,
  ],
});
