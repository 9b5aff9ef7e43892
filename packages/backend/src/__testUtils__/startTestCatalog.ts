import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
  type TestBackend,
} from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import type { Entity } from '@backstage/catalog-model';
import request from 'supertest';

type TestKnex = Awaited<ReturnType<TestDatabases['init']>>;
type TestServer = TestBackend['server'];

/**
 * Starts the catalog plugin alone on a test database, reading the given
 * files as `file` locations and processing them every second.
 */
export async function startTestCatalog(
  knex: TestKnex,
  options: { allowKinds: string[]; files: string[] },
): Promise<TestServer> {
  const { server } = await startTestBackend({
    features: [
      catalogPlugin,
      mockServices.database.factory({ knex }),
      mockServices.rootConfig.factory({
        data: {
          catalog: {
            rules: [{ allow: options.allowKinds }],
            processingInterval: { seconds: 1 },
            locations: options.files.map(target => ({ type: 'file', target })),
          },
        },
      }),
    ],
  });
  return server;
}

/** Every entity the catalog serves to a signed-in user (up to 1000). */
export async function listEntities(server: TestServer): Promise<Entity[]> {
  const res = await request(server)
    .get('/api/catalog/entities/by-query?limit=1000')
    .set({ Authorization: mockCredentials.user.header() });
  if (res.status !== 200) {
    throw new Error(`catalog answered ${res.status}: ${res.text}`);
  }
  return res.body.items;
}
