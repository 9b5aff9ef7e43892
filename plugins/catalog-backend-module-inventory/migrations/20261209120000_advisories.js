// @ts-check

/**
 * Dependency inventory: advisories in OSV format and the packages they
 * affect, and which component package each one hits. Each inventory package
 * gets its OSV key (`ecosystem:name`), so an advisory finds the packages it
 * affects through an index instead of a scan.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('ingestion_packages', table => {
    table
      .string('osv_key', 640)
      .nullable()
      .comment('OSV ecosystem and package name, e.g. npm:lodash; null: none');
    table.index(['osv_key'], 'ingestion_packages_osv_key_idx');
  });
  await knex.schema.createTable('inventory_advisories', table => {
    table.comment('Advisories in OSV format, one row per OSV id');
    table.string('id', 256).primary();
    table
      .string('vuln_key', 256)
      .notNullable()
      .comment(
        'One key per vulnerability: its CVE when it has one, else the id',
      );
    table.text('aliases').notNullable().comment('JSON array of other ids');
    table.timestamp('modified', { useTz: true }).notNullable();
    table.timestamp('published', { useTz: true }).nullable();
    table.timestamp('withdrawn', { useTz: true }).nullable();
    table.text('summary').nullable();
    table.string('severity', 16).nullable();
    table.string('cvss', 512).nullable();
    table.text('refs').notNullable().comment('JSON array of reference URLs');
    table
      .string('content_hash', 64)
      .notNullable()
      .comment('SHA-256 of the document: an unchanged one is not processed');
    table.string('source_id', 255).notNullable();
    table.timestamp('imported_at', { useTz: true }).notNullable();
    table.index(['vuln_key'], 'inventory_advisories_vuln_idx');
  });
  await knex.schema.createTable('inventory_advisory_packages', table => {
    table.comment('Packages an advisory affects, with their ranges');
    table.bigIncrements('id');
    table
      .string('advisory_id', 256)
      .notNullable()
      .references('id')
      .inTable('inventory_advisories')
      .onDelete('CASCADE');
    table.string('osv_key', 640).notNullable();
    table.text('ranges').notNullable().comment('JSON array of OSV ranges');
    table.text('versions').notNullable().comment('JSON array of versions');
    table.index(['osv_key'], 'inventory_advisory_packages_key_idx');
    table.index(['advisory_id'], 'inventory_advisory_packages_adv_idx');
  });
  await knex.schema.createTable('inventory_vulnerabilities', table => {
    table.comment('A component package an advisory affects');
    table.string('entity_ref', 512).notNullable();
    table.text('purl').notNullable();
    table.string('advisory_id', 256).notNullable();
    table.string('vuln_key', 256).notNullable();
    table.string('fixed_in', 256).nullable();
    table
      .timestamp('first_seen_at', { useTz: true })
      .notNullable()
      .comment('Since when the component is known to be affected');
    table
      .timestamp('notified_at', { useTz: true })
      .nullable()
      .comment('When the owners were told (once)');
    table.primary(['entity_ref', 'purl', 'advisory_id']);
    table.index(['advisory_id'], 'inventory_vulnerabilities_adv_idx');
    table.index(['vuln_key'], 'inventory_vulnerabilities_vuln_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('inventory_vulnerabilities');
  await knex.schema.dropTable('inventory_advisory_packages');
  await knex.schema.dropTable('inventory_advisories');
  await knex.schema.alterTable('ingestion_packages', table => {
    table.dropIndex(['osv_key'], 'ingestion_packages_osv_key_idx');
    table.dropColumn('osv_key');
  });
};
