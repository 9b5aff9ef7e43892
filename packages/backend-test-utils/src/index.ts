/**
 * Helpers shared by the portal's backend tests.
 *
 * @packageDocumentation
 */
export { eventually } from './eventually';
export { dropDatabases } from './databases';
export { git, commitFiles } from './git';
export { MANUAL_SCHEDULE, stackConfig } from './stackConfig';
export {
  callBackend,
  freePort,
  startDedicatedPostgres,
  startBackendProcess,
} from './processes';
export type { DedicatedPostgres, BackendProcess } from './processes';
export { permissionsForTest } from './permissions';
export {
  scmEventsConfig,
  scmEventsModules,
  scmWebhookHeaders,
  SCM_WEBHOOK_SECRETS,
} from './scmEvents';
