// @ts-check

/**
 * SLOs: definitions (one per objective), per-minute buckets with running
 * sums (any window is two index lookups), current status, alert history,
 * the portal's own probe results and pushed batches.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('slo_definitions', table => {
    table.comment(
      'One objective of an OpenSLO SLO, or an SLO that was refused',
    );
    table.string('id', 700).primary();
    table.string('entity_ref').notNullable();
    table.string('owner_ref');
    table.string('system_ref');
    table.string('origin').notNullable();
    table.string('file');
    table.string('name').notNullable();
    table.string('source_type').notNullable();
    table.jsonb('spec').comment('SloSpec; null when the SLO was refused');
    table.text('yaml').comment('The OpenSLO text it came from');
    table.jsonb('problems').notNullable().defaultTo('[]');
    table.string('created_by');
    table
      .bigInteger('cursor_minute')
      .comment('Source data is read up to this minute (exclusive)');
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.index(['entity_ref']);
    table.index(['owner_ref']);
  });

  await knex.schema.createTable('slo_buckets', table => {
    table.comment(
      'Good and total events (or slices) per minute, with running sums',
    );
    table
      .string('slo_id', 700)
      .notNullable()
      .references('id')
      .inTable('slo_definitions')
      .onDelete('CASCADE');
    table
      .bigInteger('minute')
      .notNullable()
      .comment('Minutes since 1970 (UTC)');
    table.double('good').notNullable();
    table.double('total').notNullable();
    table.double('cum_good').notNullable();
    table.double('cum_total').notNullable();
    table.primary(['slo_id', 'minute']);
  });

  await knex.schema.createTable('slo_status', table => {
    table.comment('The latest evaluation of each SLO');
    table
      .string('slo_id', 700)
      .primary()
      .references('id')
      .inTable('slo_definitions')
      .onDelete('CASCADE');
    table.string('state').notNullable();
    table.timestamp('evaluated_at', { useTz: true }).notNullable();
    table.jsonb('budget');
    table.jsonb('burn_rates').notNullable().defaultTo('[]');
    table.jsonb('alerts').notNullable().defaultTo('[]');
    table.text('error');
  });

  await knex.schema.createTable('slo_alert_events', table => {
    table.comment('Burn-rate alerts firing and resolving');
    table.bigIncrements('id');
    table
      .string('slo_id', 700)
      .notNullable()
      .references('id')
      .inTable('slo_definitions')
      .onDelete('CASCADE');
    table.string('rule').notNullable();
    table.string('severity').notNullable();
    table.string('state').notNullable();
    table.timestamp('at', { useTz: true }).notNullable();
    table.double('long_rate').notNullable();
    table.double('short_rate').notNullable();
    table.index(['slo_id', 'at']);
  });

  await knex.schema.createTable('slo_probe_results', table => {
    table.comment('The portal probing its own endpoints');
    table.bigIncrements('id');
    table
      .bigInteger('minute')
      .notNullable()
      .comment('Minutes since 1970 (UTC)');
    table.timestamp('ts', { useTz: true }).notNullable();
    table.string('target').notNullable();
    table.boolean('ok').notNullable();
    table.integer('latency_ms').notNullable();
    table.integer('status');
    table.text('error');
    table.index(['minute']);
  });

  await knex.schema.createTable('slo_provisioning_runs', table => {
    table.comment('Finished scaffolder tasks, copied for provisioning SLOs');
    table.string('task_id').primary();
    table.string('status').notNullable();
    table.string('template_ref');
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('finished_at', { useTz: true }).notNullable();
    table.bigInteger('finished_minute').notNullable();
    table.double('duration_seconds').notNullable();
    table.index(['finished_minute']);
  });

  await knex.schema.createTable('slo_push_batches', table => {
    table.comment('Idempotency keys of pushed batches');
    table
      .string('slo_id', 700)
      .notNullable()
      .references('id')
      .inTable('slo_definitions')
      .onDelete('CASCADE');
    table.string('batch_id').notNullable();
    table.timestamp('received_at', { useTz: true }).notNullable();
    table.primary(['slo_id', 'batch_id']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  for (const t of [
    'slo_push_batches',
    'slo_provisioning_runs',
    'slo_probe_results',
    'slo_alert_events',
    'slo_status',
    'slo_buckets',
    'slo_definitions',
  ])
    await knex.schema.dropTable(t);
};
