// @ts-check

/**
 * DX: history backfill. A run reads the delivery history of a source's
 * repositories (GitHub, GitLab, local git) for a date range; each repository
 * is one job that keeps its place (the phase and the next page to read), so
 * a restart resumes where it stopped and a rate limit only pauses it.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('dx_backfill_runs', table => {
    table.comment('History backfills, one per request or first start');
    table.bigIncrements('id');
    table.string('source_id', 255).notNullable();
    table
      .string('repository', 255)
      .nullable()
      .comment('Only this repository (owner/name or name); null: all');
    table.timestamp('from', { useTz: true }).notNullable();
    table.timestamp('to', { useTz: true }).notNullable();
    table
      .string('state', 16)
      .notNullable()
      .comment('listing, running, done, failed');
    table.text('error').nullable();
    table.string('requested_by', 512).nullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('finished_at', { useTz: true }).nullable();
    table.index(['source_id'], 'dx_backfill_runs_source');
  });
  await knex.schema.createTable('dx_backfill_jobs', table => {
    table.comment('One repository of a backfill run, with its place');
    table.bigIncrements('id');
    table
      .bigInteger('run_id')
      .unsigned()
      .notNullable()
      .references('id')
      .inTable('dx_backfill_runs')
      .onDelete('CASCADE');
    table.string('repository', 512).notNullable();
    table
      .string('state', 16)
      .notNullable()
      .comment('pending, done, failed');
    table
      .string('phase', 32)
      .notNullable()
      .comment('What is read now: changes, deployments, incidents, ...');
    table
      .text('cursor')
      .nullable()
      .comment('The next page of the phase (a URL or an offset); null: first');
    table.integer('pages').notNullable().defaultTo(0);
    table.integer('events').notNullable().defaultTo(0);
    table
      .timestamp('not_before', { useTz: true })
      .nullable()
      .comment('Paused by the host rate limit until then');
    table.text('error').nullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.timestamp('finished_at', { useTz: true }).nullable();
    table.unique(['run_id', 'repository'], {
      indexName: 'dx_backfill_jobs_run_repo',
    });
    table.index(['state', 'not_before'], 'dx_backfill_jobs_pending');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('dx_backfill_jobs');
  await knex.schema.dropTable('dx_backfill_runs');
};
