/**
 * Names the OpenSLO file(s) of an entity, relative to its
 * `catalog-info.yaml` (comma-separated for several). Set by the entity's
 * author, or by catalog ingestion when it finds `slo.yaml` or `*.openslo.yaml`
 * next to the descriptor.
 */
export const ANNOTATION_OPENSLO = 'portal.dev/openslo';

/** The `Portal` metric source type: the platform measuring itself. */
export const PORTAL_SOURCE = 'Portal';

/** The `Push` metric source type: counts pushed through the API. */
export const PUSH_SOURCE = 'Push';

/** Metrics of the `Portal` source (its `spec.metric`). */
export const PORTAL_METRICS = [
  'availability',
  'provisioning-success',
  'provisioning-time',
  'ingestion-success',
  'ingestion-visibility',
] as const;
export type PortalMetric = (typeof PORTAL_METRICS)[number];
