// @ts-check

/**
 * DX: roll-ups recompute only the days new events can change. Ingestion
 * marks each (entity, UTC day, kind) it stored delivery events for; a
 * roll-up run recomputes the days those marks reach (the day itself, the
 * deployments before it and the deployment after it, see DoraRollups) and
 * not the entity's whole history. Whole-entity marks (`dx_rollup_dirty`)
 * remain for re-mapping and the first run. Changes and incidents are
 * looked up by commit and incident id to find the other days of the same
 * change or incident; the state row records what the last run that did
 * anything cost.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('dx_rollup_dirty_days', table => {
    table.comment('Entity days with events newer than their roll-ups');
    table.string('entity_ref', 512).notNullable();
    table.string('day', 10).notNullable().comment('UTC day, YYYY-MM-DD');
    table
      .string('kind', 16)
      .notNullable()
      .comment('deployment, change or incident: which days it can reach');
    table.primary(['entity_ref', 'day', 'kind']);
  });
  await knex.raw(
    "CREATE INDEX dx_events_entity_commit ON dx_events (entity_ref, commit_sha) WHERE kind = 'change'",
  );
  await knex.raw(
    "CREATE INDEX dx_events_entity_incident ON dx_events (entity_ref, incident_id) WHERE kind = 'incident'",
  );
  await knex.schema.alterTable('dx_rollup_state', table => {
    table
      .timestamp('worked_at', { useTz: true })
      .comment('When the last run that recomputed anything finished');
    table.integer('work_ms').comment('How long that run took');
    table.integer('work_entities').comment('Entities it recomputed');
    table.integer('work_days').comment('Entity days it recomputed');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('dx_rollup_state', table => {
    table.dropColumn('worked_at');
    table.dropColumn('work_ms');
    table.dropColumn('work_entities');
    table.dropColumn('work_days');
  });
  await knex.raw('DROP INDEX dx_events_entity_incident');
  await knex.raw('DROP INDEX dx_events_entity_commit');
  await knex.schema.dropTable('dx_rollup_dirty_days');
};
