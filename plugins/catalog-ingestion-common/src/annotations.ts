/**
 * Set by the ingestion module on every entity it discovered in a repository:
 * `<sourceId>/<repository>`.
 */
export const ANNOTATION_INGESTION_REPOSITORY =
  'portal.dev/ingestion-repository';

/**
 * Names an entity's OpenSLO file(s): comma-separated paths relative to the
 * entity's descriptor file. Read on Components, Resources, Systems and APIs
 * discovered in repositories; the files are served by
 * `GET /api/catalog/ingestion/openslo`.
 */
export const ANNOTATION_OPENSLO_FILES = 'portal.dev/openslo';

/**
 * Entity filter of the new frontend system: discovered by the ingestion
 * module (for the problems card and the Docs tab).
 */
export const hasIngestionRepository = {
  [`metadata.annotations.${ANNOTATION_INGESTION_REPOSITORY}`]: {
    $exists: true,
  },
};
