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

  it('marks approved requests whose task already ran again as used by it', async () => {
    const knex = await databases.init('POSTGRES_15');
    await knex.migrate.up({ directory }); // the first one only
    const now = new Date();
    const gate = (taskId: string, status: string) => ({
      task_id: taskId,
      template_ref: 'template:default/postgres-database',
      requester: 'user:default/alice',
      parameters: JSON.stringify({ storageGb: 250 }),
      reasons: JSON.stringify([]),
      status,
      created_at: now,
      decided_at: status === 'pending' ? null : now,
    });
    const run = (taskId: string, attempts: number, status: string) => ({
      task_id: taskId,
      template_ref: 'template:default/postgres-database',
      status,
      created_at: now,
      attempt_started_at: now,
      attempts,
    });
    await knex('golden_gate_requests').insert([
      gate('retried', 'approved'),
      gate('approved-waiting', 'approved'),
      gate('pending', 'pending'),
    ]);
    await knex('golden_path_runs').insert([
      run('retried', 2, 'completed'),
      run('approved-waiting', 1, 'approved'),
      run('pending', 1, 'awaiting-approval'),
    ]);
    await knex.migrate.latest({ directory });
    const rows = await knex('golden_gate_requests')
      .orderBy('task_id')
      .select('task_id', 'continued_task_id');
    expect(rows).toEqual([
      { task_id: 'approved-waiting', continued_task_id: null },
      { task_id: 'pending', continued_task_id: null },
      { task_id: 'retried', continued_task_id: 'retried' },
    ]);
  });
});
