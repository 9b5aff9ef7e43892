// @ts-check

/**
 * DX: scorecard results, one row per scorecard, entity and day (the trend),
 * and when each catalog User was first seen (onboarding time).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('dx_scorecard_results', table => {
    table.comment('Scorecard levels and checks per entity and day');
    table.string('scorecard_id', 100).notNullable();
    table.string('day', 10).notNullable().comment('UTC day, YYYY-MM-DD');
    table.string('entity_ref', 512).notNullable();
    table.string('owner', 512);
    table.string('level', 100).comment('Null when no level is reached');
    table.float('score').notNullable();
    table.jsonb('checks').notNullable();
    table.timestamp('evaluated_at', { useTz: true }).notNullable();
    table.primary(['scorecard_id', 'day', 'entity_ref']);
    table.index(['entity_ref', 'scorecard_id', 'day'], 'dx_scorecard_entity');
  });
  await knex.schema.createTable('dx_users_seen', table => {
    table.comment('When each catalog User first appeared, for onboarding time');
    table.string('user_ref', 512).primary();
    table.timestamp('first_seen_at', { useTz: true }).notNullable();
    table
      .boolean('baseline')
      .notNullable()
      .comment('Present at the first sync: joined before the portal knew');
    table
      .jsonb('identities')
      .notNullable()
      .comment('Logins and e-mails that name this user in events');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('dx_users_seen');
  await knex.schema.dropTable('dx_scorecard_results');
};
