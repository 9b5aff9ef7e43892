/**
 * Its presence on an entity decides whether the problems card (and the Docs
 * tab of the repository docs) are shown; `hasIngestionRepository` is the
 * entity filter.
 */
export {
  ANNOTATION_INGESTION_REPOSITORY,
  hasIngestionRepository,
} from '@internal/plugin-catalog-ingestion-common';
