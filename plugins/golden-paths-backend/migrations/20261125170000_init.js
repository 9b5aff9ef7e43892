// @ts-check

/**
 * Golden paths: runs of templates (the events DX metrics count), golden-gate
 * requests and their audit trail.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('golden_path_runs', table => {
    table.comment('One scaffolder task of a template, updated as it moves');
    table.string('task_id').primary();
    table.string('template_ref').notNullable();
    table.string('template_version');
    table.string('requester');
    table.string('status').notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('attempt_started_at', { useTz: true }).notNullable();
    table.timestamp('finished_at', { useTz: true });
    table.integer('duration_ms');
    table.integer('attempts').notNullable().defaultTo(1);
    table.string('failed_step');
    table.text('failure_reason');
    table.index(['template_ref', 'created_at']);
    table.index(['requester', 'created_at']);
    table.index(['created_at']);
  });

  await knex.schema.createTable('golden_gate_requests', table => {
    table.comment('Requests that left the paved road and wait for review');
    table.bigIncrements('id').primary();
    table.string('task_id').notNullable().unique();
    table.string('template_ref').notNullable();
    table.string('template_version');
    table.string('requester').notNullable();
    table.jsonb('parameters').notNullable();
    table.jsonb('approved_parameters');
    table.jsonb('reasons').notNullable();
    table.string('status').notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('decided_at', { useTz: true });
    table.string('decided_by');
    table.text('comment');
    table.timestamp('rerun_at', { useTz: true });
    table.index(['status', 'created_at']);
    table.index(['requester', 'created_at']);
  });

  await knex.schema.createTable('golden_gate_audit', table => {
    table.comment('Who did what to a gate request, and when');
    table.bigIncrements('id').primary();
    table
      .bigInteger('gate_id')
      .notNullable()
      .references('id')
      .inTable('golden_gate_requests')
      .onDelete('CASCADE');
    table.string('actor').notNullable();
    table.string('action').notNullable();
    table.timestamp('at', { useTz: true }).notNullable();
    table.text('comment');
    table.jsonb('changes');
    table.index(['gate_id', 'at']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('golden_gate_audit');
  await knex.schema.dropTable('golden_gate_requests');
  await knex.schema.dropTable('golden_path_runs');
};
