/*
 * Tables of the catalog ingestion module. They live in the catalog's
 * database next to the catalog's own tables, with their own migrations
 * table (ingestion__knex_migrations), like upstream's incremental
 * ingestion module does.
 */

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.createTable('ingestion_repositories', table => {
    table.comment(
      'Repositories known per source, with the head commit last read',
    );
    table.string('source_id', 255).notNullable();
    table.string('name', 255).notNullable();
    table.text('location').notNullable();
    table.string('branch', 255).nullable();
    table
      .string('head', 64)
      .nullable()
      .comment('Commit last read completely; null = never read');
    table.timestamp('read_at', { useTz: true }).nullable();
    table
      .timestamp('lease_until', { useTz: true })
      .nullable()
      .comment('A replica is reading it until then');
    table.string('lease_owner', 64).nullable();
    table.primary(['source_id', 'name']);
  });

  await knex.schema.createTable('ingestion_entities', table => {
    table.comment('Which repository each discovered entity came from');
    table.string('entity_ref', 512).primary().comment('Lower-case entity ref');
    table.string('source_id', 255).notNullable();
    table.string('repository', 255).notNullable();
    table.text('file').notNullable();
    table.integer('line').notNullable();
    table
      .string('hash', 64)
      .notNullable()
      .comment('Hash of the entity as given to the catalog');
    table.index(['source_id', 'repository'], 'ingestion_entities_repo_idx');
  });

  await knex.schema.createTable('ingestion_problems', table => {
    table.comment(
      'Problems outstanding from the latest read of each repository or file',
    );
    table.bigIncrements('id');
    table.string('source_id', 255).notNullable();
    table.string('repository', 255).nullable();
    table.text('file').nullable();
    table.integer('line').nullable();
    table.string('entity_ref', 512).nullable();
    table.text('message').notNullable();
    table.timestamp('found_at', { useTz: true }).notNullable();
    table.index(['source_id', 'repository'], 'ingestion_problems_repo_idx');
    table.index(['entity_ref'], 'ingestion_problems_entity_idx');
  });

  await knex.schema.createTable('ingestion_runs', table => {
    table.comment('One row per ingestion run (full scan or one repository)');
    table.bigIncrements('id');
    table.string('source_id', 255).notNullable();
    table.string('trigger', 32).notNullable();
    table.string('repository', 255).nullable();
    table.timestamp('started_at', { useTz: true }).notNullable();
    table.timestamp('finished_at', { useTz: true }).nullable();
    table.integer('duration_ms').nullable();
    table.string('status', 16).notNullable();
    table.integer('repositories').notNullable().defaultTo(0);
    table.integer('repositories_read').notNullable().defaultTo(0);
    table.integer('entities_found').notNullable().defaultTo(0);
    table.integer('added').notNullable().defaultTo(0);
    table.integer('changed').notNullable().defaultTo(0);
    table.integer('removed').notNullable().defaultTo(0);
    table.integer('error_count').notNullable().defaultTo(0);
    table
      .text('errors')
      .nullable()
      .comment('JSON array of the first errors of the run');
    table.text('message').nullable();
    table.index(['source_id', 'started_at'], 'ingestion_runs_source_idx');
    table.index(['started_at'], 'ingestion_runs_started_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('ingestion_runs');
  await knex.schema.dropTable('ingestion_problems');
  await knex.schema.dropTable('ingestion_entities');
  await knex.schema.dropTable('ingestion_repositories');
};
