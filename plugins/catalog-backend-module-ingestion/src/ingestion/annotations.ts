/** `<sourceId>/<repository>` of the repository an entity was discovered in. */
export const ANNOTATION_INGESTION_REPOSITORY =
  'portal.dev/ingestion-repository';
