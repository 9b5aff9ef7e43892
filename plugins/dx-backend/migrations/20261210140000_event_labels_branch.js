// @ts-check

/**
 * DX: the labels and the branch of an event (pull request labels and head
 * branch, the deployed ref, generic `labels` and `branch`), read by the
 * deployment rework rate.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('dx_events', table => {
    table.jsonb('labels').comment('Labels of the deployment or change');
    table
      .string('branch', 300)
      .comment('The branch deployed, or the head branch of a change');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('dx_events', table => {
    table.dropColumn('labels');
    table.dropColumn('branch');
  });
};
