/**
 * Backend helpers the portal's backend plugins share.
 *
 * @packageDocumentation
 */
export { catalogReadScope, entityRefsShown } from './catalogReadScope';
export type { CatalogReadScope, ReadScopeServices } from './catalogReadScope';
export {
  HostRateLimitedError,
  rateLimitedUntil,
  scmRequest,
} from './scmRequest';
