/**
 * Frontend of the DX plugins: the DX metrics page (DORA four keys, golden
 * paths versus the rest, adoption, scorecards, onboarding, surveys) for the
 * organisation or a team, the DX tab and the Scorecard card of components.
 *
 * @packageDocumentation
 */
export { dxPlugin as default } from './plugin';
export {
  dxApiRef,
  DxClient,
  type DoraQuery,
  type DxApi,
  type DxEvent,
  type DxEventFilter,
  type DxRange,
  type DxScope,
  type UnmappedReason,
} from './api';
export { goldenPathSurveyRouteRef, rootRouteRef } from './routes';
