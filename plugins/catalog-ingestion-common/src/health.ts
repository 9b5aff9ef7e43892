import type { IngestionHealthWindow, IngestionRunStatus } from './types';

/**
 * Ingestion success rate from run counts by status: a run is good when its
 * source was listed completely (`succeeded` or `partial`); `running` runs are
 * not counted. Returns null for an empty window, never a made-up 100 %.
 */
export function summarizeRuns(
  counts: Partial<Record<IngestionRunStatus, number>>,
  from: Date,
  to: Date,
): IngestionHealthWindow {
  const good = (counts.succeeded ?? 0) + (counts.partial ?? 0);
  const failed = counts.failed ?? 0;
  const runs = good + failed;
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    runs,
    good,
    failed,
    successRate: runs === 0 ? null : good / runs,
  };
}
