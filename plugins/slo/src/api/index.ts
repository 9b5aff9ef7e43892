export { sloApiRef } from './SloApi';
export type { SloApi, SloListFilter, SloValidation } from './SloApi';
export { SloClient } from './SloClient';
