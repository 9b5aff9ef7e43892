import type { IngestItem } from '../service/ingest';

/** A date range of history to read. */
export interface BackfillRange {
  from: Date;
  to: Date;
}

/** Where a repository's backfill stands: the phase and the next page. */
export interface BackfillPosition {
  phase: string;
  /** The next page of the phase (a URL or an offset); undefined: its first. */
  cursor?: string;
}

/** What one step of a repository's backfill read. */
export interface BackfillStep {
  items: IngestItem[];
  /** Where to go on; undefined: the repository is done. */
  next?: BackfillPosition;
  /** The host's window is spent: ask again from then. */
  pauseUntil?: Date;
}

/**
 * Reads the delivery history of one source's repositories, one page at a
 * time, as events in the formats the ingestion API takes (GitHub webhook
 * payloads, so the webhook and the backfill store an event once; the
 * generic format for hosts without a webhook path).
 */
export interface HistoryReader {
  /** The source's repositories (names as the reader's `step` takes them). */
  listRepositories(): Promise<string[]>;
  /** Reads the page at `position` of `repository`. */
  step(
    repository: string,
    position: BackfillPosition | undefined,
    range: BackfillRange,
  ): Promise<BackfillStep>;
}

/** Events of the generic format, for readers of hosts without a webhook path. */
export function genericItem(payload: Record<string, unknown>): IngestItem {
  return { format: 'generic', payload };
}

/** An ISO time within the range. */
export const inRange = (at: string | null | undefined, range: BackfillRange) =>
  !!at &&
  Date.parse(at) >= range.from.getTime() &&
  Date.parse(at) <= range.to.getTime();
