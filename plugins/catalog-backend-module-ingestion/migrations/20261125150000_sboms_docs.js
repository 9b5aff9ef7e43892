/*
 * Dependency inventory (SBOMs per component and the packages they list) and
 * the Markdown docs of each repository.
 */

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.createTable('ingestion_sboms', table => {
    table.comment('SBOMs stored per component, from repositories or uploads');
    table.bigIncrements('id');
    table
      .string('entity_ref', 512)
      .notNullable()
      .comment('Lower-case ref of the component');
    table
      .string('origin', 1024)
      .notNullable()
      .comment('repository:<source>/<repo>:<file> or upload');
    table.string('source_id', 255).nullable();
    table.string('repository', 255).nullable();
    table.string('format', 16).notNullable();
    table.timestamp('stored_at', { useTz: true }).notNullable();
    table.integer('packages').notNullable();
    table.unique(['entity_ref', 'origin'], {
      indexName: 'ingestion_sboms_entity_origin_uq',
    });
    table.index(['source_id', 'repository'], 'ingestion_sboms_repo_idx');
  });
  await knex.schema.createTable('ingestion_packages', table => {
    table.comment('Packages listed by each SBOM');
    table
      .bigInteger('sbom_id')
      .unsigned()
      .notNullable()
      .references('id')
      .inTable('ingestion_sboms')
      .onDelete('CASCADE');
    table.string('entity_ref', 512).notNullable();
    table.text('purl').notNullable();
    table.string('type', 64).notNullable();
    table.string('namespace', 512).nullable();
    table.string('name', 512).notNullable();
    table.string('version', 256).notNullable();
    table.boolean('direct').notNullable();
    table.text('licenses').nullable().comment('JSON array');
    table.index(['name'], 'ingestion_packages_name_idx');
    table.index(['sbom_id'], 'ingestion_packages_sbom_idx');
    table.index(['entity_ref'], 'ingestion_packages_entity_idx');
  });
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
  await knex.schema.dropTable('ingestion_packages');
  await knex.schema.dropTable('ingestion_sboms');
};
