// @ts-check

/**
 * Catalog ingestion: one full scan of a source at a time across replicas.
 * A replica that is asked for a full scan while another lists the source
 * waits for that scan's run instead of listing the source again.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('ingestion_source_scans', table => {
    table.comment('The full scan of each source in progress, and its lease');
    table.string('source_id').primary();
    table
      .bigInteger('run_id')
      .nullable()
      .comment('The run of the scan (null until it has started)');
    table.string('lease_owner').notNullable();
    table.timestamp('lease_until', { useTz: true }).notNullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('ingestion_source_scans');
};
