import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import type express from 'express';

export function dateParam(value: unknown, name: string): Date | undefined {
  if (value === undefined) return undefined;
  const d = typeof value === 'string' ? new Date(value) : undefined;
  if (!d || Number.isNaN(d.getTime()))
    throw new InputError(`${name} must be an ISO date-time`);
  return d;
}

/** `from`, `to` (default: the 90 UTC days up to the end of today), `tz` and `rows` of a metrics request. */
export function rangeOf(req: express.Request) {
  // By default the 90 whole UTC days up to the end of today.
  const to =
    dateParam(req.query.to, 'to') ??
    new Date(Math.floor(Date.now() / 86_400_000 + 1) * 86_400_000);
  const from =
    dateParam(req.query.from, 'from') ??
    new Date(to.getTime() - 90 * 86_400_000);
  if (from >= to) throw new InputError('from must be before to');
  if (to.getTime() - from.getTime() > 366 * 86_400_000)
    throw new InputError('from and to may be at most 366 days apart');
  const timeZone = typeof req.query.tz === 'string' ? req.query.tz : 'UTC';
  if (
    !Intl.supportedValuesOf('timeZone').includes(timeZone) &&
    timeZone !== 'UTC'
  )
    throw new InputError(`tz: ${timeZone} is not an IANA time zone`);
  return {
    from,
    to,
    settings: { timeZone, rows: req.query.rows === 'true' },
  };
}

/** An entity ref parameter, lower case; undefined when absent. */
export function refParam(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string')
    throw new InputError(`${name} must be an entity ref`);
  try {
    return stringifyEntityRef(parseEntityRef(value)).toLocaleLowerCase('en-US');
  } catch (e) {
    throw new InputError(`${name}: ${(e as Error).message}`);
  }
}

/** Rows as CSV (RFC 4180: fields with commas, quotes or newlines quoted). */
export function toCsv(
  rows: Array<Array<string | number | boolean | null | undefined>>,
): string {
  const field = (v: string | number | boolean | null | undefined) => {
    let s = v === null || v === undefined ? '' : String(v);
    // Fractions to three decimals (27.767, not 27.766666666666666).
    if (typeof v === 'number' && !Number.isInteger(v))
      s = String(Math.round(v * 1000) / 1000);
    // A text cell a spreadsheet would run as a formula (=, +, -, @, or a
    // tab or carriage return before one) is kept as text with a leading '.
    if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return `${rows.map(r => r.map(field).join(',')).join('\n')}\n`;
}
