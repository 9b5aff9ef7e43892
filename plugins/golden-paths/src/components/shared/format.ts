import { DateTime } from 'luxon';
import { parseEntityRef } from '@backstage/catalog-model';

export { formatDuration, formatWait } from '@internal/portal-common';

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
