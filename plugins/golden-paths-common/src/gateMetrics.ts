import type { GateMetrics, GateStatus } from './types';

function percentile(sorted: number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  // Nearest rank: the smallest value with at least p of the values at or below it.
  const rank = Math.max(1, Math.ceil(p * sorted.length));
  return sorted[rank - 1];
}

/** How much golden gates cost: counts and the wait from request to decision. */
export function gateMetrics(
  rows: Array<{ status: GateStatus; waitMs?: number }>,
): GateMetrics {
  const waits = rows
    .map(r => r.waitMs)
    .filter((w): w is number => w !== undefined)
    .sort((a, b) => a - b);
  return {
    requested: rows.length,
    pending: rows.filter(r => r.status === 'pending').length,
    approved: rows.filter(r => r.status === 'approved').length,
    rejected: rows.filter(r => r.status === 'rejected').length,
    medianWaitMs: percentile(waits, 0.5),
    p90WaitMs: percentile(waits, 0.9),
  };
}
