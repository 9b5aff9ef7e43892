/**
 * The portal's permission policy, replacing allow-all.
 *
 * @packageDocumentation
 */
export { permissionModulePortalPolicy as default } from './module';
export {
  PortalPermissionPolicy,
  readPortalPolicyOptions,
  DEFAULT_PLATFORM_GROUPS,
  PLATFORM_ONLY,
  EVERYONE,
  ANNOTATION_VISIBILITY,
} from './PortalPermissionPolicy';
export type { PortalPolicyOptions } from './PortalPermissionPolicy';
