// @ts-check

/**
 * Dependency inventory: the schema problems of each stored SBOM, and VEX
 * statements (CycloneDX `vulnerabilities` with an `analysis`) about a
 * component or one of its packages.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('ingestion_sboms', table => {
    table
      .text('problems')
      .nullable()
      .comment('JSON array: where the document leaves its schema; null: valid');
  });
  await knex.schema.createTable('inventory_vex_statements', table => {
    table.comment('VEX statements about a component or one of its packages');
    table.bigIncrements('id');
    table
      .string('entity_ref', 512)
      .notNullable()
      .comment('Lower-case ref of the component the statement is about');
    table
      .string('origin', 1024)
      .notNullable()
      .comment('upload or repository:<source>/<repo>:<file>');
    table.string('source_id', 255).nullable();
    table.string('repository', 255).nullable();
    table
      .string('vulnerability', 256)
      .notNullable()
      .comment('The id the statement names (CVE, GHSA, OSV id)');
    table
      .text('aliases')
      .notNullable()
      .comment('JSON array: other ids of the vulnerability it lists');
    table
      .text('purl')
      .nullable()
      .comment('The package it is about; null: the whole component');
    table.string('state', 32).notNullable();
    table.string('justification', 128).nullable();
    table.text('response').nullable().comment('JSON array');
    table.text('detail').nullable();
    table.timestamp('stated_at', { useTz: true }).notNullable();
    table.index(['entity_ref'], 'inventory_vex_statements_entity_idx');
    table.index(
      ['source_id', 'repository'],
      'inventory_vex_statements_repo_idx',
    );
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('inventory_vex_statements');
  await knex.schema.alterTable('ingestion_sboms', table => {
    table.dropColumn('problems');
  });
};
