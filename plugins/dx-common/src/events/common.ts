import { z } from 'zod';
import type { DxOutcome, NormalizedEvent, NormalizeResult } from './types';

/**
 * Shared pieces of the event normalisers: limits against hostile input,
 * time parsing, zod helpers and the wording of rejections.
 */

/** Longest string read from a payload, in UTF-8 bytes (64 KiB). */
export const MAX_STRING_BYTES = 64 * 1024;
/** Most commits one event may carry. */
export const MAX_COMMITS = 1000;
/** Longest title kept; longer CDEvents and GitHub titles are cut. */
export const MAX_TITLE = 500;
/** Longest id that becomes part of an idempotency key. */
export const MAX_KEY_PART = 1000;

/** No event may be older than this (2000-01-01T00:00:00Z). */
const EARLIEST = Date.UTC(2000, 0, 1);
const LATEST = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** UTF-8 length of `s`, without allocating. */
function utf8Length(s: string): number {
  let bytes = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      // A surrogate pair is one code point of 4 bytes.
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

function withinLimit(s: string): boolean {
  // Each UTF-16 unit is at least one byte and at most three.
  if (s.length > MAX_STRING_BYTES) return false;
  if (s.length * 3 <= MAX_STRING_BYTES) return true;
  return utf8Length(s) <= MAX_STRING_BYTES;
}

/** A value quoted for a message, cut to a readable length. */
export function quote(value: unknown): string {
  // Not String(): objects would read "[object Object]", and an object with
  // a "toString" key that is not a function makes String() throw.
  let s: string | undefined;
  try {
    s = typeof value === 'string' ? value : JSON.stringify(value);
  } catch {
    s = undefined;
  }
  s ??=
    typeof value === 'object'
      ? Object.prototype.toString.call(value)
      : String(value);
  return JSON.stringify(s.length > 60 ? `${s.slice(0, 60)}…` : s);
}

/** A string of at most 64 KiB. */
export const text = () =>
  z.string().refine(withinLimit, { message: 'longer than 64 KiB' });

/** A non-empty string of at most 64 KiB. */
export const nonEmpty = () => text().refine(s => s.length > 0, 'empty');

/** A non-empty string that becomes part of an idempotency key. */
export const keyPart = () =>
  z
    .string()
    .min(1, 'empty')
    .max(
      MAX_KEY_PART,
      `longer than ${MAX_KEY_PART} characters (it is part of the idempotency key)`,
    );

/** An id given as a non-negative integer or a short string; kept as a string. */
export const idValue = () =>
  z.unknown().transform((v, ctx) => {
    if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0)
      return String(v);
    if (typeof v === 'string' && v.length > 0 && v.length <= 200) return v;
    ctx.issues.push({
      code: 'custom',
      input: v,
      message:
        v === undefined
          ? 'missing'
          : 'expected a non-negative integer or a string of 1 to 200 characters',
    });
    return z.NEVER;
  });

/** A Backstage entity ref: `[kind:][namespace/]name`. */
export const entityRefString = () =>
  z
    .string()
    .max(1000, 'longer than 1000 characters')
    .regex(
      /^(?:[^\s:/]+:)?(?:[^\s:/]+\/)?[^\s:/]+$/,
      'not an entity ref (kind:namespace/name, e.g. component:default/checkout)',
    );

/** A list of at most `max` items; the length is checked before the items. */
export const boundedArray = <T extends z.ZodType>(
  item: T,
  max: number,
  what: string,
) =>
  z
    .array(z.unknown())
    .max(max, {
      error: iss =>
        `${(iss.input as unknown[]).length} ${what}, more than ${max}: refused`,
    })
    .pipe(z.array(item));

/** At most this many labels are kept per event. */
export const MAX_LABELS = 50;

/**
 * Labels as stored: trimmed, at most 100 characters each, without empty
 * ones and duplicates, at most `MAX_LABELS`.
 */
export function cleanLabels(
  labels: Array<string | null | undefined> | undefined,
): string[] | undefined {
  if (!labels) return undefined;
  const out: string[] = [];
  for (const l of labels) {
    const v = l?.trim().slice(0, 100);
    if (v && !out.includes(v)) out.push(v);
    if (out.length === MAX_LABELS) break;
  }
  return out.length > 0 ? out : undefined;
}

/**
 * A branch name as stored: `refs/heads/` removed; a bare commit SHA or a
 * tag ref is not a branch (undefined).
 */
export function branchName(ref: string | null | undefined): string | undefined {
  const r = ref?.trim();
  if (!r || r.startsWith('refs/tags/')) return undefined;
  if (/^[0-9a-f]{7,64}$/i.test(r)) return undefined;
  const name = r.startsWith('refs/heads/') ? r.slice('refs/heads/'.length) : r;
  return name ? name.slice(0, 300) : undefined;
}

export type TimeResult =
  | { ok: true; iso: string }
  | { ok: false; message: string };

const ISO_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?(?:([Zz])|([+-])(\d{2}):?(\d{2}))$/;

function fromMillis(ms: number, shown: string): TimeResult {
  if (ms < EARLIEST)
    return { ok: false, message: `${shown} is before 2000-01-01: refused` };
  if (ms > LATEST)
    return { ok: false, message: `${shown} is after the year 9999: refused` };
  return { ok: true, iso: new Date(ms).toISOString() };
}

/**
 * Reads an ISO 8601 / RFC 3339 time with a UTC offset (`Z`, `+02:00`,
 * `-0700`) and gives it back in UTC with milliseconds
 * (`2023-03-20T14:27:05.315384Z` → `2023-03-20T14:27:05.315Z`; extra
 * fraction digits are cut, not rounded). Times without an offset, impossible
 * dates and times before 2000 are refused. Times in the future are not
 * checked here.
 */
export function parseEventTime(value: string): TimeResult {
  const m = ISO_TIME.exec(value);
  if (!m)
    return {
      ok: false,
      message: `${quote(
        value,
      )} is not an ISO 8601 time with a UTC offset (e.g. 2024-05-01T12:00:00Z)`,
    };
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number);
  const millis = Number((m[7] ?? '').slice(0, 3).padEnd(3, '0'));
  const days = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  const offH = m[9] ? Number(m[10]) : 0;
  const offM = m[9] ? Number(m[11]) : 0;
  if (
    mo < 1 ||
    mo > 12 ||
    d < 1 ||
    d > days ||
    h > 23 ||
    mi > 59 ||
    s > 59 ||
    offH > 23 ||
    offM > 59
  )
    return { ok: false, message: `${quote(value)} is not a valid time` };
  // (Date.UTC would also read years 0-99 as 1900-1999.)
  if (y < 1999)
    return {
      ok: false,
      message: `${quote(value)} is before 2000-01-01: refused`,
    };
  const sign = m[9] === '-' ? -1 : 1;
  const utc =
    Date.UTC(y, mo - 1, d, h, mi, s, millis) -
    sign * (offH * 60 + offM) * 60_000;
  return fromMillis(utc, quote(value));
}

/** Unix seconds (GitHub's `repository.pushed_at` in push payloads). */
export function parseEpochSeconds(value: number): TimeResult {
  if (!Number.isFinite(value))
    return { ok: false, message: 'not a number of seconds' };
  return fromMillis(Math.floor(value * 1000), String(value));
}

/** An ISO time with an offset, normalised to UTC (see `parseEventTime`). */
export const isoTime = () =>
  z.string().transform((s, ctx) => {
    const r = parseEventTime(s);
    if (r.ok) return r.iso;
    ctx.issues.push({ code: 'custom', input: s, message: r.message });
    return z.NEVER;
  });

/** A time as an ISO string or as Unix seconds; undefined and null pass. */
export const isoOrEpochTime = () =>
  z.unknown().transform((v, ctx) => {
    if (v === undefined || v === null) return undefined;
    let r: TimeResult;
    if (typeof v === 'number') r = parseEpochSeconds(v);
    else if (typeof v === 'string') r = parseEventTime(v);
    else r = { ok: false, message: 'expected an ISO time or Unix seconds' };
    if (r.ok) return r.iso;
    ctx.issues.push({ code: 'custom', input: v, message: r.message });
    return z.NEVER;
  });

/** `a.b[0].c` */
export function fieldPath(path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>((acc, key) => {
    if (typeof key === 'number') return `${acc}[${key}]`;
    return acc ? `${acc}.${String(key)}` : String(key);
  }, '');
}

function issueMessage(message: string): string {
  const t = /^Invalid input: expected (\w+), received (\w+)$/.exec(message);
  if (!t) return message;
  if (t[2] === 'undefined') return 'missing';
  return `expected ${t[1]}, got ${t[2]}`;
}

/** What is wrong and where: `subject.content.environment.id: missing; …`. */
export function describeIssues(
  issues: ReadonlyArray<z.core.$ZodIssue>,
  max = 5,
): string {
  const parts = issues.slice(0, max).map(issue => {
    const where = fieldPath(issue.path);
    const what = issueMessage(issue.message);
    return where ? `${where}: ${what}` : what;
  });
  if (issues.length > max) parts.push(`and ${issues.length - max} more`);
  return parts.join('; ');
}

export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export const reject = (reason: string): NormalizeResult => ({
  ok: false,
  reason,
});

/** Cuts a title to `MAX_TITLE` characters; empty titles are dropped. */
export function title(value: string | null | undefined): string | undefined {
  if (!value) return undefined;
  const s = value.trim();
  if (!s) return undefined;
  if (s.length <= MAX_TITLE) return s;
  return `${Array.from(s.slice(0, MAX_TITLE + 1))
    .slice(0, MAX_TITLE - 1)
    .join('')}…`;
}

/**
 * `success`, `failure`, `error`, `cancel`/`cancelled`/`canceled` (any case);
 * anything else is no outcome.
 */
export function outcomeOf(
  value: string | null | undefined,
): DxOutcome | undefined {
  switch (value?.toLowerCase()) {
    case 'success':
      return 'success';
    case 'failure':
      return 'failure';
    case 'error':
      return 'error';
    case 'cancel':
    case 'cancelled':
    case 'canceled':
      return 'cancelled';
    default:
      return undefined;
  }
}

/** The event without its undefined fields, empty lists and empty subject keys. */
export function compact(event: NormalizedEvent): NormalizedEvent {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(event)) {
    if (v === undefined || v === '') continue;
    if (Array.isArray(v) && v.length === 0) continue;
    out[k] = v;
  }
  const subject: NormalizedEvent['subject'] = {};
  for (const [k, v] of Object.entries(event.subject)) {
    if (v !== undefined && v !== '')
      subject[k as keyof NormalizedEvent['subject']] = v;
  }
  out.subject = subject;
  return out as unknown as NormalizedEvent;
}
