import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Knex } from 'knex';

/**
 * The catalog's tables that its list, count and facet queries read, and
 * that a bulk load rewrites: stitching updates every row of final_entities
 * (about one dead row per entity) and replaces each entity's rows in search
 * and relations.
 */
export const MAINTAINED_TABLES = [
  'final_entities',
  'search',
  'relations',
  'refresh_state',
] as const;

export type TableMaintenance =
  /** VACUUM (ANALYZE) ran: many dead or newly inserted rows. */
  | 'vacuumed'
  /** ANALYZE ran: many rows changed since the statistics were taken. */
  | 'analyzed'
  /** Nothing to do. */
  | 'fresh'
  /** Needed, but another vacuum (autovacuum) holds the table: left to it. */
  | 'busy'
  /** The table does not exist (yet), or the database is not PostgreSQL. */
  | 'unavailable';

export type MaintenanceOptions = {
  /** Share of a table's live rows that may be dead or unanalysed. Default 0.05. */
  fraction?: number;
  /** Rows always allowed, so small catalogs are left alone. Default 1,000. */
  minRows?: number;
};

type TableStats = {
  relname: string;
  runs: string;
  n_live_tup: string;
  n_dead_tup: string;
  n_mod_since_analyze: string;
  n_ins_since_vacuum: string;
};

/**
 * Vacuums and analyses the catalog's tables soon after a bulk change,
 * instead of waiting minutes for autovacuum.
 *
 * Without vacuum, a load of 100,000 entities leaves final_entities with as
 * many dead rows as live ones, an empty visibility map (no index-only
 * scans) and no statistics: the catalog page's list, count and facet
 * queries take 1 to 4 s, and the load itself takes three times as long
 * (the catalog's batched writes to search and relations). Autovacuum, where
 * it is on, caught up 40 s after such a load (it naps a minute between
 * rounds and is throttled); this task, 11 s (docs/benchmarks.md).
 *
 * A table is vacuumed when its dead rows or the rows inserted since its
 * last vacuum exceed `fraction` of its live rows plus `minRows`, and
 * analysed when as many rows changed since its statistics were taken: the
 * same rule as autovacuum's, with a tighter share. SKIP_LOCKED leaves a
 * table that autovacuum is working on to autovacuum. Run from a global
 * scheduled task, so one replica does it.
 */
export async function maintainCatalogTables(
  knex: Knex,
  logger: LoggerService,
  options: MaintenanceOptions = {},
): Promise<Record<string, TableMaintenance>> {
  const fraction = options.fraction ?? 0.05;
  const minRows = options.minRows ?? 1000;
  const result: Record<string, TableMaintenance> = Object.fromEntries(
    MAINTAINED_TABLES.map(t => [t, 'unavailable' as TableMaintenance]),
  );
  if (knex.client.config.client !== 'pg') return result;

  const read = async (tables: readonly string[]) =>
    (
      await knex.raw<{ rows: TableStats[] }>(
        `SELECT relname, n_live_tup, n_dead_tup, n_mod_since_analyze,
                n_ins_since_vacuum, vacuum_count + analyze_count AS runs
           FROM pg_stat_user_tables
          WHERE schemaname = current_schema() AND relname = ANY(?)`,
        [[...tables]],
      )
    ).rows;
  for (const stats of await read(MAINTAINED_TABLES)) {
    const table = stats.relname;
    const limit = fraction * Number(stats.n_live_tup) + minRows;
    const vacuum =
      Number(stats.n_dead_tup) > limit ||
      Number(stats.n_ins_since_vacuum) > limit;
    const analyze = Number(stats.n_mod_since_analyze) > limit;
    if (!vacuum && !analyze) {
      result[table] = 'fresh';
      continue;
    }
    const started = Date.now();
    await knex.raw(
      vacuum
        ? `VACUUM (SKIP_LOCKED${analyze ? ', ANALYZE' : ''}) ??`
        : 'ANALYZE (SKIP_LOCKED) ??',
      [table],
    );
    // A vacuum or analyze reports itself at once; unchanged counts mean
    // SKIP_LOCKED skipped the table.
    const [after] = await read([table]);
    if (after?.runs === stats.runs) {
      result[table] = 'busy';
      continue;
    }
    result[table] = vacuum ? 'vacuumed' : 'analyzed';
    logger.info(
      `Catalog table ${table} ${result[table]} in ${Date.now() - started} ms (${
        stats.n_live_tup
      } live rows, ${stats.n_dead_tup} dead, ${
        stats.n_ins_since_vacuum
      } inserted since the last vacuum, ${
        stats.n_mod_since_analyze
      } changed since the last analyze)`,
    );
  }
  return result;
}
