import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { TestDatabases } from '@backstage/backend-test-utils';
import { DatabaseSbomStore } from './DatabaseSbomStore';

jest.setTimeout(60_000);

const databases = TestDatabases.create({
  ids: ['POSTGRES_15', 'SQLITE_3'],
});
const inventory = {
  directory: resolvePackagePath(
    '@internal/plugin-catalog-backend-module-inventory',
    'migrations',
  ),
  tableName: 'inventory__knex_migrations',
};
const ingestion = {
  directory: resolvePackagePath(
    '@internal/plugin-catalog-backend-module-ingestion',
    'migrations',
  ),
  tableName: 'ingestion__knex_migrations',
};
const TABLES = [
  'ingestion_sboms',
  'ingestion_packages',
  'inventory_rate_limits',
  'inventory_advisories',
  'inventory_advisory_packages',
  'inventory_vulnerabilities',
  'inventory_advisory_sources',
  'inventory_vex_statements',
];

describe.each(databases.eachSupportedId())('migrations on %s', id => {
  it('run up, down and up again', async () => {
    const knex = await databases.init(id);
    await knex.migrate.latest(inventory);
    for (const table of TABLES) {
      expect(await knex.schema.hasTable(table)).toBe(true);
    }
    await knex.migrate.rollback(inventory, true);
    for (const table of TABLES) {
      expect(await knex.schema.hasTable(table)).toBe(false);
    }
    await knex.migrate.latest(inventory);
    expect(await knex.schema.hasTable('ingestion_packages')).toBe(true);
  });

  it('keep the SBOMs of an installation whose ingestion migrations created the tables', async () => {
    const knex = await databases.init(id);
    // The ingestion module's migrations no longer create the SBOM tables.
    await knex.migrate.latest(ingestion);
    expect(await knex.schema.hasTable('ingestion_sboms')).toBe(false);
    // An installation from before the move: the tables and their rows
    // exist, and the inventory's migrations have never run.
    await knex.migrate.latest(inventory);
    const [sbom] = await knex('ingestion_sboms')
      .insert({
        entity_ref: 'component:default/shop',
        origin: 'upload',
        format: 'cyclonedx',
        stored_at: new Date(),
        packages: 1,
      })
      .returning('id');
    await knex('ingestion_packages').insert({
      sbom_id: typeof sbom === 'object' ? sbom.id : sbom,
      entity_ref: 'component:default/shop',
      purl: 'pkg:npm/lodash@4.17.21',
      type: 'npm',
      name: 'lodash',
      version: '4.17.21',
      direct: true,
    });
    for (const table of [
      'inventory_vex_statements',
      'inventory_advisory_sources',
      'inventory_rate_limits',
      'inventory_vulnerabilities',
      'inventory_advisory_packages',
      'inventory_advisories',
    ])
      await knex.schema.dropTable(table);
    await knex.schema.alterTable('ingestion_packages', table => {
      table.dropIndex(['osv_key'], 'ingestion_packages_osv_key_idx');
      table.dropColumn('osv_key');
    });
    await knex.schema.alterTable('ingestion_sboms', table => {
      table.dropColumn('problems');
    });
    await knex.schema.dropTable(inventory.tableName);
    await knex.schema.dropTable(`${inventory.tableName}_lock`);

    await knex.migrate.latest(ingestion);
    await knex.migrate.latest(inventory);
    expect(await knex('ingestion_packages').select('name')).toEqual([
      { name: 'lodash' },
    ]);
    expect(Number((await knex('ingestion_sboms').count({ n: '*' }))[0].n)).toBe(
      1,
    );
    expect(await knex.schema.hasTable('inventory_rate_limits')).toBe(true);
    // Packages stored before advisories get their OSV key when the store
    // starts.
    await DatabaseSbomStore.create({ knex, skipMigrations: true });
    expect(await knex('ingestion_packages').select('osv_key')).toEqual([
      { osv_key: 'npm:lodash' },
    ]);
  });
});
