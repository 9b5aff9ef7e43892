const DASH = '—';

/**
 * A wait in minutes, hours and days: `under a minute`, `45 min`,
 * `2 h 5 min`, `3 d 4 h`; `—` when unknown.
 */
export function formatWait(ms: number | undefined | null): string {
  if (ms === undefined || ms === null || !Number.isFinite(ms)) return DASH;
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

/**
 * A measured duration, as precise as its size deserves: `850 ms`, `1.2 s`,
 * `3 min 5 s`, then as `formatWait` (`2 h 5 min`, `3 d 4 h`); `—` when
 * unknown.
 */
export function formatDuration(ms: number | undefined | null): string {
  if (ms === undefined || ms === null || !Number.isFinite(ms)) return DASH;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 3_600_000) {
    const minutes = Math.floor(ms / 60_000);
    const seconds = Math.round((ms % 60_000) / 1000);
    return seconds ? `${minutes} min ${seconds} s` : `${minutes} min`;
  }
  return formatWait(ms);
}
