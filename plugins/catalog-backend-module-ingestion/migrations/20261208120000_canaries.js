// @ts-check

/**
 * Catalog ingestion: the canary's results. Every few minutes the module
 * changes one entity of its own and measures how long the catalog API
 * takes to show the change, so the health page and the ingestion SLO
 * measure what people wait for, not only the module's own scans.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('ingestion_canaries', table => {
    table.comment('Canary changes and how long each took to be visible');
    table.bigIncrements('id').primary();
    table
      .timestamp('started_at', { useTz: true })
      .notNullable()
      .comment('When the change was handed to the catalog');
    table
      .integer('visible_after_ms')
      .nullable()
      .comment('Until the catalog API served the change; null: it did not');
    table
      .integer('timeout_ms')
      .notNullable()
      .comment('How long the canary waited');
    table.text('error').nullable().comment('Why the canary could not run');
    table.index(['started_at'], 'ingestion_canaries_started');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('ingestion_canaries');
};
