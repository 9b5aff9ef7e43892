// @ts-check

/**
 * One row per evaluation cycle: when, how long, how many SLOs, how many
 * failed. Shown on the platform health page and read by the benchmark.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('slo_evaluation_runs', table => {
    table.comment('SLO evaluation cycles');
    table.bigIncrements('id');
    table.timestamp('started_at', { useTz: true }).notNullable();
    table.integer('duration_ms').notNullable();
    table.integer('evaluated').notNullable();
    table.integer('failed').notNullable();
    table.index(['started_at']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('slo_evaluation_runs');
};
