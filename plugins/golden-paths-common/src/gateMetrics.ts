import { percentile } from '@internal/portal-common';
import type { GateMetrics, GateRequesterMetrics, GateStatus } from './types';

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
    medianWaitMs: percentile(waits, 50),
    p90WaitMs: percentile(waits, 90),
  };
}

/**
 * The gate metrics of requests people made themselves and of requests
 * agents made on behalf of people (`agent` set): {@link gateMetrics} over
 * each half.
 */
export function gateMetricsByRequester(
  rows: Array<{ status: GateStatus; waitMs?: number; agent?: string }>,
): { people: GateRequesterMetrics; agents: GateRequesterMetrics } {
  const part = (
    half: Array<{ status: GateStatus; waitMs?: number }>,
  ): GateRequesterMetrics => {
    const { requested, pending, approved, rejected, medianWaitMs } =
      gateMetrics(half);
    return { requested, pending, approved, rejected, medianWaitMs };
  };
  return {
    people: part(rows.filter(r => !r.agent)),
    agents: part(rows.filter(r => !!r.agent)),
  };
}
