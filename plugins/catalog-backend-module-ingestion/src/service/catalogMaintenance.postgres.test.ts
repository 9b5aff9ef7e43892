import {
  coreServices,
  createBackendModule,
  type SchedulerService,
} from '@backstage/backend-plugin-api';
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import {
  noRepositoriesConfig,
  startIngestionBackend,
  type TestKnex,
} from '../__testUtils__/startIngestionBackend';
import { maintainCatalogTables, MAINTAINED_TABLES } from './catalogMaintenance';

// VACUUM / ANALYZE of the catalog's tables after bulk changes, on real
// PostgreSQL: which tables it works on and why, that it leaves a table
// autovacuum holds, and that the module schedules it on one replica.

jest.setTimeout(120_000);

type Stats = {
  n_live_tup: number;
  n_dead_tup: number;
  n_mod_since_analyze: number;
  n_ins_since_vacuum: number;
  vacuum_count: number;
  analyze_count: number;
};

async function stats(knex: TestKnex, table: string): Promise<Stats> {
  const { rows } = await knex.raw(
    `SELECT n_live_tup, n_dead_tup, n_mod_since_analyze, n_ins_since_vacuum,
            vacuum_count, analyze_count
       FROM pg_stat_user_tables WHERE relname = ?`,
    [table],
  );
  return Object.fromEntries(
    Object.entries(rows[0] ?? {}).map(([k, v]) => [k, Number(v)]),
  ) as Stats;
}

/** PostgreSQL publishes a connection's row counts up to 10 s after its writes. */
async function waitForStats(
  knex: TestKnex,
  table: string,
  until: (s: Stats) => boolean,
): Promise<Stats> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const s = await stats(knex, table);
    if (until(s)) return s;
    if (Date.now() > deadline)
      throw new Error(
        `statistics of ${table} never matched: ${JSON.stringify(s)}`,
      );
    await new Promise(r => setTimeout(r, 250));
  }
}

describe('catalog table maintenance', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });
  const logger = mockServices.logger.mock();

  it('vacuums and analyses the tables a bulk change left stale, and only those', async () => {
    const knex = await databases.init('POSTGRES_15');
    // Before the catalog has created its tables: nothing to do.
    await expect(maintainCatalogTables(knex, logger)).resolves.toEqual(
      Object.fromEntries(MAINTAINED_TABLES.map(t => [t, 'unavailable'])),
    );

    // Stand-ins with the catalog's table names; autovacuum off on them so
    // only the function under test vacuums.
    for (const table of ['final_entities', 'search']) {
      await knex.raw(
        `CREATE TABLE ?? (entity_id text PRIMARY KEY, body text)
         WITH (autovacuum_enabled = false)`,
        [table],
      );
    }
    await knex.raw(
      `INSERT INTO final_entities
       SELECT 'e' || i, repeat('x', 100) FROM generate_series(1, 5000) i`,
    );
    await knex.raw(
      `INSERT INTO search SELECT 'e' || i, 'x' FROM generate_series(1, 100) i`,
    );
    await waitForStats(knex, 'final_entities', s => s.n_live_tup === 5000);
    await waitForStats(knex, 'search', s => s.n_live_tup === 100);

    // A bulk load: 5,000 rows inserted, never vacuumed or analysed. 100
    // rows are under the 1,000 rows always allowed.
    await expect(maintainCatalogTables(knex, logger)).resolves.toEqual({
      final_entities: 'vacuumed',
      search: 'fresh',
      relations: 'unavailable',
      refresh_state: 'unavailable',
    });
    const vacuumed = await stats(knex, 'final_entities');
    expect(vacuumed).toMatchObject({
      vacuum_count: 1,
      analyze_count: 1,
      n_ins_since_vacuum: 0,
      n_mod_since_analyze: 0,
    });
    expect((await stats(knex, 'search')).vacuum_count).toBe(0);
    // Fresh now: a second run does nothing.
    await expect(maintainCatalogTables(knex, logger)).resolves.toMatchObject({
      final_entities: 'fresh',
    });
    expect((await stats(knex, 'final_entities')).vacuum_count).toBe(1);

    // Stitching rewrites rows: 2,000 dead rows, over 5 % of 5,000 + 1,000.
    const rewrite2000 = async (body: string) => {
      await knex.raw(
        `UPDATE final_entities SET body = ?
          WHERE entity_id IN (SELECT 'e' || i FROM generate_series(1, 2000) i)`,
        [body],
      );
      await waitForStats(knex, 'final_entities', s => s.n_dead_tup >= 2000);
    };
    await rewrite2000('y');
    await expect(maintainCatalogTables(knex, logger)).resolves.toMatchObject({
      final_entities: 'vacuumed',
    });
    expect(await stats(knex, 'final_entities')).toMatchObject({
      vacuum_count: 2,
      analyze_count: 2,
      n_dead_tup: 0,
    });

    // Vacuumed without ANALYZE (as autovacuum may leave it): statistics only.
    await rewrite2000('z');
    await knex.raw('VACUUM final_entities');
    await expect(maintainCatalogTables(knex, logger)).resolves.toMatchObject({
      final_entities: 'analyzed',
    });
    expect(await stats(knex, 'final_entities')).toMatchObject({
      vacuum_count: 3,
      analyze_count: 3,
      n_mod_since_analyze: 0,
    });
  });

  it('leaves a table another vacuum holds, without waiting for it', async () => {
    const knex = await databases.init('POSTGRES_15');
    await knex.raw(
      `CREATE TABLE search (entity_id text, body text)
       WITH (autovacuum_enabled = false)`,
    );
    await knex.raw(
      `INSERT INTO search SELECT 'e' || i, 'x' FROM generate_series(1, 3000) i`,
    );
    await waitForStats(knex, 'search', s => s.n_live_tup === 3000);
    // A lock as a running (auto)vacuum holds it.
    const holder = await knex.transaction();
    try {
      await holder.raw('LOCK TABLE search IN SHARE UPDATE EXCLUSIVE MODE');
      const started = Date.now();
      await expect(maintainCatalogTables(knex, logger)).resolves.toMatchObject({
        search: 'busy',
      });
      expect(Date.now() - started).toBeLessThan(5_000);
      expect((await stats(knex, 'search')).vacuum_count).toBe(0);
    } finally {
      await holder.rollback();
    }
    await expect(maintainCatalogTables(knex, logger)).resolves.toMatchObject({
      search: 'vacuumed',
    });
  });

  it('is a global task of the catalog unless switched off', async () => {
    const tasks = async (enabled?: boolean) => {
      const knex = await databases.init('POSTGRES_15');
      let scheduler: SchedulerService | undefined;
      const probe = createBackendModule({
        pluginId: 'catalog',
        moduleId: 'scheduler-probe',
        register(env) {
          env.registerInit({
            deps: { s: coreServices.scheduler },
            async init({ s }) {
              scheduler = s;
            },
          });
        },
      });
      await startIngestionBackend(
        knex,
        noRepositoriesConfig(
          enabled === undefined ? {} : { tableMaintenance: { enabled } },
        ),
        [probe, mockServices.scheduler.factory({ skipTaskRunOnStartup: true })],
      );
      return scheduler!.getScheduledTasks();
    };
    const byDefault = await tasks();
    expect(byDefault).toContainEqual(
      expect.objectContaining({
        id: 'portal-catalog-maintenance',
        scope: 'global',
      }),
    );
    expect((await tasks(false)).map(t => t.id)).not.toContain(
      'portal-catalog-maintenance',
    );
  });
});
