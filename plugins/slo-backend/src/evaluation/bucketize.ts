import { compare, type SloSpec } from '@internal/plugin-slo-common';
import type { SliSamples } from '@internal/plugin-slo-node';
import type { Counts } from '../store/SloStore';

export const minuteOf = (d: Date) => Math.floor(d.getTime() / 60_000);

function add(
  map: Map<number, Counts>,
  minute: number,
  good: number,
  total: number,
) {
  const c = map.get(minute) ?? { good: 0, total: 0 };
  c.good += good;
  c.total += total;
  map.set(minute, c);
}

/**
 * Turns what a source returned for [from, to) into good and total per
 * minute: counts as they are; counter readings as increases between
 * consecutive readings (a drop is a counter reset: the new reading is the
 * increase); values as one event each, good when they meet the objective.
 * Readings outside [from, to) only serve as the baseline of the first
 * increase. Budgets counted in time slices then get one good or bad slice
 * per slice with events.
 */
export function toBuckets(
  spec: SloSpec,
  result: SliSamples,
  from: number,
  to: number,
): Map<number, Counts> {
  const minutes = new Map<number, Counts>();
  const inRange = (m: number) => m >= from && m < to;
  if (result.kind === 'counts') {
    for (const s of result.samples) {
      const m = minuteOf(s.ts);
      if (inRange(m) && s.total >= 0 && s.good >= 0)
        add(minutes, m, Math.min(s.good, s.total), s.total);
    }
  } else if (result.kind === 'counters') {
    const sorted = [...result.samples].sort(
      (a, b) => a.ts.getTime() - b.ts.getTime(),
    );
    for (let i = 1; i < sorted.length; i++) {
      const m = minuteOf(sorted[i].ts);
      if (!inRange(m)) continue;
      const prev = sorted[i - 1];
      const cur = sorted[i];
      const total =
        cur.total >= prev.total ? cur.total - prev.total : cur.total;
      const good = cur.good >= prev.good ? cur.good - prev.good : cur.good;
      add(minutes, m, Math.min(good, total), total);
    }
  } else {
    const { op, value } = spec.objective;
    for (const s of result.samples) {
      const m = minuteOf(s.ts);
      if (!inRange(m) || !Number.isFinite(s.value)) continue;
      add(minutes, m, compare(s.value, op ?? 'lte', value ?? 0) ? 1 : 0, 1);
    }
  }
  if (spec.budgetingMethod !== 'Timeslices') return minutes;

  const size = spec.objective.timeSliceMinutes ?? 1;
  const sliceTarget = spec.objective.timeSliceTarget ?? 1;
  const slices = new Map<number, Counts>();
  for (const [m, c] of minutes)
    add(slices, Math.floor(m / size) * size, c.good, c.total);
  const result2 = new Map<number, Counts>();
  for (const [start, c] of slices) {
    if (c.total <= 0) continue;
    result2.set(start, {
      good: c.good / c.total >= sliceTarget ? 1 : 0,
      total: 1,
    });
  }
  return result2;
}
