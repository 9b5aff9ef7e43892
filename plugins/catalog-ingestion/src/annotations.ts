import { ANNOTATION_INGESTION_REPOSITORY } from '@internal/plugin-catalog-ingestion-common';

/**
 * Its presence on an entity decides whether the problems card and the Docs
 * tab are shown.
 */
export { ANNOTATION_INGESTION_REPOSITORY };

/** Entity filter: discovered by the ingestion module. */
export const hasIngestionRepository = {
  [`metadata.annotations.${ANNOTATION_INGESTION_REPOSITORY}`]: {
    $exists: true,
  },
};
