import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import catalogModuleScaffolderEntityModel from '@backstage/plugin-catalog-backend-module-scaffolder-entity-model';
import { eventsServiceFactory } from '@backstage/plugin-events-node';
import notificationsPlugin from '@backstage/plugin-notifications-backend';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import catalogModuleIngestion from '@internal/plugin-catalog-backend-module-ingestion';
import catalogModuleInventory from '@internal/plugin-catalog-backend-module-inventory';
// The whole stack runs in these tests, so they start the golden-paths plugin too.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import goldenPathsPlugin from '@internal/plugin-golden-paths-backend';
import type { JsonObject } from '@backstage/types';
import knexFactory, { type Knex } from 'knex';
import {
  dropDatabases,
  eventually as waitFor,
  MANUAL_SCHEDULE,
  stackConfig,
} from '@internal/backend-test-utils';
import request from 'supertest';
import scaffolderModuleGoldenPaths from '../index';

const CONNECTION =
  process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;

/** A schedule that never fires during a test: scans run through the rescan API. */
export { MANUAL_SCHEDULE };

export interface GoldenPathsTestBackend {
  server: Awaited<ReturnType<typeof startTestBackend>>['server'];
  /** Where templates publish (and ingestion discovers). */
  reposDir: string;
  /** A connection to a plugin's own database (closed by `stop()`). */
  database(pluginId: string): Knex;
  stop(): Promise<void>;
}

/**
 * The real stack of a golden path on PostgreSQL (or on SQLite files, the
 * database `./portal start` uses by default): catalog (with the
 * ingestion module reading `reposDir`), scaffolder with this module,
 * golden-paths, notifications, and events between them. Each plugin gets
 * its own database under a unique prefix, dropped by `stop()`.
 */
export async function startGoldenPathsBackend(options: {
  /** Catalog locations (file targets) for templates and the organisation. */
  locations: string[];
  config?: JsonObject;
  /** More catalog ingestion sources, next to `local-repos`. */
  sources?: JsonObject[];
  /** More backend features, e.g. the scaffolder modules the portal installs. */
  features?: Parameters<typeof startTestBackend>[0]['features'];
  /** Default postgres. */
  database?: 'postgres' | 'sqlite';
}): Promise<GoldenPathsTestBackend> {
  const sqliteDirectory =
    options.database === 'sqlite'
      ? fs.mkdtempSync(path.join(os.tmpdir(), 'golden-paths-sqlite-'))
      : undefined;
  if (!CONNECTION && !sqliteDirectory) {
    throw new Error(
      'BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING is not set: these tests need the real PostgreSQL',
    );
  }
  const prefix = `portal_gp_${process.pid}_${Date.now().toString(36)}_`;
  const reposDir = fs.mkdtempSync(
    path.join(os.tmpdir(), 'golden-paths-repos-'),
  );
  const extra = options.config ?? {};
  const testBackend = await startTestBackend({
    features: [
      catalogPlugin,
      catalogModuleScaffolderEntityModel,
      catalogModuleIngestion,
      catalogModuleInventory,
      scaffolderPlugin,
      scaffolderModuleGoldenPaths,
      goldenPathsPlugin,
      notificationsPlugin,
      eventsServiceFactory,
      ...(options.features ?? []),
      mockServices.rootConfig.factory({
        data: {
          ...stackConfig({
            connection: CONNECTION,
            prefix,
            sqliteDirectory,
            locations: options.locations,
            reposDir,
            sources: options.sources,
            kinds: [
              'Component',
              'API',
              'Resource',
              'System',
              'Template',
              'Location',
              'Group',
              'User',
            ],
          }),
          scaffolder: {
            defaultAuthor: { name: 'Portal Test', email: 'portal@example.com' },
            // As in app-config.yaml: an approved task resumes after its last
            // completed step.
            taskRecovery: { enabled: true },
          },
          ...extra,
          goldenPaths: {
            publish: { localRoot: reposDir, ingestionSource: 'local-repos' },
            ...((extra.goldenPaths as JsonObject) ?? {}),
          },
        },
      }),
    ],
  });
  const server = testBackend.server;
  const connections: Knex[] = [];
  return {
    server,
    reposDir,
    database(pluginId) {
      const knex = sqliteDirectory
        ? knexFactory({
            client: 'better-sqlite3',
            connection: {
              filename: path.join(sqliteDirectory, `${pluginId}.sqlite`),
            },
            useNullAsDefault: true,
          })
        : knexFactory({
            client: 'pg',
            connection: `${CONNECTION}/${prefix}${pluginId}`,
          });
      connections.push(knex);
      return knex;
    },
    async stop() {
      await Promise.all(connections.map(k => k.destroy()));
      await testBackend.stop();
      // The scaffolder's claim loop wakes up once more (at most 1 s) after
      // stopping; let it find its database before the database goes.
      await new Promise(resolve => setTimeout(resolve, 1500));
      fs.rmSync(reposDir, { recursive: true, force: true });
      if (sqliteDirectory) {
        fs.rmSync(sqliteDirectory, { recursive: true, force: true });
      } else {
        await dropDatabases(CONNECTION!, prefix);
      }
    },
  };
}

/** Waits until `check` returns a value, polling every 100 ms. */
export function eventually<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  return waitFor(what, check, { timeoutMs });
}

export interface TaskResult {
  id: string;
  status: string;
  output: Record<string, any>;
  events: Array<{ type: string; body: Record<string, any> }>;
}

/** Creates a task as `user` and waits until it finishes. */
export async function runTemplate(
  server: GoldenPathsTestBackend['server'],
  options: {
    templateRef: string;
    values: Record<string, unknown>;
    user: string;
  },
): Promise<TaskResult> {
  const auth = mockCredentials.user.header(options.user);
  const created = await request(server)
    .post('/api/scaffolder/v2/tasks')
    .set('Authorization', auth)
    .send({ templateRef: options.templateRef, values: options.values });
  if (created.status !== 201) {
    throw new Error(
      `task not created: ${created.status} ${JSON.stringify(created.body)}`,
    );
  }
  return waitForTask(server, created.body.id, options.user);
}

export async function waitForTask(
  server: GoldenPathsTestBackend['server'],
  id: string,
  user: string,
  previousEvents = 0,
): Promise<TaskResult> {
  const auth = mockCredentials.user.header(user);
  const task = await eventually(
    `task ${id}`,
    async () => {
      const res = await request(server)
        .get(`/api/scaffolder/v2/tasks/${id}`)
        .set('Authorization', auth);
      return ['completed', 'failed', 'cancelled'].includes(res.body.status)
        ? res.body
        : undefined;
    },
    60_000,
  );
  const events = await request(server)
    .get(`/api/scaffolder/v2/tasks/${id}/events`)
    .set('Authorization', auth);
  const completion = [...events.body]
    .reverse()
    .find((e: any) => e.type === 'completion');
  return {
    id,
    status: task.status,
    output: completion?.body?.output ?? {},
    events: events.body.slice(previousEvents),
  };
}

/** The message a failed task ended with (its completion event). */
export function failureOf(task: TaskResult): string | undefined {
  const completion = [...task.events]
    .reverse()
    .find((e: any) => e.type === 'completion');
  return completion?.body?.error?.message ?? completion?.body?.message;
}

/** The log lines of a task, one per line. */
export function taskLog(task: TaskResult): string {
  return task.events
    .filter(e => e.type === 'log')
    .map(e => e.body.message)
    .join('\n');
}
