// @ts-check

/*
 * Tables of the dependency inventory: SBOMs per component and the packages
 * they list, and the rate-limit counters of the SBOM upload route.
 *
 * The SBOM tables were created by the catalog ingestion module's migration
 * 20261125150000_sboms_docs.js until they moved here, under the same names:
 * on an installation that ran it they exist with their data, and are left
 * as they are.
 */

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  if (!(await knex.schema.hasTable('ingestion_sboms'))) {
    await knex.schema.createTable('ingestion_sboms', table => {
      table.comment('SBOMs stored per component, from repositories or uploads');
      table.bigIncrements('id');
      table
        .string('entity_ref', 512)
        .notNullable()
        .comment('Lower-case ref of the component');
      table
        .string('origin', 1024)
        .notNullable()
        .comment('repository:<source>/<repo>:<file> or upload');
      table.string('source_id', 255).nullable();
      table.string('repository', 255).nullable();
      table.string('format', 16).notNullable();
      table.timestamp('stored_at', { useTz: true }).notNullable();
      table.integer('packages').notNullable();
      table.unique(['entity_ref', 'origin'], {
        indexName: 'ingestion_sboms_entity_origin_uq',
      });
      table.index(['source_id', 'repository'], 'ingestion_sboms_repo_idx');
    });
  }
  if (!(await knex.schema.hasTable('ingestion_packages'))) {
    await knex.schema.createTable('ingestion_packages', table => {
      table.comment('Packages listed by each SBOM');
      table
        .bigInteger('sbom_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('ingestion_sboms')
        .onDelete('CASCADE');
      table.string('entity_ref', 512).notNullable();
      table.text('purl').notNullable();
      table.string('type', 64).notNullable();
      table.string('namespace', 512).nullable();
      table.string('name', 512).notNullable();
      table.string('version', 256).notNullable();
      table.boolean('direct').notNullable();
      table.text('licenses').nullable().comment('JSON array');
      table.index(['name'], 'ingestion_packages_name_idx');
      table.index(['sbom_id'], 'ingestion_packages_sbom_idx');
      table.index(['entity_ref'], 'ingestion_packages_entity_idx');
    });
  }
  if (!(await knex.schema.hasTable('inventory_rate_limits'))) {
    // Shared by every replica (KnexRateLimitStore of @internal/request-limits).
    await knex.schema.createTable('inventory_rate_limits', table => {
      table.comment('Requests per caller and endpoint in the current window');
      table
        .string('key', 300)
        .primary()
        .comment(
          'Endpoint and caller (a hash of the identity, or the address)',
        );
      table
        .bigInteger('window_start')
        .notNullable()
        .comment('Start of the counting window, in ms since the epoch');
      table.integer('hits').notNullable().comment('Requests in the window');
      table.index(['window_start'], 'inventory_rate_limits_window');
    });
  }
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTableIfExists('inventory_rate_limits');
  await knex.schema.dropTableIfExists('ingestion_packages');
  await knex.schema.dropTableIfExists('ingestion_sboms');
};
