import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { TestDatabases } from '@backstage/backend-test-utils';

jest.setTimeout(60_000);

const databases = TestDatabases.create({
  ids: ['POSTGRES_15', 'SQLITE_3'],
});
const directory = resolvePackagePath(
  '@internal/plugin-catalog-backend-module-ingestion',
  'migrations',
);

describe.each(databases.eachSupportedId())('migrations on %s', id => {
  it('run up, down and up again, without the old counter table', async () => {
    const knex = await databases.init(id);
    await knex.migrate.latest({ directory });
    expect(await knex.schema.hasTable('ingestion_entities')).toBe(true);
    expect(await knex.schema.hasTable('ingestion_catalog_removals')).toBe(
      false,
    );
    await knex.migrate.rollback({ directory }, true);
    for (const table of [
      'ingestion_entities',
      'ingestion_runs',
      'ingestion_catalog_removals',
    ]) {
      expect(await knex.schema.hasTable(table)).toBe(false);
    }
    await knex.migrate.latest({ directory });
    expect(await knex.schema.hasTable('ingestion_runs')).toBe(true);
  });
});

describe('migrations on PostgreSQL', () => {
  it('drop the function earlier versions installed for the catalog hooks', async () => {
    const knex = await databases.init('POSTGRES_15');
    const count = async () =>
      (
        await knex.raw(
          "select count(*)::int as n from pg_proc where proname = 'portal_count_catalog_removal'",
        )
      ).rows[0].n;
    const before = async () => {
      const version = await knex.migrate.currentVersion({ directory });
      return version === 'none' || version < '20261204100000';
    };
    while (await before()) await knex.migrate.up({ directory });
    expect(await count()).toBe(1);
    await knex.migrate.latest({ directory });
    expect(await count()).toBe(0);
  });
});
