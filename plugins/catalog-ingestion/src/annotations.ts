/**
 * Set by the ingestion module on every entity it discovered in a repository:
 * `<sourceId>/<repository>`. Its presence decides whether the problems card
 * and the Docs tab are shown.
 */
export const ANNOTATION_INGESTION_REPOSITORY =
  'portal.dev/ingestion-repository';

/** Entity filter: discovered by the ingestion module. */
export const hasIngestionRepository = {
  [`metadata.annotations.${ANNOTATION_INGESTION_REPOSITORY}`]: {
    $exists: true,
  },
};
