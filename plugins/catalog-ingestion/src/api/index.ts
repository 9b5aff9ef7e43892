export { catalogIngestionApiRef } from './CatalogIngestionApi';
export type { CatalogIngestionApi } from './CatalogIngestionApi';
export { CatalogIngestionClient } from './CatalogIngestionClient';
