import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import {
  noRepositoriesConfig,
  startIngestionBackend,
} from '../__testUtils__/startIngestionBackend';
import { CATALOG_INDEXES, ensureCatalogIndexes } from './catalogIndexes';

// The module's index on the catalog's final_entities, on the real catalog
// and PostgreSQL: built by the scheduled task once the catalog's tables
// exist, left alone when valid, rebuilt when an interrupted build left it
// invalid, and used by the catalog's count query.

jest.setTimeout(120_000);

describe('catalog indexes', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });
  const logger = mockServices.logger.mock();

  it('builds its indexes on the catalog and rebuilds an invalid one', async () => {
    const knex = await databases.init('POSTGRES_15');
    const names = CATALOG_INDEXES.map(i => i.name);
    const all = (state: string) =>
      Object.fromEntries(names.map(n => [n, state]));
    // No catalog tables yet: nothing to do, and no error.
    await expect(ensureCatalogIndexes(knex, logger)).resolves.toEqual(
      all('unavailable'),
    );

    await startIngestionBackend(
      knex,
      noRepositoriesConfig(),
      // Runs the scheduled tasks once at start, those with a delay too.
      [
        mockServices.scheduler.factory({
          includeInitialDelayedTasksOnStartup: true,
        }),
      ],
    );
    const indexes = async () =>
      Object.fromEntries(
        (
          await knex.raw(
            `SELECT c.relname AS name, i.indisvalid AS valid,
                    pg_get_expr(i.indpred, i.indrelid) AS predicate
             FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
             WHERE c.relname = ANY(?)`,
            [names],
          )
        ).rows.map((r: { name: string; valid: boolean; predicate: string }) => [
          r.name,
          { valid: r.valid, predicate: r.predicate },
        ]),
      );

    // The scheduled task has built both by the time the backend started.
    expect(await indexes()).toEqual({
      portal_final_entities_present_idx: {
        valid: true,
        predicate: '(final_entity IS NOT NULL)',
      },
      portal_search_name_idx: {
        valid: true,
        predicate:
          "(((key)::text = 'metadata.name'::text) AND (value IS NOT NULL))",
      },
    });
    await expect(ensureCatalogIndexes(knex, logger)).resolves.toEqual(
      all('present'),
    );

    // As an interrupted CREATE INDEX CONCURRENTLY leaves one.
    await knex.raw(
      `UPDATE pg_index SET indisvalid = false WHERE indexrelid = ?::regclass`,
      ['portal_search_name_idx'],
    );
    expect((await indexes()).portal_search_name_idx.valid).toBe(false);
    await expect(ensureCatalogIndexes(knex, logger)).resolves.toEqual({
      portal_final_entities_present_idx: 'present',
      portal_search_name_idx: 'created',
    });
    expect((await indexes()).portal_search_name_idx.valid).toBe(true);

    // The catalog's count of published entities with a name can be answered
    // from the two.
    await knex.raw('ANALYZE final_entities');
    await knex.raw('ANALYZE search');
    const plan = await knex.transaction(async tx => {
      await tx.raw('SET LOCAL enable_seqscan = off');
      await tx.raw('SET LOCAL enable_bitmapscan = off');
      const { rows } = await tx.raw(
        `EXPLAIN SELECT count(*) FROM final_entities
         WHERE final_entity IS NOT NULL
           AND EXISTS (SELECT 1 FROM search
                        WHERE search.entity_id = final_entities.entity_id
                          AND key = 'metadata.name' AND value IS NOT NULL)`,
      );
      return rows
        .map((r: Record<string, string>) => r['QUERY PLAN'])
        .join('\n');
    });
    for (const name of names) expect(plan).toContain(name);
  });
});
