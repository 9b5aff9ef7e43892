/*
 * The Markdown docs of each repository. This migration also created the
 * dependency inventory's tables (ingestion_sboms, ingestion_packages) until
 * they moved to the inventory module, whose own migrations create them
 * when missing (plugins/catalog-backend-module-inventory/migrations): the
 * file stays because installations have it recorded.
 */

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.createTable('ingestion_docs', table => {
    table.comment(
      'README and docs/**/*.md of each repository, as of the commit last read',
    );
    table.string('source_id', 255).notNullable();
    table.string('repository', 255).notNullable();
    table.string('path', 1024).notNullable();
    table.string('title', 512).notNullable();
    table.text('markdown').notNullable();
    table.primary(['source_id', 'repository', 'path']);
  });
  await knex.schema.createTable('ingestion_doc_assets', table => {
    table.comment('Images the docs of a repository show');
    table.string('source_id', 255).notNullable();
    table.string('repository', 255).notNullable();
    table.string('path', 1024).notNullable();
    table.string('content_type', 64).notNullable();
    table.binary('data').notNullable();
    table.primary(['source_id', 'repository', 'path']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('ingestion_doc_assets');
  await knex.schema.dropTable('ingestion_docs');
};
