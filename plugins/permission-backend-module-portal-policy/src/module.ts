import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import {
  PortalPermissionPolicy,
  readPortalPolicyOptions,
} from './PortalPermissionPolicy';

/** Installs the portal's permission policy in the permission backend. */
export const permissionModulePortalPolicy = createBackendModule({
  pluginId: 'permission',
  moduleId: 'portal-policy',
  register(reg) {
    reg.registerInit({
      deps: {
        policy: policyExtensionPoint,
        config: coreServices.rootConfig,
        userInfo: coreServices.userInfo,
        logger: coreServices.logger,
      },
      async init({ policy, config, userInfo, logger }) {
        const options = readPortalPolicyOptions(config);
        logger.info(
          `Portal permission policy: platform groups ${options.platformGroups.join(
            ', ',
          )}`,
        );
        policy.setPolicy(new PortalPermissionPolicy(options, userInfo));
      },
    });
  },
});
