/**
 * Catalog module that discovers entities in git repositories and reports
 * its own health.
 *
 * @packageDocumentation
 */
export { catalogModuleIngestion as default } from './module';
export { ANNOTATION_INGESTION_REPOSITORY } from '@internal/plugin-catalog-ingestion-common';
