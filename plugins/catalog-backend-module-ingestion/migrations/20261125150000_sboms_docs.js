/*
 * This migration created the tables of the dependency inventory
 * (ingestion_sboms, ingestion_packages) and of the repository docs
 * (ingestion_docs, ingestion_doc_assets). They moved, under the same names,
 * to the modules that use them, whose own migrations create them when
 * missing: plugins/catalog-backend-module-inventory/migrations and
 * plugins/catalog-backend-module-repository-docs/migrations. Installations
 * that ran this migration keep the tables and their data. The file stays
 * because those installations have it recorded.
 */

/** @param {import('knex').Knex} _knex */
exports.up = async function up(_knex) {};

/** @param {import('knex').Knex} _knex */
exports.down = async function down(_knex) {};
