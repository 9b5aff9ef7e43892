import { DateTime } from 'luxon';
import { parseEntityRef } from '@backstage/catalog-model';
import { humanizeEntityRef } from '@backstage/plugin-catalog-react';
import type {
  BudgetingMethod,
  SloState,
  TimeWindowSpec,
} from '@internal/plugin-slo-common';

export { formatDuration } from '@internal/portal-common';

const DASH = '—';

/** A share as a percentage: `99.95%`; an em dash when unknown. */
export function formatPercent(
  value: number | null | undefined,
  maximumFractionDigits = 3,
): string {
  if (value === null || value === undefined || !Number.isFinite(value)) {
    return DASH;
  }
  return new Intl.NumberFormat('en-US', {
    style: 'percent',
    maximumFractionDigits,
  }).format(value);
}

/** A count, with at most one decimal: `1,234`, `12.5`. */
export function formatNumber(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) {
    return DASH;
  }
  return new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 }).format(
    value,
  );
}

/** A burn rate: `0.25×`, `14.4×`. */
export function formatRate(rate: number | null | undefined): string {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) {
    return DASH;
  }
  return `${new Intl.NumberFormat('en-US', {
    maximumFractionDigits: 2,
  }).format(rate)}×`;
}

/** A lookback window: `5 min`, `1 h`, `3 d`. */
export function formatMinutes(minutes: number): string {
  if (minutes >= 1440 && minutes % 1440 === 0) return `${minutes / 1440} d`;
  if (minutes >= 60 && minutes % 60 === 0) return `${minutes / 60} h`;
  return `${minutes} min`;
}

const UNITS: Record<string, string> = {
  m: 'minute',
  h: 'hour',
  d: 'day',
  w: 'week',
  M: 'month',
  Q: 'quarter',
  Y: 'year',
};

/**
 * The target of an SLO; an em dash for SLOs whose file is invalid (the
 * backend sends 0, which no valid target is).
 */
export function formatTarget(target: number): string {
  return target > 0 ? formatPercent(target) : DASH;
}

/**
 * An SLO window in words: `28 days, rolling`, `1 month, calendar`; an em
 * dash for SLOs whose file is invalid (no duration).
 */
export function formatWindow(window: TimeWindowSpec): string {
  if (!window.duration) return DASH;
  const m = /^(\d+)([mhdwMQY])$/.exec(window.duration.trim());
  const length = m
    ? `${m[1]} ${UNITS[m[2]]}${m[1] === '1' ? '' : 's'}`
    : window.duration;
  return `${length}, ${window.rolling ? 'rolling' : 'calendar'}`;
}

/** How the error budget is counted, in words. */
export function formatBudgetingMethod(method: BudgetingMethod): string {
  return method === 'Timeslices' ? 'Time slices' : 'Occurrences (events)';
}

/** An SLO state in words. */
export const stateLabels: Record<SloState, string> = {
  ok: 'OK',
  warning: 'Warning',
  breaching: 'Breaching',
  'no-data': 'No data',
  error: 'Error',
};

/** A timestamp in the user's locale; an em dash when unknown. */
export function formatTimestamp(iso: string | undefined): string {
  if (!iso) return DASH;
  const time = DateTime.fromISO(iso);
  return time.isValid ? time.toLocaleString(DateTime.DATETIME_MED) : iso;
}

/** `5 minutes ago`, `in 2 hours`; an em dash when unknown. */
export function formatRelative(iso: string | undefined): string {
  if (!iso) return DASH;
  const time = DateTime.fromISO(iso);
  return time.isValid ? time.toRelative() ?? iso : iso;
}

/** A short time for chart axes: `Nov 25, 14:00`. */
export function formatChartTime(iso: string): string {
  const time = DateTime.fromISO(iso);
  return time.isValid ? time.toFormat('LLL d, HH:mm') : iso;
}

/**
 * The message of an error in words: for a `ResponseError` the server's own
 * message (its `cause`), not "Request failed with 400 Bad Request".
 */
export function errorMessage(error: unknown): string {
  if (error && typeof error === 'object') {
    const e = error as { name?: string; message?: string; cause?: unknown };
    const cause = e.cause as { message?: unknown } | undefined;
    if (e.name === 'ResponseError' && typeof cause?.message === 'string') {
      return cause.message;
    }
    if (typeof e.message === 'string') return e.message;
  }
  return String(error);
}

/**
 * An entity ref as people say it: `team-a` for `group:default/team-a` (with
 * `defaultKind: 'group'`), `ops/team-b` in other namespaces.
 */
export function displayRef(ref: string, defaultKind: string): string {
  try {
    return humanizeEntityRef(parseEntityRef(ref), { defaultKind });
  } catch {
    return ref;
  }
}
