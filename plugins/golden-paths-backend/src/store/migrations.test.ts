import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { TestDatabases } from '@backstage/backend-test-utils';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });
const directory = resolvePackagePath(
  '@internal/plugin-golden-paths-backend',
  'migrations',
);

describe('migrations', () => {
  it('run up, down and up again', async () => {
    const knex = await databases.init('POSTGRES_15');
    await knex.migrate.latest({ directory });
    expect(await knex.schema.hasTable('golden_gate_audit')).toBe(true);
    await knex.migrate.rollback({ directory }, true);
    for (const table of [
      'golden_path_runs',
      'golden_gate_requests',
      'golden_gate_audit',
    ]) {
      expect(await knex.schema.hasTable(table)).toBe(false);
    }
    await knex.migrate.latest({ directory });
    expect(await knex.schema.hasTable('golden_path_runs')).toBe(true);
  });
});
