import {
  ApiBlueprint,
  coreApis,
  createFrontendPlugin,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import TrackChangesIcon from '@material-ui/icons/TrackChanges';
import { sloApiRef, SloClient } from './api';
import { rootRouteRef } from './routes';

/** The API client, talking to the SLO backend. */
export const sloApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: sloApiRef,
      deps: { discoveryApi: coreApis.discovery, fetchApi: coreApis.fetch },
      factory: ({ discoveryApi, fetchApi }) =>
        new SloClient({ discoveryApi, fetchApi }),
    }),
});

/** `/slo`: platform health and every SLO (`?tab=`), one SLO (`?slo=`). */
export const sloPage = PageBlueprint.make({
  params: {
    path: '/slo',
    title: 'SLOs',
    icon: <TrackChangesIcon fontSize="inherit" />,
    routeRef: rootRouteRef,
    loader: () => import('./components/SloPage').then(m => <m.SloPage />),
  },
});

/** Entity tab of components, resources and systems: their SLOs. */
export const entitySloContent = EntityContentBlueprint.make({
  name: 'slo',
  params: {
    path: '/slo',
    title: 'SLOs',
    group: 'observability',
    filter: { kind: { $in: ['component', 'resource', 'system'] } },
    loader: () =>
      import('./components/EntitySloContent').then(m => <m.EntitySloContent />),
  },
});

/**
 * SLOs in the new frontend system: the SLOs page (platform health, all
 * SLOs, one SLO in full) and the SLOs tab of entities.
 *
 * @public
 */
export const sloPlugin = createFrontendPlugin({
  pluginId: 'slo',
  title: 'SLOs',
  icon: <TrackChangesIcon fontSize="inherit" />,
  info: { packageJson: () => import('../package.json') },
  routes: {
    root: rootRouteRef,
  },
  extensions: [sloApi, sloPage, entitySloContent],
});
