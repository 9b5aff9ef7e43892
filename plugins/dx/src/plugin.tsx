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
import TimelineIcon from '@material-ui/icons/Timeline';
import { dxApiRef, DxClient } from './api';
import { goldenPathSurveyRouteRef, rootRouteRef } from './routes';

/** The API client, talking to the DX backend. */
export const dxApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: dxApiRef,
      deps: { discoveryApi: coreApis.discovery, fetchApi: coreApis.fetch },
      factory: ({ discoveryApi, fetchApi }) =>
        new DxClient({ discoveryApi, fetchApi }),
    }),
});

/**
 * `/dx`: DX metrics of the organisation or a team (`?tab=&owner=&days=`),
 * and `/dx/survey/golden-path?taskId=` for the survey of one run.
 */
export const dxPage = PageBlueprint.make({
  params: {
    path: '/dx',
    title: 'DX metrics',
    icon: <TimelineIcon fontSize="inherit" />,
    routeRef: rootRouteRef,
    loader: () => import('./components/DxPage').then(m => <m.DxPage />),
  },
});

/** Entity tab of components: DORA and recent events. */
export const entityDxContent = EntityContentBlueprint.make({
  name: 'dx',
  params: {
    path: '/dx',
    title: 'DX',
    filter: { kind: 'component' },
    loader: () =>
      import('./components/EntityDxContent').then(m => <m.EntityDxContent />),
  },
});

/** Entity tab of components: every scorecard with every check and its fix. */
export const entityScorecardContent = EntityContentBlueprint.make({
  name: 'scorecard',
  params: {
    path: '/scorecard',
    title: 'Scorecard',
    filter: { kind: 'component' },
    loader: () =>
      import('./components/EntityScorecardContent').then(m => (
        <m.EntityScorecardContent />
      )),
  },
});

/** Overview card of components: scorecard levels and failing checks. */
export const entityScorecardCard = EntityCardBlueprint.make({
  name: 'scorecard',
  params: {
    filter: { kind: 'component' },
    loader: () =>
      import('./components/EntityScorecardCard').then(m => (
        <m.EntityScorecardCard />
      )),
  },
});

/**
 * DX metrics in the new frontend system: the DX page (DORA, golden paths
 * versus the rest, adoption, scorecards, onboarding, surveys), the DX and
 * Scorecard tabs and the Scorecard card of components.
 *
 * @public
 */
export const dxPlugin = createFrontendPlugin({
  pluginId: 'dx',
  title: 'DX metrics',
  icon: <TimelineIcon fontSize="inherit" />,
  info: { packageJson: () => import('../package.json') },
  routes: {
    root: rootRouteRef,
    goldenPathSurvey: goldenPathSurveyRouteRef,
  },
  extensions: [
    dxApi,
    dxPage,
    entityDxContent,
    entityScorecardContent,
    entityScorecardCard,
  ],
});
