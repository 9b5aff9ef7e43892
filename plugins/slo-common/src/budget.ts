import { DateTime } from 'luxon';
import type {
  BurnRate,
  BurnRateRule,
  ComparisonOp,
  ErrorBudget,
  SloSpec,
  TimeWindowSpec,
} from './types';

/** Good and total events (or slices) over some span. */
export interface Counts {
  good: number;
  total: number;
}

const MINUTES: Record<string, number> = {
  m: 1,
  h: 60,
  d: 1440,
  w: 10080,
};

/**
 * Minutes in an OpenSLO duration such as `5m`, `1h`, `28d` or `2w`. Months,
 * quarters and years have no fixed length: undefined for them (they only
 * make sense as calendar windows).
 */
export function durationMinutes(duration: string): number | undefined {
  const m = /^(\d+)([mhdw])$/.exec(duration.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  return n > 0 ? n * MINUTES[m[2]] : undefined;
}

const CALENDAR_UNITS: Record<
  string,
  'minutes' | 'hours' | 'days' | 'weeks' | 'months' | 'years'
> = {
  m: 'minutes',
  h: 'hours',
  d: 'days',
  w: 'weeks',
  M: 'months',
  Y: 'years',
};

/**
 * The span the SLO is judged over at `now`: the last N minutes for rolling
 * windows; for calendar windows the current period (counted from the
 * calendar start time in its time zone), from its start up to `now`, and
 * the full period length for budgets counted in time slices.
 */
export function windowAt(
  window: TimeWindowSpec,
  now: Date,
): { from: Date; to: Date; periodMinutes: number } {
  if (window.rolling || !window.calendar) {
    const minutes = durationMinutes(window.duration);
    if (minutes === undefined)
      throw new Error(`unsupported rolling window ${window.duration}`);
    return {
      from: new Date(now.getTime() - minutes * 60_000),
      to: now,
      periodMinutes: minutes,
    };
  }
  const m = /^(\d+)([mhdwMQY])$/.exec(window.duration.trim());
  if (!m || Number(m[1]) <= 0)
    throw new Error(`unsupported calendar window ${window.duration}`);
  const count = m[2] === 'Q' ? Number(m[1]) * 3 : Number(m[1]);
  const unit = m[2] === 'Q' ? 'months' : CALENDAR_UNITS[m[2]];
  const zone = window.calendar.timeZone;
  const start = DateTime.fromSQL(window.calendar.startTime, { zone }).isValid
    ? DateTime.fromSQL(window.calendar.startTime, { zone })
    : DateTime.fromISO(window.calendar.startTime, { zone });
  if (!start.isValid)
    throw new Error(
      `calendar start ${window.calendar.startTime} in ${zone}: ${start.invalidExplanation}`,
    );
  const at = DateTime.fromJSDate(now, { zone });
  // Whole periods between the calendar start and now; negative when the
  // start is still ahead (periods line up with it backwards), so that the
  // adjustments below are at most a step or two, never one per period.
  const elapsed = Math.floor(at.diff(start, unit).get(unit) / count);
  let from = start.plus({ [unit]: elapsed * count });
  // Month arithmetic can land one period late or early at month ends.
  while (from > at) from = from.minus({ [unit]: count });
  while (from.plus({ [unit]: count }) <= at)
    from = from.plus({ [unit]: count });
  const end = from.plus({ [unit]: count });
  return {
    from: from.toJSDate(),
    to: now,
    periodMinutes: Math.round(end.diff(from, 'minutes').minutes),
  };
}

/**
 * The error budget over the window. Occurrences: the budget is
 * (1 - target) of the events seen. Timeslices: (1 - target) of every slice
 * the whole period has, so a quiet hour does not shrink the budget.
 * Without any events, nothing is consumed and the SLI is null.
 */
export function errorBudget(
  spec: Pick<SloSpec, 'budgetingMethod'> & {
    objective: Pick<SloSpec['objective'], 'target' | 'timeSliceMinutes'>;
  },
  counts: Counts,
  periodMinutes: number,
): ErrorBudget {
  const { target } = spec.objective;
  const consumed = Math.max(0, counts.total - counts.good);
  const slices =
    spec.budgetingMethod === 'Timeslices'
      ? Math.floor(periodMinutes / (spec.objective.timeSliceMinutes ?? 1))
      : counts.total;
  const allowed = (1 - target) * slices;
  let remaining: number;
  if (allowed > 0) remaining = 1 - consumed / allowed;
  else remaining = consumed > 0 ? 0 : 1;
  return {
    sli: counts.total > 0 ? counts.good / counts.total : null,
    good: counts.good,
    total: counts.total,
    allowed,
    consumed,
    remaining: round(remaining),
  };
}

/**
 * How fast the budget burns over a lookback window: the error rate divided
 * by the error rate the objective allows. 1 spends exactly the budget over
 * the SLO window; 14.4 spends a 30-day budget's 2 % in one hour.
 */
export function burnRate(
  target: number,
  counts: Counts,
  windowMinutes: number,
): BurnRate {
  const bad = Math.max(0, counts.total - counts.good);
  const rate = counts.total > 0 ? bad / counts.total / (1 - target) : 0;
  return {
    windowMinutes,
    rate: round(rate),
    good: counts.good,
    total: counts.total,
  };
}

/**
 * Google's SRE workbook multiwindow, multi-burn-rate alerts (chapter 5,
 * table 5-8): page when 2 % of a 30-day budget burns in an hour or 5 % in
 * six hours, open a ticket when 10 % burns in three days. The short window
 * (1/12 of the long one) makes the alert resolve soon after the burn stops.
 */
export const DEFAULT_BURN_RATE_RULES: BurnRateRule[] = [
  {
    name: 'fast-burn',
    severity: 'page',
    factor: 14.4,
    op: 'gte',
    longWindowMinutes: 60,
    shortWindowMinutes: 5,
  },
  {
    name: 'medium-burn',
    severity: 'page',
    factor: 6,
    op: 'gte',
    longWindowMinutes: 360,
    shortWindowMinutes: 30,
  },
  {
    name: 'slow-burn',
    severity: 'ticket',
    factor: 1,
    op: 'gte',
    longWindowMinutes: 4320,
    shortWindowMinutes: 360,
  },
];

export function compare(value: number, op: ComparisonOp, threshold: number) {
  switch (op) {
    case 'lt':
      return value < threshold;
    case 'lte':
      return value <= threshold;
    case 'gt':
      return value > threshold;
    default:
      return value >= threshold;
  }
}

/**
 * Whether a rule fires: both windows must satisfy the condition, and a
 * window without events never fires (no traffic burns no budget).
 */
export function ruleFires(
  rule: BurnRateRule,
  long: BurnRate,
  short: BurnRate,
): boolean {
  if (long.total === 0 || short.total === 0) return false;
  return (
    compare(long.rate, rule.op, rule.factor) &&
    compare(short.rate, rule.op, rule.factor)
  );
}

/** Every lookback window (in minutes) the rules need, ascending. */
export function lookbackWindows(rules: BurnRateRule[]): number[] {
  return [
    ...new Set(rules.flatMap(r => [r.longWindowMinutes, r.shortWindowMinutes])),
  ].sort((a, b) => a - b);
}

function round(n: number): number {
  return Number.isFinite(n) ? Math.round(n * 1e9) / 1e9 : n;
}
