import { DateTime } from 'luxon';
import { parseEntityRef } from '@backstage/catalog-model';

/** `350 ms`, `4.2 s`, `3 min 5 s`, `2 h 10 min`; an em dash when unknown. */
export function formatDuration(ms: number | undefined | null): string {
  if (ms === undefined || ms === null || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 3_600_000) {
    const minutes = Math.floor(ms / 60_000);
    const seconds = Math.round((ms % 60_000) / 1000);
    return seconds ? `${minutes} min ${seconds} s` : `${minutes} min`;
  }
  return formatWait(ms);
}

/** A wait in hours and minutes: `45 min`, `2 h 5 min`, `3 d 4 h`; `—` when unknown. */
export function formatWait(ms: number | undefined | null): string {
  if (ms === undefined || ms === null || !Number.isFinite(ms)) return '—';
  const minutes = Math.round(ms / 60_000);
  if (minutes < 1) return 'under a minute';
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) {
    const rest = minutes % 60;
    return rest ? `${hours} h ${rest} min` : `${hours} h`;
  }
  const days = Math.floor(hours / 24);
  const restHours = hours % 24;
  return restHours ? `${days} d ${restHours} h` : `${days} d`;
}

/** A timestamp in the user's locale; an em dash when unknown. */
export function formatTimestamp(iso: string | undefined): string {
  if (!iso) return '—';
  const time = DateTime.fromISO(iso);
  return time.isValid ? time.toLocaleString(DateTime.DATETIME_MED) : iso;
}

/** `5 minutes ago`, `in 2 hours`; an em dash when unknown. */
export function formatRelative(iso: string | undefined): string {
  if (!iso) return '—';
  const time = DateTime.fromISO(iso);
  return time.isValid ? time.toRelative() ?? iso : iso;
}

/** A parameter value as shown to people: strings bare, the rest as JSON. */
export function formatValue(value: unknown): string {
  if (value === undefined) return '(not set)';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/**
 * An entity ref as people say it: `alice` for `user:default/alice`,
 * `team-a` for `group:default/team-a`, `ops/bob` in other namespaces.
 */
export function displayRef(ref: string | undefined): string {
  if (!ref) return 'someone';
  try {
    const { namespace, name } = parseEntityRef(ref, {
      defaultKind: 'user',
      defaultNamespace: 'default',
    });
    return namespace === 'default' ? name : `${namespace}/${name}`;
  } catch {
    return ref;
  }
}

/**
 * The message of an error in words: for a `ResponseError` the server's own
 * message (its `cause`), not "Request failed with 400 Bad Request".
 */
export function errorMessage(error: unknown): string {
  if (error && typeof error === 'object') {
    const e = error as { name?: string; message?: string; cause?: unknown };
    if (
      e.name === 'ResponseError' &&
      e.cause &&
      typeof e.cause === 'object' &&
      typeof (e.cause as { message?: unknown }).message === 'string'
    ) {
      return (e.cause as { message: string }).message;
    }
    if (typeof e.message === 'string') return e.message;
  }
  return String(error);
}

/** Whether an error is the backend's 403 (a `NotAllowedError`). */
export function isForbidden(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const e = error as {
    statusCode?: number;
    name?: string;
    cause?: { name?: string };
  };
  return (
    e.statusCode === 403 ||
    e.name === 'NotAllowedError' ||
    e.cause?.name === 'NotAllowedError'
  );
}

/** The scaffolder's page of a task. */
export function taskPath(taskId: string): string {
  return `/create/tasks/${encodeURIComponent(taskId)}`;
}
