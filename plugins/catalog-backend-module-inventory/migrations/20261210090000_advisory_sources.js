// @ts-check

/**
 * Dependency inventory: what was last downloaded from each advisory source
 * read from a URL (or a local archive), so that the next read asks only for
 * a changed archive (If-None-Match / If-Modified-Since). Kept in the database
 * so that every replica sees it.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('inventory_advisory_sources', table => {
    table.comment(
      'The last complete read of each advisory source downloaded from a URL',
    );
    table
      .string('source_id', 255)
      .primary()
      .comment('Id of the source (catalog.ingestion.advisories.sources[].id)');
    table
      .text('location')
      .notNullable()
      .comment('URL or file read; a source that moved is read again in full');
    table
      .string('etag', 1024)
      .nullable()
      .comment('ETag of the last download, sent as If-None-Match');
    table
      .string('last_modified', 64)
      .nullable()
      .comment('Last-Modified of the last download, sent as If-Modified-Since');
    table
      .timestamp('fetched_at', { useTz: true })
      .notNullable()
      .comment('When the source was last read in full');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('inventory_advisory_sources');
};
