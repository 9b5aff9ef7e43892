import { DateTime } from 'luxon';

export { formatDuration } from '@internal/portal-common';

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

/** `path/to/file.yaml:12`, or what is known of it. */
export function formatLocation(problem: {
  file?: string;
  line?: number;
}): string {
  if (!problem.file) return '—';
  return problem.line ? `${problem.file}:${problem.line}` : problem.file;
}
