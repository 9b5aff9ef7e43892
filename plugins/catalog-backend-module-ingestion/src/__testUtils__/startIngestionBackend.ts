import {
  mockServices,
  startTestBackend,
  type TestBackend,
  type TestDatabases,
} from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import type { JsonObject } from '@backstage/types';
import catalogModuleIngestion from '../index';

/** A database of TestDatabases, as the PostgreSQL tests use it. */
export type TestKnex = Awaited<ReturnType<TestDatabases['init']>>;

/** A schedule that never fires during a test: scans run through the rescan API. */
export const MANUAL_SCHEDULE = {
  frequency: { hours: 24 },
  timeout: { minutes: 5 },
  initialDelay: { hours: 24 },
};

/** App config with one source that finds nothing, and more catalog settings. */
export function noRepositoriesConfig(catalog: JsonObject = {}): JsonObject {
  return {
    catalog: {
      ...catalog,
      ingestion: {
        sources: [
          {
            id: 'none',
            type: 'local',
            path: '/nonexistent',
            schedule: MANUAL_SCHEDULE,
          },
        ],
      },
    },
  };
}

/**
 * Starts the catalog with this module on a test database. `config` is the
 * app config; the catalog processes every second unless it says otherwise.
 */
export async function startIngestionBackend(
  knex: TestKnex,
  config: JsonObject,
  /** More features, e.g. a service factory that replaces a default mock. */
  extraFeatures: Parameters<typeof startTestBackend>[0]['features'] = [],
): Promise<TestBackend['server']> {
  const catalog = (config.catalog ?? {}) as JsonObject;
  const { server } = await startTestBackend({
    features: [
      catalogPlugin,
      catalogModuleIngestion,
      ...(extraFeatures ?? []),
      mockServices.database.factory({ knex }),
      mockServices.rootConfig.factory({
        data: {
          ...config,
          catalog: { processingInterval: { seconds: 1 }, ...catalog },
        },
      }),
    ],
  });
  return server;
}
