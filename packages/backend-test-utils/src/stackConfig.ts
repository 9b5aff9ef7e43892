import type { JsonObject } from '@backstage/types';

/** A schedule that never fires during a test: work runs when a test asks. */
export const MANUAL_SCHEDULE = {
  frequency: { hours: 24 },
  timeout: { minutes: 5 },
  initialDelay: { hours: 24 },
};

/**
 * The configuration of a portal stack in a test: each plugin's database on
 * the real PostgreSQL under `prefix` (or, with `sqliteDirectory`, one
 * SQLite file per plugin there, as `./portal start` runs), events between plugins in-process,
 * the catalog reading `locations` (files) with every kind in `kinds`,
 * processing each second, and repository discovery reading `reposDir` as
 * the ingestion source `local-repos` (scanned on request only), without
 * the ingestion canary unless `canary` is given.
 */
export function stackConfig(options: {
  /** PostgreSQL; unused with `sqliteDirectory`. */
  connection?: string;
  prefix: string;
  /** SQLite files in this directory instead of PostgreSQL. */
  sqliteDirectory?: string;
  locations: string[];
  kinds: string[];
  reposDir: string;
  /** More ingestion sources next to `local-repos`. */
  sources?: JsonObject[];
  /** The ingestion canary (`catalog.ingestion.canary`); default off. */
  canary?: JsonObject;
}): JsonObject {
  return {
    backend: {
      baseUrl: 'http://localhost:7007',
      database: options.sqliteDirectory
        ? {
            client: 'better-sqlite3',
            connection: { directory: options.sqliteDirectory },
          }
        : {
            client: 'pg',
            connection: options.connection,
            prefix: options.prefix,
          },
    },
    app: { baseUrl: 'http://localhost:3000' },
    events: { useEventBus: 'never' },
    catalog: {
      processingInterval: { seconds: 1 },
      rules: [{ allow: options.kinds }],
      locations: options.locations.map(target => ({ type: 'file', target })),
      ingestion: {
        sources: [
          {
            id: 'local-repos',
            type: 'local',
            path: options.reposDir,
            schedule: MANUAL_SCHEDULE,
          },
          ...(options.sources ?? []),
        ],
        canary: options.canary ?? { intervalSeconds: 0 },
      },
    },
  };
}
