// @ts-check

/**
 * DX: daily roll-ups of the four keys per entity (and `*` for the
 * organisation), the entities whose roll-ups are out of date, and when the
 * roll-ups were last brought up to date.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('dx_dora_daily', table => {
    table.comment('Four keys per entity and UTC day, added up by dashboards');
    table
      .string('entity_ref', 512)
      .notNullable()
      .comment('An entity ref, or * for the organisation');
    table.string('day', 10).notNullable().comment('UTC day, YYYY-MM-DD');
    table.jsonb('data').notNullable().comment('Counts and histograms');
    table.primary(['entity_ref', 'day']);
    table.index(['day'], 'dx_dora_daily_day');
  });
  await knex.schema.createTable('dx_rollup_dirty', table => {
    table.comment('Entities with events newer than their roll-ups');
    table.string('entity_ref', 512).primary();
    table.timestamp('marked_at', { useTz: true }).notNullable();
  });
  await knex.schema.createTable('dx_rollup_state', table => {
    table.comment('When the roll-ups were last brought up to date');
    table.integer('id').primary();
    table.timestamp('rolled_up_at', { useTz: true }).notNullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('dx_rollup_state');
  await knex.schema.dropTable('dx_rollup_dirty');
  await knex.schema.dropTable('dx_dora_daily');
};
