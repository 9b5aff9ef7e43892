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
  it('run up, down and up again, and leave nothing of the old catalog hooks', async () => {
    const knex = await databases.init(id);
    await knex.migrate.latest({ directory });
    expect(await knex.schema.hasTable('ingestion_entities')).toBe(true);
    expect(await knex.schema.hasTable('ingestion_catalog_removals')).toBe(
      false,
    );
    if (id === 'POSTGRES_15') {
      const { rows } = await knex.raw(
        "select count(*)::int as n from pg_proc where proname = 'portal_count_catalog_removal'",
      );
      expect(rows[0].n).toBe(0);
    }
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
