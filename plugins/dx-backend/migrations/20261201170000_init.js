// @ts-check

/**
 * DX: every accepted event, normalised for the metrics and kept raw for
 * re-computation. The key makes a re-delivered event land once.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('dx_events', table => {
    table.comment('Delivery events: changes, deployments, incidents, builds');
    table.bigIncrements('id');
    table.string('key', 600).notNullable().unique();
    table.string('source', 16).notNullable();
    table.string('type', 200).notNullable();
    table.string('kind', 16).notNullable();
    table.string('action', 40).notNullable();
    table.timestamp('occurred_at', { useTz: true }).notNullable();
    table.timestamp('received_at', { useTz: true }).notNullable();
    table
      .string('entity_ref', 512)
      .comment('Null while no catalog entity matches');
    table.string('unmapped_reason', 300);
    table
      .string('subject_ref', 512)
      .comment('The entity ref the event named, if any');
    table.string('repository', 300);
    table.string('service', 300);
    table.string('environment', 200);
    table.string('outcome', 16);
    table.string('commit_sha', 100);
    table.string('change_id', 200);
    table.string('incident_id', 200);
    table.string('deployment_id', 200);
    table.string('actor', 200);
    table.text('title');
    table.jsonb('commits');
    table.jsonb('raw').notNullable();
    table.index(
      ['entity_ref', 'kind', 'occurred_at'],
      'dx_events_entity_kind_time',
    );
    table.index(['kind', 'occurred_at'], 'dx_events_kind_time');
  });
  // Unmapped events are looked for again when the catalog changes.
  if (knex.client.config.client === 'pg') {
    await knex.raw(
      'CREATE INDEX dx_events_unmapped ON dx_events (id) WHERE entity_ref IS NULL',
    );
  }
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('dx_events');
};
