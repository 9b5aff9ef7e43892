import { parseEntityRef } from '@backstage/catalog-model';
import { humanizeEntityRef } from '@backstage/plugin-catalog-react';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** `1 deployment`, `42 deployments`. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

/** A number with at most `digits` decimals, trailing zeros dropped. */
export function formatNumber(n: number, digits = 1): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits });
}

/** A duration rounded to one unit, for trends and lead times: `45 s`, `12 min`, `5.2 h`, `3.1 d` (exact durations: `formatDuration` of portal-common). */
export function formatApproxDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return '—';
  const abs = Math.abs(ms);
  if (abs < MINUTE) return `${formatNumber(ms / 1000, 0)} s`;
  if (abs < HOUR) return `${formatNumber(ms / MINUTE, 0)} min`;
  if (abs < 2 * DAY) return `${formatNumber(ms / HOUR)} h`;
  return `${formatNumber(ms / DAY)} d`;
}

/** Days, for onboarding: `3.5 days`. */
export function formatDays(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  const days = ms / DAY;
  return `${formatNumber(days)} ${days === 1 ? 'day' : 'days'}`;
}

/** A share 0..1 as a percentage: `12.5%`; null: `—`. */
export function formatPercent(share: number | null | undefined, digits = 1) {
  if (share === null || share === undefined || Number.isNaN(share)) return '—';
  return `${formatNumber(share * 100, digits)}%`;
}

/** Deployments per week: `4.7 / week`. */
export function formatPerWeek(perWeek: number): string {
  return `${formatNumber(perWeek)} / week`;
}

/** A calendar day (`2026-11-03`) for chart ticks: `Nov 3`. */
export function formatDay(day: string): string {
  const [y, m, d] = day.split('-').map(Number);
  if (!y || !m || !d) return day;
  return new Date(Date.UTC(y, m - 1, d)).toLocaleDateString('en-US', {
    month: 'short',
    day: 'numeric',
    timeZone: 'UTC',
  });
}

/** A point in time in the viewer's zone: `Nov 3, 2026, 14:05`. */
export function formatTime(iso: string | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString('en-US', {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
}

/** The first letter upper-case: `elite` → `Elite`. */
export function capitalize(s: string): string {
  return s.charAt(0).toLocaleUpperCase('en-US') + s.slice(1);
}

/**
 * An entity ref as people say it, where a plain string is needed (in JSX
 * `EntityName` shows the entity's title): `team-a` for
 * `group:default/team-a`, `ops/team-b` in other namespaces, with the kind
 * only when it is not `defaultKind`.
 */
export function refName(ref: string, defaultKind = 'group'): string {
  try {
    return humanizeEntityRef(
      parseEntityRef(ref, { defaultKind, defaultNamespace: 'default' }),
      { defaultKind },
    );
  } catch {
    return ref;
  }
}
