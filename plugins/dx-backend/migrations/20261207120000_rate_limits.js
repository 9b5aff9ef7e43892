// @ts-check

/**
 * DX: rate-limit counters every replica shares (KnexRateLimitStore of
 * @internal/request-limits), one row per caller and endpoint.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('dx_rate_limits', table => {
    table.comment('Requests per caller and endpoint in the current window');
    table
      .string('key', 300)
      .primary()
      .comment('Endpoint and caller (a hash of the identity, or the address)');
    table
      .bigInteger('window_start')
      .notNullable()
      .comment('Start of the counting window, in ms since the epoch');
    table.integer('hits').notNullable().comment('Requests in the window');
    table.index(['window_start'], 'dx_rate_limits_window');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('dx_rate_limits');
};
