// @ts-check

/**
 * Dependency inventory: the matches nobody was told about yet, found by an
 * index (the notification task asks every minute; without it each ask
 * reads every match).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('inventory_vulnerabilities', table => {
    table.index(['entity_ref'], 'inventory_vulnerabilities_unnotified_idx', {
      predicate: knex.whereNull('notified_at'),
    });
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('inventory_vulnerabilities', table => {
    table.dropIndex([], 'inventory_vulnerabilities_unnotified_idx');
  });
};
