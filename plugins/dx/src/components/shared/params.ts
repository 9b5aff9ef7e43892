import { useMemo } from 'react';
import { useAppSearchParams } from '@backstage/frontend-plugin-api';
import type { DxRange } from '../../api';

/** The ranges offered, in days before now. */
export const RANGE_DAYS = [30, 90, 180] as const;
export type RangeDays = (typeof RANGE_DAYS)[number];
const DEFAULT_DAYS: RangeDays = 30;
const DAY = 86_400_000;

/**
 * The last `days` whole UTC days, today included: whole days are answered
 * from the backend's daily roll-ups, so large scopes stay fast.
 */
export function lastDays(days: number, now = new Date()): DxRange {
  const to = new Date((Math.floor(now.getTime() / DAY) + 1) * DAY);
  return { from: new Date(to.getTime() - days * DAY), to };
}

/** The viewer's IANA time zone (UTC when unknown). */
export function viewerTimeZone(): string {
  try {
    return new Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

/**
 * The selections kept in the URL: `days` (range), `owner` (team, a group
 * ref; none: the organisation), `tab` and `drill` (an open drill-down).
 * Setting one keeps the others; changing the scope, range or tab closes
 * the drill-down.
 */
export function useDxParams() {
  const [searchParams, setSearchParams] = useAppSearchParams();
  const requested = Number(searchParams.get('days'));
  const days: RangeDays = (RANGE_DAYS as readonly number[]).includes(requested)
    ? (requested as RangeDays)
    : DEFAULT_DAYS;
  const owner = searchParams.get('owner') || undefined;
  const tab = searchParams.get('tab') || undefined;
  const drill = searchParams.get('drill') || undefined;
  // One range per selection, so a re-render does not make new requests.
  const range = useMemo(() => lastDays(days), [days]);

  const update = (changes: Record<string, string | undefined>) =>
    setSearchParams(previous => {
      const next = new URLSearchParams(previous);
      for (const [key, value] of Object.entries(changes)) {
        if (value) next.set(key, value);
        else next.delete(key);
      }
      return next;
    });

  return {
    days,
    range,
    owner,
    tab,
    drill,
    previousLabel: `Previous ${days} days`,
    setDays: (d: RangeDays) => update({ days: String(d), drill: undefined }),
    setOwner: (o: string | undefined) => update({ owner: o, drill: undefined }),
    setTab: (t: string) => update({ tab: t, drill: undefined }),
    setDrill: (d: string | undefined) => update({ drill: d }),
  };
}

/** The period of equal length just before `range`. */
export function previousRange(range: DxRange): DxRange {
  const span = range.to.getTime() - range.from.getTime();
  return { from: new Date(range.from.getTime() - span), to: range.from };
}
