/**
 * Frontend of the SLO plugins: the SLOs page (platform health, the overview
 * of every SLO, one SLO with its SLI, error budget burn-down, burn rates and
 * alert history) and the SLOs tab of components, resources and systems.
 *
 * @packageDocumentation
 */
export { sloPlugin as default } from './plugin';
export {
  sloApiRef,
  SloClient,
  type SloApi,
  type SloListFilter,
  type SloValidation,
} from './api';
export { rootRouteRef } from './routes';
