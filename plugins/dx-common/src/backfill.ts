/** A history backfill as `GET /api/dx/backfill` answers it. */
export interface BackfillRun {
  id: string;
  sourceId: string;
  /** Only this repository; absent: every repository of the source. */
  repository?: string;
  from: string;
  to: string;
  state: 'listing' | 'running' | 'done' | 'failed';
  error?: string;
  /** Who started it, or `first start`. */
  requestedBy?: string;
  createdAt: string;
  finishedAt?: string;
  repositories: { total: number; done: number; failed: number };
  /** Events stored (new ones only: those already stored are not counted). */
  events: number;
  pages: number;
  /** Paused by a host's rate limit until then. */
  pausedUntil?: string;
  /** Estimated from the pace so far; absent until a repository is done. */
  secondsLeft?: number;
  /** Repositories that failed, with why (the first 20). */
  failures: Array<{ repository: string; error: string }>;
}

/** Answer of `GET /api/dx/backfill`. */
export interface BackfillStatus {
  /** Sources whose history can be read (github, gitlab and local sources). */
  sources: string[];
  /** The latest runs, newest first. */
  runs: BackfillRun[];
}
