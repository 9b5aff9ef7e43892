import {
  ApiBlueprint,
  coreApis,
  createFrontendPlugin,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { FormFieldBlueprint } from '@backstage/plugin-scaffolder-react/alpha';
import LinearScaleIcon from '@material-ui/icons/LinearScale';
import { goldenPathsApiRef, GoldenPathsClient } from './api';
import { rootRouteRef } from './routes';

/** The API client, talking to the golden-paths backend and the scaffolder. */
export const goldenPathsApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: goldenPathsApiRef,
      deps: { discoveryApi: coreApis.discovery, fetchApi: coreApis.fetch },
      factory: ({ discoveryApi, fetchApi }) =>
        new GoldenPathsClient({ discoveryApi, fetchApi }),
    }),
});

/** `/golden-paths`: golden gates, my runs, template versions (`?tab=`). */
export const goldenPathsPage = PageBlueprint.make({
  params: {
    path: '/golden-paths',
    title: 'Golden paths',
    icon: <LinearScaleIcon fontSize="inherit" />,
    routeRef: rootRouteRef,
    loader: () =>
      import('./components/GoldenPathsPage').then(m => <m.GoldenPathsPage />),
  },
});

/**
 * The `PolicyCheck` field of the scaffolder's create form
 * (`ui:field: PolicyCheck`, `ui:options: { template: <name> }`).
 */
export const policyCheckFormField = FormFieldBlueprint.make({
  name: 'policy-check',
  params: {
    field: () =>
      import('./components/PolicyCheckField').then(m => m.policyCheckFormField),
  },
});

/**
 * Overview card of entities made by a template (`portal.dev/template`):
 * their template version against the latest, and the upgrade proposal.
 */
export const entityTemplateUpgradeCard = EntityCardBlueprint.make({
  name: 'template-version',
  params: {
    // The annotation key has dots of its own; entity predicates match it
    // whole (`metadata.annotations.portal.dev/template`).
    filter: { 'metadata.annotations.portal.dev/template': { $exists: true } },
    loader: () =>
      import('./components/EntityTemplateUpgradeCard').then(m => (
        <m.EntityTemplateUpgradeCard />
      )),
  },
});

/**
 * Golden paths in the new frontend system: the Golden paths page, the
 * policy check field of the create form and the "Golden path version" card
 * of entities made by a template.
 *
 * @public
 */
export const goldenPathsPlugin = createFrontendPlugin({
  pluginId: 'golden-paths',
  title: 'Golden paths',
  icon: <LinearScaleIcon fontSize="inherit" />,
  info: { packageJson: () => import('../package.json') },
  routes: {
    root: rootRouteRef,
  },
  extensions: [
    goldenPathsApi,
    goldenPathsPage,
    policyCheckFormField,
    entityTemplateUpgradeCard,
  ],
});
