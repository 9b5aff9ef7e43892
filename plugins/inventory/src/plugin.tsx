import {
  ApiBlueprint,
  coreApis,
  createFrontendPlugin,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { InventoryClient } from '@internal/plugin-inventory-common';
import AccountTreeIcon from '@material-ui/icons/AccountTree';
import SecurityIcon from '@material-ui/icons/Security';
import { inventoryApiRef } from './api';
import { dependenciesRouteRef, vulnerabilitiesRouteRef } from './routes';

/** The API client, talking to the catalog backend's inventory routes. */
export const inventoryApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: inventoryApiRef,
      deps: { discoveryApi: coreApis.discovery, fetchApi: coreApis.fetch },
      factory: ({ discoveryApi, fetchApi }) =>
        new InventoryClient({ discoveryApi, fetchApi }),
    }),
});

/** `/dependencies`: which components use a package (version range). */
export const dependenciesPage = PageBlueprint.make({
  params: {
    path: '/dependencies',
    title: 'Dependencies',
    icon: <AccountTreeIcon fontSize="inherit" />,
    routeRef: dependenciesRouteRef,
    loader: () =>
      import('./components/DependenciesPage').then(m => <m.DependenciesPage />),
  },
});

/** `/vulnerabilities`: components hit by advisories, by vulnerability and team. */
export const vulnerabilitiesPage = PageBlueprint.make({
  name: 'vulnerabilities',
  params: {
    path: '/vulnerabilities',
    title: 'Vulnerabilities',
    icon: <SecurityIcon fontSize="inherit" />,
    routeRef: vulnerabilitiesRouteRef,
    loader: () =>
      import('./components/VulnerabilitiesPage').then(m => (
        <m.VulnerabilitiesPage />
      )),
  },
});

/** Entity tab of components and resources: advisories hitting their packages. */
export const entityVulnerabilitiesContent = EntityContentBlueprint.make({
  name: 'vulnerabilities',
  params: {
    path: '/vulnerabilities',
    title: 'Vulnerabilities',
    filter: { kind: { $in: ['component', 'resource'] } },
    loader: () =>
      import('./components/EntityVulnerabilitiesContent').then(m => (
        <m.EntityVulnerabilitiesContent />
      )),
  },
});

/** Entity tab of components and resources: their packages and stored SBOMs. */
export const entityDependenciesContent = EntityContentBlueprint.make({
  name: 'dependencies',
  params: {
    path: '/dependencies',
    title: 'Dependencies',
    filter: { kind: { $in: ['component', 'resource'] } },
    loader: () =>
      import('./components/EntityDependenciesContent').then(m => (
        <m.EntityDependenciesContent />
      )),
  },
});

/**
 * The dependency inventory in the new frontend system: the Dependencies
 * page and the entity Dependencies tab.
 *
 * @public
 */
export const inventoryPlugin = createFrontendPlugin({
  pluginId: 'inventory',
  title: 'Dependencies',
  icon: <AccountTreeIcon fontSize="inherit" />,
  routes: {
    dependencies: dependenciesRouteRef,
    vulnerabilities: vulnerabilitiesRouteRef,
  },
  extensions: [
    inventoryApi,
    dependenciesPage,
    vulnerabilitiesPage,
    entityDependenciesContent,
    entityVulnerabilitiesContent,
  ],
});
