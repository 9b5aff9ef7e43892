import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { CatalogQueue } from './CatalogQueue';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });

describe('CatalogQueue', () => {
  it("moves pushed entities to the front of the catalog's processing queue", async () => {
    const knex = await databases.init('POSTGRES_15');
    // The catalog's own schema, from its own migrations.
    await knex.migrate.latest({
      directory: resolvePackagePath(
        '@backstage/plugin-catalog-backend',
        'migrations',
      ),
    });
    const overdue = new Date(Date.now() - 3600_000);
    const row = (ref: string) => ({
      entity_id: ref,
      entity_ref: ref,
      unprocessed_entity: '{}',
      errors: '[]',
      next_update_at: overdue,
      last_discovery_at: overdue,
    });
    await knex('refresh_state').insert([
      row('component:default/backlog'),
      row('component:default/orders-api'),
    ]);
    await new CatalogQueue(knex, mockServices.logger.mock()).prioritize([
      'Component:default/Orders-API',
    ]);
    // The next poll (oldest due first) takes the pushed entity first.
    const queue = await knex('refresh_state')
      .orderBy('next_update_at')
      .pluck('entity_ref');
    expect(queue).toEqual([
      'component:default/orders-api',
      'component:default/backlog',
    ]);
  });

  it('without the catalog schema it warns once and never fails the change', async () => {
    const knex = await databases.init('POSTGRES_15');
    const logger = mockServices.logger.mock();
    const queue = new CatalogQueue(knex, logger);
    await queue.prioritize(['component:default/a']);
    await queue.prioritize(['component:default/b']);
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(logger.warn.mock.calls[0][0]).toMatch(/processed in queue order/);
  });
});
