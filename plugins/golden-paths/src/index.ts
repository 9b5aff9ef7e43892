/**
 * Frontend of golden paths: the Golden paths page (golden gates with the
 * review queue, my runs with retry, template versions) and the PolicyCheck
 * field of the scaffolder's create form.
 *
 * @packageDocumentation
 */
export { goldenPathsPlugin as default } from './plugin';
export {
  goldenPathsApiRef,
  GoldenPathsClient,
  type GateApproval,
  type GateList,
  type GoldenPathsApi,
} from './api';
export { rootRouteRef } from './routes';
