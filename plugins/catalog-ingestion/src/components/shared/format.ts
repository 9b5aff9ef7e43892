import { DateTime } from 'luxon';
/** `350 ms`, `4.2 s`, `3 min 5 s`; an em dash when unknown. */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || ms === null || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1000);
  return `${minutes} min ${seconds} s`;
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

/** `path/to/file.yaml:12`, or what is known of it. */
export function formatLocation(problem: {
  file?: string;
  line?: number;
}): string {
  if (!problem.file) return '—';
  return problem.line ? `${problem.file}:${problem.line}` : problem.file;
}
