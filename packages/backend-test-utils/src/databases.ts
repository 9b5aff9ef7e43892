import knexFactory from 'knex';

/**
 * Drops every PostgreSQL database whose name starts with `prefix` (the
 * per-plugin databases a test backend made), even with open connections.
 * Returns how many it dropped.
 */
export async function dropDatabases(
  connection: string,
  prefix: string,
): Promise<number> {
  const admin = knexFactory({ client: 'pg', connection });
  try {
    const { rows } = await admin.raw(
      'select datname from pg_database where datname like ?',
      [`${prefix.replace(/[\\%_]/g, c => `\\${c}`)}%`],
    );
    for (const { datname } of rows)
      await admin.raw('drop database if exists ?? with (force)', [datname]);
    return rows.length;
  } finally {
    await admin.destroy();
  }
}
