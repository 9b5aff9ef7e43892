/**
 * Set by the ingestion module on every entity it discovered in a repository:
 * `<sourceId>/<repository>`.
 */
export const ANNOTATION_INGESTION_REPOSITORY =
  'portal.dev/ingestion-repository';
