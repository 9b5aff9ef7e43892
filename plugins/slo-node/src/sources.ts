import { createExtensionPoint } from '@backstage/backend-plugin-api';
import type { MetricSourceSpec, SloSpec } from '@internal/plugin-slo-common';

/**
 * What a source returns for a span of time. `counts`: good and total events
 * per sample time (ratio SLIs; the sample's minute receives them). `values`:
 * measured values (threshold SLIs; each is one event, good when it meets the
 * objective). `counters`: raw readings of ever-growing counters (OpenSLO
 * `counter: true`); the backend turns them into increases, resets included.
 */
export type SliSamples =
  | {
      kind: 'counts';
      samples: Array<{ ts: Date; good: number; total: number }>;
    }
  | { kind: 'values'; samples: Array<{ ts: Date; value: number }> }
  | {
      kind: 'counters';
      samples: Array<{ ts: Date; good: number; total: number }>;
    };

export interface SliFetchRequest {
  /** The SLO being evaluated. */
  slo: SloSpec;
  /** Its id in the SLO backend. */
  sloId: string;
  /** Half-open span [from, to) to read, whole minutes. */
  from: Date;
  to: Date;
  /** Aborted when the source takes longer than its timeout. */
  signal: AbortSignal;
}

/**
 * One kind of metric source (OpenSLO `metricSource.type`, compared without
 * case). `fetch` throws an Error with a message that says what went wrong;
 * the SLO shows it and the other SLOs go on.
 */
export interface SliSource {
  /** The metric source type it serves, e.g. `Prometheus`. */
  readonly type: string;
  /**
   * Checks a metric source when the SLO is loaded: an error message per
   * problem (e.g. a missing query), empty when it is usable.
   */
  validate?(metric: MetricSourceSpec): string[];
  fetch(request: SliFetchRequest): Promise<SliSamples>;
}

export interface SloSourcesExtensionPoint {
  addSource(...sources: SliSource[]): void;
}

/** Lets backend modules add SLI sources to the SLO backend. */
export const sloSourcesExtensionPoint =
  createExtensionPoint<SloSourcesExtensionPoint>({
    id: 'slo.sources',
  });
