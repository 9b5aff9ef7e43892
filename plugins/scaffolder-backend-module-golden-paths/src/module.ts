import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createCatalogVisibleAction } from './actions/catalogVisible';
import { createPolicyCheckAction } from './actions/policyCheck';
import { GithubPublisher } from './actions/GithubPublisher';
import { GitlabPublisher } from './actions/GitlabPublisher';
import { createPublishLocalAction } from './actions/publishLocal';
import { readGoldenPathsModuleConfig } from './config';

/** The git hosts `portal:publish` can create repositories on. */
const REMOTE_PUBLISHERS = {
  github: GithubPublisher.fromConfig,
  gitlab: GitlabPublisher.fromConfig,
};

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
            remote:
              settings.target === 'local'
                ? undefined
                : REMOTE_PUBLISHERS[settings.target](config),
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
