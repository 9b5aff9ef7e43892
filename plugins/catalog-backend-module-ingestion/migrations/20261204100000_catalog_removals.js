/*
 * Superseded: 20261207100000_drop_catalog_hooks.js removes all of this.
 * A counter of transactions that removed published catalog entities, for
 * the catalog read cache (src/service/catalogReadCache.ts). Together with
 * the catalog's own publication generation (catalog_generation_counter,
 * bumped at commit for every entity written) it tells whether anything a
 * reader can see changed. The trigger on final_entities that calls this
 * function is created when the cache is first used, since the catalog's
 * tables do not exist yet when this module's migrations run.
 */

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.createTable('ingestion_catalog_removals', table => {
    table.comment('Transactions that removed published catalog entities');
    table.integer('id').primary();
    table.bigInteger('removals').notNullable();
    if (knex.client.config.client === 'pg') {
      table.specificType('last_xid', 'xid8');
    }
  });
  await knex('ingestion_catalog_removals').insert({ id: 1, removals: 0 });
  // PostgreSQL only: elsewhere (SQLite in development) the cache is off.
  if (knex.client.config.client !== 'pg') return;
  // Counted once per transaction, at commit (the trigger is deferred): the
  // counter row is locked only while the removing transaction commits.
  await knex.raw(`
    CREATE OR REPLACE FUNCTION portal_count_catalog_removal() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path FROM CURRENT
    AS $$
    BEGIN
      UPDATE ingestion_catalog_removals
         SET removals = removals + 1, last_xid = pg_current_xact_id()
       WHERE id = 1 AND last_xid IS DISTINCT FROM pg_current_xact_id();
      RETURN NULL;
    END
    $$`);
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  if (knex.client.config.client === 'pg') {
    // CASCADE also drops the trigger that calls it.
    await knex.raw(
      'DROP FUNCTION IF EXISTS portal_count_catalog_removal() CASCADE',
    );
  }
  await knex.schema.dropTable('ingestion_catalog_removals');
};
