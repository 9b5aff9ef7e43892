/*
 * The module no longer reaches into the catalog's tables: this removes what
 * earlier versions installed there (the removal-counting trigger and its
 * function, two partial indexes) and the counter table of the read cache.
 * Dropping the function with CASCADE drops the trigger that calls it.
 */

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  if (knex.client.config.client === 'pg') {
    await knex.raw(
      'DROP FUNCTION IF EXISTS portal_count_catalog_removal() CASCADE',
    );
    await knex.raw('DROP INDEX IF EXISTS portal_final_entities_present_idx');
    await knex.raw('DROP INDEX IF EXISTS portal_search_name_idx');
  }
  await knex.schema.dropTableIfExists('ingestion_catalog_removals');
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.createTable('ingestion_catalog_removals', table => {
    table.comment('Transactions that removed published catalog entities');
    table.integer('id').primary();
    table.bigInteger('removals').notNullable();
  });
  await knex('ingestion_catalog_removals').insert({ id: 1, removals: 0 });
};
