import {
  changeFailureRate,
  DEFAULT_DORA_OPTIONS,
  DORA_LEVELS,
  isProduction,
  leadTime,
  levelAtLeast,
  levelAtMost,
  overallLevel,
  productionDeployments,
  recoveryTime,
  reworkRate,
  shippedChanges,
  type ChangeRecord,
  type DeploymentRecord,
  type DoraLevel,
  type DoraOptions,
  type IncidentRecord,
  type Range,
  type ReworkRate,
  type RollbackRecord,
} from './dora';
import type { DoraPeriod } from './api';

/**
 * Daily roll-ups of the four keys: what one entity (or the organisation)
 * contributed on one UTC day, so that a dashboard adds up days instead of
 * reading every event. Counts add up exactly; durations are kept as
 * histograms with buckets 1 % wide, so medians and p90s read from them are
 * within 1 % of the exact value.
 */
export interface DailyDora {
  day: string;
  /** Successful production deployments that day. */
  deployments: number;
  failedDeployments: number;
  notProduction: number;
  /** Changes whose deployment finished that day, and their lead times. */
  leadChanges: number;
  leadHistogram: Histogram;
  withoutCommitTimes: number;
  deploymentsWithoutChanges: number;
  /** Of those, the ones that carry no commit SHA. */
  deploymentsWithoutChangesNoSha: number;
  /** Changes merged that day and never deployed. */
  notDeployed: number;
  /** Deployments that day followed by an incident or rollback. */
  failedAfter: number;
  incidentsWithoutDeployment: number;
  /** Incidents resolved that day, and their recovery times. */
  recovered: number;
  recoveryHistogram: Histogram;
  /** Incidents opened that day and not resolved. */
  stillOpen: number;
  resolvedWithoutOpening: number;
  /**
   * Successful production deployments that day that are rework (the fifth
   * key, as `reworkRate` defines it), and of those, how many each reason
   * marked (one deployment may have several).
   */
  rework: number;
  reworkLabel: number;
  reworkBranch: number;
  reworkIncident: number;
  /**
   * Successful production deployments that day that carry a label or a
   * branch themselves or through a change they shipped.
   */
  reworkWithMarkers: number;
}

/** Bucket index → count. */
export type Histogram = Record<string, number>;

/** Each bucket is 1 % wider than the one before it. */
const GROWTH = 1.01;
const LOG_GROWTH = Math.log(GROWTH);

/** The bucket of a duration: -1 for under a second, else ⌊log₁.₀₁(s)⌋. */
export function bucketOf(ms: number): number {
  if (ms < 1000) return -1;
  return Math.floor(Math.log(ms / 1000) / LOG_GROWTH);
}

/** The value a bucket stands for: its geometric middle (0 for -1). */
export function bucketValue(bucket: number): number {
  if (bucket < 0) return 0;
  return 1000 * GROWTH ** (bucket + 0.5);
}

export function addToHistogram(h: Histogram, ms: number, n = 1): void {
  const b = String(bucketOf(ms));
  h[b] = (h[b] ?? 0) + n;
}

/** Adds `from` into `into`; a bucket that reaches 0 (a difference) goes. */
export function mergeHistograms(into: Histogram, from: Histogram): void {
  for (const [b, n] of Object.entries(from)) {
    if (!/^-?\d+$/.test(b)) continue;
    const sum = (into[b] ?? 0) + n;
    if (sum === 0) delete into[b];
    else into[b] = sum;
  }
}

/** The value at 1-based rank `rank` of a histogram. */
function valueAtRank(sorted: Array<[number, number]>, rank: number): number {
  let seen = 0;
  for (const [bucket, n] of sorted) {
    seen += n;
    if (seen >= rank) return bucketValue(bucket);
  }
  return bucketValue(sorted[sorted.length - 1][0]);
}

/**
 * Median (mean of the middle two) and nearest-rank p90 of a histogram, as
 * the exact functions define them, each within 1 %.
 */
export function histogramQuantiles(h: Histogram): {
  count: number;
  medianMs: number | null;
  p90Ms: number | null;
} {
  const sorted = Object.entries(h)
    .map(([b, n]) => [Number(b), n] as [number, number])
    .filter(([, n]) => n > 0)
    .sort((a, b) => a[0] - b[0]);
  const count = sorted.reduce((s, [, n]) => s + n, 0);
  if (count === 0) return { count, medianMs: null, p90Ms: null };
  const median =
    count % 2
      ? valueAtRank(sorted, (count + 1) / 2)
      : (valueAtRank(sorted, count / 2) + valueAtRank(sorted, count / 2 + 1)) /
        2;
  const p90 = valueAtRank(sorted, Math.max(1, Math.ceil(0.9 * count)));
  return { count, medianMs: median, p90Ms: p90 };
}

/** An empty day. */
export function emptyDay(day: string): DailyDora {
  return {
    day,
    deployments: 0,
    failedDeployments: 0,
    notProduction: 0,
    leadChanges: 0,
    leadHistogram: {},
    withoutCommitTimes: 0,
    deploymentsWithoutChanges: 0,
    deploymentsWithoutChangesNoSha: 0,
    notDeployed: 0,
    failedAfter: 0,
    incidentsWithoutDeployment: 0,
    recovered: 0,
    recoveryHistogram: {},
    stillOpen: 0,
    resolvedWithoutOpening: 0,
    rework: 0,
    reworkLabel: 0,
    reworkBranch: 0,
    reworkIncident: 0,
    reworkWithMarkers: 0,
  };
}

const COUNTS = [
  'deployments',
  'failedDeployments',
  'notProduction',
  'leadChanges',
  'withoutCommitTimes',
  'deploymentsWithoutChanges',
  'notDeployed',
  'failedAfter',
  'incidentsWithoutDeployment',
  'recovered',
  'stillOpen',
  'resolvedWithoutOpening',
  'deploymentsWithoutChangesNoSha',
  'rework',
  'reworkLabel',
  'reworkBranch',
  'reworkIncident',
  'reworkWithMarkers',
] as const;

/**
 * Adds `from` into `into` (same day or not: used to sum days and entities).
 * A count missing from `from` (a row stored before it existed) is 0.
 */
export function addDay(into: DailyDora, from: DailyDora): void {
  for (const k of COUNTS) into[k] = (into[k] ?? 0) + (from[k] ?? 0);
  mergeHistograms(into.leadHistogram, from.leadHistogram ?? {});
  mergeHistograms(into.recoveryHistogram, from.recoveryHistogram ?? {});
}

/** Removes from a histogram what another holds; buckets that reach 0 go. */
function subtractHistogram(from: Histogram, what: Histogram): void {
  const negative: Histogram = {};
  for (const [b, n] of Object.entries(what)) negative[b] = -n;
  mergeHistograms(from, negative);
}

/**
 * Subtracts `what` from `from` (the inverse of `addDay`): an entity's old
 * row of a day taken out of the organisation's. Buckets that reach 0 go,
 * so that a sum minus a part equals the sum of the other parts.
 */
export function subtractDay(from: DailyDora, what: DailyDora): void {
  for (const k of COUNTS) from[k] = (from[k] ?? 0) - (what[k] ?? 0);
  subtractHistogram(from.leadHistogram, what.leadHistogram ?? {});
  subtractHistogram(from.recoveryHistogram, what.recoveryHistogram ?? {});
}

/** Whether a day counts nothing: every count 0, both histograms empty. */
export function isEmptyDay(d: DailyDora): boolean {
  return (
    COUNTS.every(k => !d[k]) &&
    Object.values(d.leadHistogram ?? {}).every(n => !n) &&
    Object.values(d.recoveryHistogram ?? {}).every(n => !n)
  );
}

/** What a period added up from roll-ups holds beside `DoraPeriod`. */
export interface RollupCounts {
  /**
   * Of the production deployments that shipped no change, those that carry
   * no commit SHA (`deployment-without-commit-sha`).
   */
  deploymentsWithoutCommitSha: number;
}

/**
 * The four keys over whole UTC days [from, to) from daily roll-ups: the
 * same definitions as the exact functions, with counts exact and
 * durations within 1 %.
 */
export function doraFromDays(
  days: DailyDora[],
  range: { from: string; to: string },
): Omit<DoraPeriod, 'perDay' | 'reworkRate'> & {
  perDay: Array<{ day: string; deployments: number }>;
  reworkRate: Omit<ReworkRate, 'rows'>;
  /** For the diagnostics (`diagnosticsFromCounts`), not for the answer. */
  rollupCounts: RollupCounts;
} {
  const total = emptyDay('');
  const perDayMap = new Map<string, number>();
  for (const d of days) {
    addDay(total, d);
    perDayMap.set(d.day, (perDayMap.get(d.day) ?? 0) + d.deployments);
  }
  const span = (Date.parse(range.to) - Date.parse(range.from)) / 86_400_000;
  const perDay = span > 0 ? total.deployments / span : 0;
  const lead = histogramQuantiles(total.leadHistogram);
  const recovery = histogramQuantiles(total.recoveryHistogram);
  const rate =
    total.deployments > 0 ? total.failedAfter / total.deployments : null;
  const dfLevel: DoraLevel | null =
    total.deployments > 0
      ? levelAtLeast(perDay, DORA_LEVELS.deploymentFrequency)
      : null;
  const ltLevel =
    lead.medianMs === null
      ? null
      : levelAtMost(lead.medianMs, DORA_LEVELS.leadTime);
  const cfrLevel =
    rate === null ? null : levelAtMost(rate, DORA_LEVELS.changeFailureRate);
  const rtLevel =
    recovery.medianMs === null
      ? null
      : levelAtMost(recovery.medianMs, DORA_LEVELS.recoveryTime);
  const allDays: Array<{ day: string; deployments: number }> = [];
  for (
    let t = Date.parse(range.from);
    t < Date.parse(range.to);
    t += 86_400_000
  ) {
    const day = new Date(t).toISOString().slice(0, 10);
    allDays.push({ day, deployments: perDayMap.get(day) ?? 0 });
  }
  return {
    from: range.from,
    to: range.to,
    deploymentFrequency: {
      deployments: total.deployments,
      days: span,
      perDay,
      perWeek: perDay * 7,
      excluded: {
        failed: total.failedDeployments,
        notProduction: total.notProduction,
      },
      level: dfLevel,
    },
    leadTime: {
      changes: total.leadChanges,
      medianMs: lead.medianMs,
      p90Ms: lead.p90Ms,
      deploymentsWithoutChanges: total.deploymentsWithoutChanges,
      notDeployed: total.notDeployed,
      withoutCommitTimes: total.withoutCommitTimes,
      level: ltLevel,
    },
    changeFailureRate: {
      deployments: total.deployments,
      failed: total.failedAfter,
      rate,
      incidentsWithoutDeployment: total.incidentsWithoutDeployment,
      level: cfrLevel,
    },
    recoveryTime: {
      incidents: total.recovered,
      medianMs: recovery.medianMs,
      stillOpen: total.stillOpen,
      level: rtLevel,
    },
    level: overallLevel([dfLevel, ltLevel, cfrLevel, rtLevel]),
    perDay: allDays,
    unlinked: { resolvedWithoutOpening: total.resolvedWithoutOpening },
    // The sample is the successful production deployments, as for the
    // deployment frequency.
    reworkRate: {
      deployments: total.deployments,
      rework: total.rework,
      rate: total.deployments > 0 ? total.rework / total.deployments : null,
      byReason: {
        label: total.reworkLabel,
        branch: total.reworkBranch,
        incident: total.reworkIncident,
      },
      withMarkers: total.reworkWithMarkers,
      level: null,
    },
    rollupCounts: {
      deploymentsWithoutCommitSha: total.deploymentsWithoutChangesNoSha,
    },
  };
}

/** Everything known of some entities' delivery, as records. */
export interface DoraRecords {
  deployments: DeploymentRecord[];
  rollbacks: RollbackRecord[];
  changes: ChangeRecord[];
  /** Incidents whose opening is known. */
  incidents: IncidentRecord[];
  /** Incidents known only by their resolution: whose, and when. */
  resolvedWithoutOpening: Array<{ entityRef: string; at: string }>;
}

/**
 * The daily roll-ups of `records` over [from, to) (whole UTC days), by the
 * exact functions' definitions: a deployment counts on the day it finished,
 * a change on the day its deployment finished (never-deployed ones on the
 * day they merged; ones deployed after the range on neither), an incident
 * on the day it was resolved (still-open ones on the day they opened).
 * What is "not deployed" or "still open" is as of the records given. Only
 * days with something to count are returned.
 */
export function dailyDora(
  records: DoraRecords,
  range: Range,
  options: DoraOptions = DEFAULT_DORA_OPTIONS,
): DailyDora[] {
  const days = new Map<string, DailyDora>();
  const at = (iso: string) => {
    const day = iso.slice(0, 10);
    let d = days.get(day);
    if (!d) {
      d = emptyDay(day);
      days.set(day, d);
    }
    return d;
  };
  const inside = (iso: string) =>
    Date.parse(iso) >= Date.parse(range.from) &&
    Date.parse(iso) < Date.parse(range.to);

  for (const d of records.deployments) {
    if (!inside(d.at)) continue;
    if (d.outcome !== undefined && d.outcome !== 'success')
      at(d.at).failedDeployments += 1;
    else if (!isProduction(d.environment, options)) at(d.at).notProduction += 1;
    else at(d.at).deployments += 1;
  }

  const lead = leadTime(records.deployments, records.changes, range, options);
  const byId = new Map(records.changes.map(c => [c.id, c]));
  // Shipped by any deployment given, in the range or after it (as the
  // exact lead time says): a day's numbers then depend only on the next
  // production deployment, wherever the range ends.
  const production = productionDeployments(records.deployments, options);
  const shipped = shippedChanges(production, records.changes);
  const shippedIds = new Set([...shipped.values()].flat().map(c => c.id));
  const usedDeploys = new Set(lead.rows.map(r => r.deploymentId));
  for (const r of lead.rows) {
    const day = at(r.deployedAt);
    day.leadChanges += 1;
    addToHistogram(day.leadHistogram, r.leadTimeMs);
    if (!byId.get(r.changeId)?.firstCommitAt) day.withoutCommitTimes += 1;
  }
  for (const d of records.deployments)
    if (
      inside(d.at) &&
      (d.outcome === undefined || d.outcome === 'success') &&
      isProduction(d.environment, options) &&
      !usedDeploys.has(d.id)
    ) {
      const day = at(d.at);
      day.deploymentsWithoutChanges += 1;
      if (!d.commitSha) day.deploymentsWithoutChangesNoSha += 1;
    }
  for (const c of records.changes)
    if (inside(c.mergedAt) && !shippedIds.has(c.id))
      at(c.mergedAt).notDeployed += 1;

  const cfr = changeFailureRate(
    records.deployments,
    records.incidents,
    records.rollbacks,
    range,
    options,
  );
  for (const r of cfr.rows) if (r.failedBy) at(r.deployedAt).failedAfter += 1;
  for (const i of cfr.incidentRows)
    at(i.openedAt).incidentsWithoutDeployment += 1;

  const recovery = recoveryTime(records.incidents, range, options);
  for (const r of recovery.rows) {
    const day = at(r.resolvedAt);
    day.recovered += 1;
    addToHistogram(day.recoveryHistogram, r.durationMs);
  }
  for (const i of records.incidents)
    if (
      !i.resolvedAt &&
      inside(i.openedAt) &&
      (i.environment === undefined || isProduction(i.environment, options))
    )
      at(i.openedAt).stillOpen += 1;
  for (const r of records.resolvedWithoutOpening)
    if (inside(r.at)) at(r.at).resolvedWithoutOpening += 1;

  // Rework, on the day of the deployment (as `reworkRate` decides it).
  const rework = reworkRate(
    records.deployments,
    records.changes,
    records.incidents,
    range,
    options,
  );
  for (const r of rework.rows) {
    if (!r.reasons.length) continue;
    const day = at(r.deployedAt);
    day.rework += 1;
    const kinds = new Set(r.reasons.map(x => x.kind));
    if (kinds.has('label')) day.reworkLabel += 1;
    if (kinds.has('branch')) day.reworkBranch += 1;
    if (kinds.has('incident')) day.reworkIncident += 1;
  }
  for (const ds of production.values())
    for (const d of ds) {
      if (!inside(d.at)) continue;
      const cs = shipped.get(d.id) ?? [];
      if (
        d.labels?.length ||
        d.branch ||
        cs.some(c => c.labels?.length || c.branch)
      )
        at(d.at).reworkWithMarkers += 1;
    }

  return [...days.values()].sort((a, b) => a.day.localeCompare(b.day));
}
