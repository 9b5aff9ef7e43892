import {
  mockServices,
  startTestBackend,
  TestDatabases,
  type TestBackend,
} from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';

type TestKnex = Awaited<ReturnType<TestDatabases['init']>>;

/**
 * Starts the catalog plugin alone on a test database, reading the given
 * files as `file` locations and processing them every second.
 */
export async function startTestCatalog(
  knex: TestKnex,
  options: { allowKinds: string[]; files: string[] },
): Promise<TestBackend['server']> {
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
