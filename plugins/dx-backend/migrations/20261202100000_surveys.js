// @ts-check

/**
 * DX surveys: the answers, anonymous, and apart from them who answered
 * which survey in which period (one answer per person per period). The two
 * tables share nothing a join could use: no user in the answers, no time
 * and no sequence in the participation.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  const pg = knex.client.config.client === 'pg';
  await knex.schema.createTable('dx_survey_responses', table => {
    table.comment('Anonymous survey answers: no user ref, only the teams');
    table
      .string('id', 36)
      .primary()
      .comment('A random UUID, no sequence to match against participation');
    table.string('survey_id', 64).notNullable();
    table
      .timestamp('submitted_at', { useTz: true })
      .notNullable()
      .comment('The day of the answer (UTC midnight), no finer');
    table.string('week', 10).notNullable().comment('ISO week, e.g. 2026-W49');
    if (pg)
      table
        .specificType('teams', 'text[]')
        .notNullable()
        .comment('Groups the respondent was a member of when answering');
    else table.text('teams').notNullable();
    table.jsonb('answers').notNullable().comment('Question id to answer');
    table
      .string('task_id', 200)
      .comment('Golden-path surveys: the scaffolder task answered about');
    table
      .bigInteger('provisioning_ms')
      .comment('Golden-path surveys: how long that run took');
    table.index(['survey_id', 'submitted_at'], 'dx_survey_responses_time');
  });
  if (pg)
    await knex.raw(
      'CREATE INDEX dx_survey_responses_teams ON dx_survey_responses USING gin (teams)',
    );

  await knex.schema.createTable('dx_survey_participation', table => {
    table.comment(
      'Who answered which survey in which period; never joined to answers',
    );
    table.string('survey_id', 64).notNullable();
    table.string('user_ref', 512).notNullable();
    table
      .string('period', 240)
      .notNullable()
      .comment('2026-W49, 2026-12, 2026-Q4 or task:<id> for golden-path runs');
    table.primary(
      ['survey_id', 'user_ref', 'period'],
      'dx_survey_participation_pkey',
    );
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('dx_survey_participation');
  await knex.schema.dropTable('dx_survey_responses');
};
