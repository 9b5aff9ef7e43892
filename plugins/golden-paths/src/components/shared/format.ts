import { DateTime } from 'luxon';
import { parseEntityRef } from '@backstage/catalog-model';
import { humanizeEntityRef } from '@backstage/plugin-catalog-react';

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
 * An entity ref as people say it, where a plain string is needed (in JSX
 * prefer `EntityRefLink` / `EntityDisplayName`, which show the entity's
 * title): `alice` for `user:default/alice`, `postgres-database` for
 * `template:default/postgres-database` (with `defaultKind: 'template'`),
 * `ops/bob` in other namespaces; never the `kind:namespace/name` form of
 * the expected kind.
 */
export function displayRef(
  ref: string | undefined,
  defaultKind: string = 'user',
): string {
  if (!ref) return 'someone';
  try {
    return humanizeEntityRef(
      parseEntityRef(ref, { defaultKind, defaultNamespace: 'default' }),
      { defaultKind },
    );
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
