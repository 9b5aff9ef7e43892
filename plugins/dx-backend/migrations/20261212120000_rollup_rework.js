// @ts-check

/**
 * DX: the daily roll-ups carry the deployment rework rate (rework per
 * reason, deployments with markers) and the production deployments
 * without a change that carry no commit SHA. Rows written before have none
 * of these (read as 0), so the state row goes: the next roll-up run is a
 * first run, which sums the organisation's rows from the entities' rows
 * kept and recomputes every entity whole, with the new fields. Until it is
 * done, periods from the roll-ups count no rework.
 *
 * Changes naming an incident (`incidentId`) are looked up by incident, when
 * that incident's events arrive: a partial index, as small as such
 * changes are few.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex('dx_rollup_state').where('id', 1).delete();
  await knex.raw(
    "CREATE INDEX dx_events_entity_change_incident ON dx_events (entity_ref, incident_id) WHERE kind = 'change' AND incident_id IS NOT NULL",
  );
};

/**
 * The state row is not brought back (the next run re-rolls every entity
 * whole either way).
 *
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.raw('DROP INDEX dx_events_entity_change_incident');
};
