import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import {
  MANUAL_SCHEDULE,
  startIngestionBackend,
} from '../__testUtils__/startIngestionBackend';
import { ensureCatalogIndexes, PRESENT_ENTITIES_INDEX } from './catalogIndexes';

// The module's index on the catalog's final_entities, on the real catalog
// and PostgreSQL: built by the scheduled task once the catalog's tables
// exist, left alone when valid, rebuilt when an interrupted build left it
// invalid, and used by the catalog's count query.

jest.setTimeout(120_000);

describe('catalog indexes', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });
  const logger = mockServices.logger.mock();

  it('builds the index of published entities and rebuilds an invalid one', async () => {
    const knex = await databases.init('POSTGRES_15');
    // No catalog tables yet: nothing to do, and no error.
    await expect(ensureCatalogIndexes(knex, logger)).resolves.toBe(
      'unavailable',
    );

    await startIngestionBackend(
      knex,
      {
        catalog: {
          ingestion: {
            sources: [
              {
                id: 'none',
                type: 'local',
                path: '/nonexistent',
                schedule: MANUAL_SCHEDULE,
              },
            ],
          },
        },
      },
      // Runs the scheduled tasks once at start, those with a delay too.
      [
        mockServices.scheduler.factory({
          includeInitialDelayedTasksOnStartup: true,
        }),
      ],
    );
    const index = async () =>
      (
        await knex.raw(
          `SELECT i.indisvalid AS valid, pg_get_expr(i.indpred, i.indrelid) AS predicate
             FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
             WHERE c.relname = ?`,
          [PRESENT_ENTITIES_INDEX],
        )
      ).rows[0] as { valid: boolean; predicate: string } | undefined;

    // The scheduled task builds it shortly after start.
    for (let i = 0; i < 120 && !(await index()); i++) {
      await new Promise(r => setTimeout(r, 250));
    }
    expect(await index()).toEqual({
      valid: true,
      predicate: '(final_entity IS NOT NULL)',
    });
    await expect(ensureCatalogIndexes(knex, logger)).resolves.toBe('present');

    // As an interrupted CREATE INDEX CONCURRENTLY leaves it.
    await knex.raw(
      `UPDATE pg_index SET indisvalid = false WHERE indexrelid = ?::regclass`,
      [PRESENT_ENTITIES_INDEX],
    );
    expect((await index())?.valid).toBe(false);
    await expect(ensureCatalogIndexes(knex, logger)).resolves.toBe('created');
    expect((await index())?.valid).toBe(true);

    // The catalog's count of published entities can be answered from it.
    await knex.raw('ANALYZE final_entities');
    const plan = await knex.transaction(async tx => {
      await tx.raw('SET LOCAL enable_seqscan = off');
      const { rows } = await tx.raw(
        `EXPLAIN SELECT count(*) FROM final_entities WHERE final_entity IS NOT NULL`,
      );
      return rows.map((r: Record<string, string>) => r['QUERY PLAN']);
    });
    expect(plan.join('\n')).toContain(PRESENT_ENTITIES_INDEX);
  });
});
