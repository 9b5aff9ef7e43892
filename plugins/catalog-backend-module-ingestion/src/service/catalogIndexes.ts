import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Knex } from 'knex';

/**
 * Two partial indexes on the catalog's own tables, for the catalog page's
 * queries on PostgreSQL. Both are small (one entry per entity) and let the
 * catalog's count join three index-only scans in entity id order.
 * Measured on 100,000 entities (docs/benchmarks.md).
 */
export const CATALOG_INDEXES = [
  {
    /**
     * The ids of published entities (those with a body). Every count and
     * facet query of the catalog keeps only rows `WHERE final_entity IS NOT
     * NULL`; without it PostgreSQL reads the whole table (about 230 MB at
     * 100,000 entities) to check that column. Count of components: 741 ms
     * before (261 ms vacuumed), 153 ms with it.
     */
    name: 'portal_final_entities_present_idx',
    table: 'final_entities',
    definition: 'final_entities (entity_id) WHERE final_entity IS NOT NULL',
  },
  {
    /**
     * The ids of entities with a name in the catalog's search table. The
     * catalog page sorts by metadata.name by default, and its count then
     * keeps only entities that have that sort field: without it
     * PostgreSQL collects those ids in a hash first. List of 20 with its
     * count: 172 ms before, 53 ms with it.
     */
    name: 'portal_search_name_idx',
    table: 'search',
    definition:
      "search (entity_id) WHERE key = 'metadata.name' AND value IS NOT NULL",
  },
] as const;

export type EnsureIndexesResult = Record<
  string,
  'created' | 'present' | 'unavailable'
>;

/**
 * Creates each index that is missing (or left invalid by an interrupted
 * build), without blocking the catalog's writes (CREATE INDEX
 * CONCURRENTLY). PostgreSQL only; 'unavailable' until the catalog's tables
 * exist. Run from a global scheduled task, so one replica builds them.
 */
export async function ensureCatalogIndexes(
  knex: Knex,
  logger: LoggerService,
): Promise<EnsureIndexesResult> {
  const result: EnsureIndexesResult = {};
  for (const index of CATALOG_INDEXES) {
    result[index.name] = await ensureIndex(knex, logger, index);
  }
  return result;
}

async function ensureIndex(
  knex: Knex,
  logger: LoggerService,
  index: (typeof CATALOG_INDEXES)[number],
): Promise<'created' | 'present' | 'unavailable'> {
  if (knex.client.config.client !== 'pg') return 'unavailable';
  const { rows } = await knex.raw(
    `SELECT to_regclass(?) IS NOT NULL AS catalog,
            (SELECT i.indisvalid FROM pg_index i
               JOIN pg_class c ON c.oid = i.indexrelid
               JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE n.nspname = current_schema() AND c.relname = ?) AS valid`,
    [index.table, index.name],
  );
  if (!rows[0].catalog) return 'unavailable';
  if (rows[0].valid === true) return 'present';
  if (rows[0].valid === false) {
    logger.warn(
      `Catalog index ${index.name} is invalid (an interrupted build); building it again`,
    );
    await knex.raw('DROP INDEX CONCURRENTLY IF EXISTS ??', [index.name]);
  }
  const started = Date.now();
  await knex.raw(
    `CREATE INDEX CONCURRENTLY IF NOT EXISTS ?? ON ${index.definition}`,
    [index.name],
  );
  logger.info(
    `Catalog index ${index.name} built in ${Date.now() - started} ms`,
  );
  return 'created';
}
