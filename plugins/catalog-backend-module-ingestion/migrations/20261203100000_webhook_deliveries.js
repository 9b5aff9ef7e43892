/*
 * GitHub delivery ids already acted on, so a replayed delivery (the same
 * X-GitHub-Delivery) is acknowledged without a second scan.
 */

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.createTable('ingestion_webhook_deliveries', table => {
    table.comment(
      'Webhook deliveries received, by the id the sender gave them',
    );
    table.string('delivery_id', 255).primary();
    table.timestamp('received_at', { useTz: true }).notNullable().index();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('ingestion_webhook_deliveries');
};
