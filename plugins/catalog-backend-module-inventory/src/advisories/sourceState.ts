import type { Knex } from 'knex';

const TABLE = 'inventory_advisory_sources';

/** What the last complete read of an advisory source was given. */
export interface SourceState {
  /** The URL or file read. */
  location: string;
  etag?: string;
  lastModified?: string;
  fetchedAt: Date;
}

/**
 * The last complete read of a source, if it was of the same location (a
 * source whose URL changed is read again in full).
 */
export async function readSourceState(
  knex: Knex,
  sourceId: string,
  location: string,
): Promise<SourceState | undefined> {
  const row = await knex(TABLE).where({ source_id: sourceId }).first();
  if (!row || row.location !== location) return undefined;
  return {
    location: row.location,
    etag: row.etag ?? undefined,
    lastModified: row.last_modified ?? undefined,
    fetchedAt: new Date(row.fetched_at),
  };
}

function fits(value: string | undefined, length: number): string | null {
  return value !== undefined && value.length <= length ? value : null;
}

/** Records a complete read of a source (replacing the previous one). */
export async function writeSourceState(
  knex: Knex,
  sourceId: string,
  state: Omit<SourceState, 'fetchedAt'>,
): Promise<void> {
  const row = {
    source_id: sourceId,
    location: state.location,
    // A validator too long for its column is not kept (the next read is
    // then unconditional), never cut short.
    etag: fits(state.etag, 1024),
    last_modified: fits(state.lastModified, 64),
    fetched_at: new Date(),
  };
  await knex(TABLE).insert(row).onConflict('source_id').merge();
}
