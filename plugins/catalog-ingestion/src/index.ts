/**
 * Frontend of catalog ingestion: the Catalog ingestion and Dependencies
 * pages, the entity problems card, and the entity Dependencies and Docs tabs.
 *
 * @packageDocumentation
 */
export { catalogIngestionPlugin as default } from './plugin';
export {
  catalogIngestionApiRef,
  CatalogIngestionClient,
  type CatalogIngestionApi,
} from './api';
export { ANNOTATION_INGESTION_REPOSITORY } from './annotations';
