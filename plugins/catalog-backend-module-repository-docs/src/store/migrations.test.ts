import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { TestDatabases } from '@backstage/backend-test-utils';

jest.setTimeout(60_000);

const databases = TestDatabases.create({
  ids: ['POSTGRES_15', 'SQLITE_3'],
});
const docs = {
  directory: resolvePackagePath(
    '@internal/plugin-catalog-backend-module-repository-docs',
    'migrations',
  ),
  tableName: 'repository_docs__knex_migrations',
};
const ingestion = {
  directory: resolvePackagePath(
    '@internal/plugin-catalog-backend-module-ingestion',
    'migrations',
  ),
  tableName: 'ingestion__knex_migrations',
};
const TABLES = ['ingestion_docs', 'ingestion_doc_assets'];

describe.each(databases.eachSupportedId())('migrations on %s', id => {
  it('run up, down and up again', async () => {
    const knex = await databases.init(id);
    await knex.migrate.latest(docs);
    for (const table of TABLES) {
      expect(await knex.schema.hasTable(table)).toBe(true);
    }
    await knex.migrate.rollback(docs, true);
    for (const table of TABLES) {
      expect(await knex.schema.hasTable(table)).toBe(false);
    }
    await knex.migrate.latest(docs);
    expect(await knex.schema.hasTable('ingestion_docs')).toBe(true);
  });

  it('keep the docs of an installation whose ingestion migrations created the tables', async () => {
    const knex = await databases.init(id);
    // The ingestion module's migrations no longer create the docs tables.
    await knex.migrate.latest(ingestion);
    expect(await knex.schema.hasTable('ingestion_docs')).toBe(false);
    // An installation from before the move: the tables and their rows
    // exist, and the docs module's migrations have never run.
    await knex.migrate.latest(docs);
    await knex('ingestion_docs').insert({
      source_id: 'local',
      repository: 'shop',
      path: 'README.md',
      title: 'Shop',
      markdown: '# Shop',
    });
    await knex('ingestion_doc_assets').insert({
      source_id: 'local',
      repository: 'shop',
      path: 'a.png',
      content_type: 'image/png',
      data: Buffer.from([1, 2, 3]),
    });
    await knex.schema.dropTable(docs.tableName);
    await knex.schema.dropTable(`${docs.tableName}_lock`);

    await knex.migrate.latest(ingestion);
    await knex.migrate.latest(docs);
    expect(await knex('ingestion_docs').select('path', 'markdown')).toEqual([
      { path: 'README.md', markdown: '# Shop' },
    ]);
    expect(await knex('ingestion_doc_assets').select('path')).toEqual([
      { path: 'a.png' },
    ]);
  });
});
