// @ts-check

/**
 * Template upgrades. To render the version a service was made from and the
 * newest one with the same values, the plugin keeps what each run asked
 * for (the parameters its policy step let through) and a copy of each
 * template version it has seen (the template entity and its folder's
 * files); the catalog holds only the newest. Proposals record the change
 * request opened on the service's repository and where it stands.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('golden_path_run_parameters', table => {
    table.comment('The parameters of a run that went past its policy step');
    table.string('task_id').primary();
    table.string('template_ref').notNullable();
    table.string('template_version');
    table
      .string('entity_name')
      .comment('The name parameter: the service it made');
    table.jsonb('parameters').notNullable();
    table.string('requester');
    table.timestamp('recorded_at', { useTz: true }).notNullable();
    table.index(['template_ref', 'entity_name', 'recorded_at']);
  });

  await knex.schema.createTable('golden_path_template_snapshots', table => {
    table.comment('A template version as it was: entity and folder files');
    table.string('template_ref').notNullable();
    table.string('version').notNullable();
    table.jsonb('entity').notNullable();
    table
      .jsonb('files')
      .notNullable()
      .comment('[{ path, base64Content }] of the template folder');
    table.string('digest', 64).notNullable();
    table.timestamp('captured_at', { useTz: true }).notNullable();
    table.primary(['template_ref', 'version']);
  });

  await knex.schema.createTable('golden_path_upgrades', table => {
    table.comment('Change requests that bring services to a newer template');
    table.bigIncrements('id').primary();
    table.string('entity_ref').notNullable();
    table.string('template_ref').notNullable();
    table.string('from_version').notNullable();
    table.string('to_version').notNullable();
    table.string('state').notNullable();
    table.string('host');
    table.string('repository');
    table.string('branch');
    table.string('base_branch').comment('The default branch it goes into');
    table.text('url');
    table.integer('number');
    table.jsonb('changed').notNullable();
    table.jsonb('conflicts').notNullable();
    table.jsonb('notes').notNullable();
    table.boolean('needs_person').notNullable().defaultTo(false);
    table.string('requested_by').notNullable();
    table.text('error');
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.timestamp('merged_at', { useTz: true });
    table.timestamp('closed_at', { useTz: true });
    table.index(['entity_ref', 'created_at']);
    table.index(['template_ref', 'created_at']);
    table.index(['state']);
    table.index(['created_at']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('golden_path_upgrades');
  await knex.schema.dropTable('golden_path_template_snapshots');
  await knex.schema.dropTable('golden_path_run_parameters');
};
