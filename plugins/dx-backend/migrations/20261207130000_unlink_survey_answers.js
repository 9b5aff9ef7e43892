// @ts-check

/**
 * DX: survey answers keep no link to a golden-path run, which names its
 * requester: the task id goes, and the provisioning time keeps only the
 * start of its bucket ([0, 1 min), [1, 5 min), [5, 15 min), 15 min+), which
 * is all the results show.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex('dx_survey_responses').update({
    task_id: null,
    provisioning_ms: knex.raw(
      `CASE
        WHEN provisioning_ms IS NULL THEN NULL
        WHEN provisioning_ms < 60000 THEN 0
        WHEN provisioning_ms < 300000 THEN 60000
        WHEN provisioning_ms < 900000 THEN 300000
        ELSE 900000
      END`,
    ),
  });
};

/** What was removed cannot come back. */
exports.down = async function down() {};
