/*
 * OpenSLO files found in repositories, stored as text for the SLO backend
 * (which parses them).
 */

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.createTable('ingestion_openslo_files', table => {
    table.comment(
      'OpenSLO files of each repository, as of the commit last read, with the entity each belongs to',
    );
    table.string('source_id', 255).notNullable();
    table.string('repository', 255).notNullable();
    table
      .string('entity_ref', 512)
      .notNullable()
      .comment('Lower-case ref of the entity the file belongs to');
    table
      .string('file', 1024)
      .notNullable()
      .comment('Path of the file inside the repository');
    table.text('content', 'longtext').notNullable();
    table.timestamp('stored_at', { useTz: true }).notNullable();
    table.primary(['source_id', 'repository', 'file']);
    table.index(['entity_ref', 'file'], 'ingestion_openslo_files_entity_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('ingestion_openslo_files');
};
