// @ts-check

/*
 * Tables of the repository docs: the Markdown docs of each repository and
 * the images they show.
 *
 * They were created by the catalog ingestion module's migration
 * 20261125150000_sboms_docs.js until they moved here, under the same names:
 * on an installation that ran it they exist with their data, and are left
 * as they are.
 */

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  if (!(await knex.schema.hasTable('ingestion_docs'))) {
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
  }
  if (!(await knex.schema.hasTable('ingestion_doc_assets'))) {
    await knex.schema.createTable('ingestion_doc_assets', table => {
      table.comment('Images the docs of a repository show');
      table.string('source_id', 255).notNullable();
      table.string('repository', 255).notNullable();
      table.string('path', 1024).notNullable();
      table.string('content_type', 64).notNullable();
      table.binary('data').notNullable();
      table.primary(['source_id', 'repository', 'path']);
    });
  }
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTableIfExists('ingestion_doc_assets');
  await knex.schema.dropTableIfExists('ingestion_docs');
};
