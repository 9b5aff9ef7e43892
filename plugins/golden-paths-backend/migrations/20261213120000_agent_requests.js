// @ts-check

/**
 * Who asked for a golden path through the portal's actions (the MCP
 * actions of coding agents): one row per scaffolder task created by an
 * action. `agent` is the subject of the service that acted for the person
 * (`plugin:mcp-actions`), null when a person called the action directly;
 * `on_behalf_of` is the person. Gates and metrics join it by task id when
 * they are read, so it does not matter whether the task reaches its policy
 * step before or after the row is written.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('golden_path_agent_requests', table => {
    table.comment('Golden-path tasks created through actions, and for whom');
    table.string('task_id').primary().comment('The scaffolder task');
    table
      .string('agent')
      .nullable()
      .comment('Subject of the acting service; null for a person');
    table
      .string('on_behalf_of')
      .notNullable()
      .comment('Entity ref of the user the task runs as');
    table.timestamp('created_at', { useTz: true }).notNullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('golden_path_agent_requests');
};
