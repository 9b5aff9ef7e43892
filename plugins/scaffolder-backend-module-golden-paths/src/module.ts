import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createCatalogVisibleAction } from './actions/catalogVisible';
import { createPolicyCheckAction } from './actions/policyCheck';
import { createPublishLocalAction } from './actions/publishLocal';
import { remoteTargetFromConfig } from './actions/remotePublishing';
import { readGoldenPathsModuleConfig } from './config';

/**
 * Scaffolder module: the actions of the portal's golden paths
 * (`portal:policy:check`, `portal:publish:local`, `portal:catalog:visible`).
 */
export const scaffolderModuleGoldenPaths = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'golden-paths',
  register(env) {
    env.registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        config: coreServices.rootConfig,
        auth: coreServices.auth,
        discovery: coreServices.discovery,
        catalog: catalogServiceRef,
      },
      async init({ scaffolder, config, auth, discovery, catalog }) {
        const settings = readGoldenPathsModuleConfig(config);
        scaffolder.addActions(
          createPolicyCheckAction({ auth, discovery }),
          createPublishLocalAction({ config: settings }),
          createPublishLocalAction({
            id: 'portal:publish',
            config: settings,
            remote: remoteTargetFromConfig(config, settings),
          }),
          createCatalogVisibleAction({
            config: settings,
            auth,
            discovery,
            catalog,
          }),
        );
      },
    });
  },
});
