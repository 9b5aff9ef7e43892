// @ts-check

/**
 * A request that waits at a golden gate now ends its task (completed, with
 * nothing created); after approval the requester continues it as a new task
 * that names the gate. Each gate records who approves it, in words, and the
 * one task that continued it.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('golden_gate_requests', table => {
    table.string('reviewers');
    table.string('continued_task_id').unique();
    table.timestamp('continued_at', { useTz: true });
  });
  // Approved requests whose task already ran again (the scaffolder's retry,
  // before this change) were used by that task: they cannot be continued.
  await knex('golden_gate_requests')
    .where({ status: 'approved' })
    .whereExists(
      knex('golden_path_runs')
        .whereRaw('golden_path_runs.task_id = golden_gate_requests.task_id')
        .where('golden_path_runs.attempts', '>', 1),
    )
    .update({
      continued_task_id: knex.ref('task_id'),
      continued_at: knex.ref('decided_at'),
    });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('golden_gate_requests', table => {
    table.dropUnique(['continued_task_id']);
    table.dropColumn('reviewers');
    table.dropColumn('continued_task_id');
    table.dropColumn('continued_at');
  });
};
