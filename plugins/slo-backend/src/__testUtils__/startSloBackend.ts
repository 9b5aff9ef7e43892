import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import catalogModuleScaffolderEntityModel from '@backstage/plugin-catalog-backend-module-scaffolder-entity-model';
import { eventsServiceFactory } from '@backstage/plugin-events-node';
import notificationsPlugin from '@backstage/plugin-notifications-backend';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import catalogModuleIngestion from '@internal/plugin-catalog-backend-module-ingestion';
import type { JsonObject } from '@backstage/types';
import type { BackendFeature } from '@backstage/backend-plugin-api';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  commitFiles,
  dropDatabases,
  eventually as waitFor,
  stackConfig,
} from '@internal/backend-test-utils';
import sloPlugin from '../index';

const CONNECTION =
  process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;

/**
 * Scheduled work runs every 2 s (the scheduler looks for due work every
 * 5 s), so tests wait for its effects.
 */
const OFTEN = 2000;

export interface SloTestBackend {
  server: Awaited<ReturnType<typeof startTestBackend>>['server'];
  /** Where the ingestion source reads repositories. */
  reposDir: string;
  commitRepository(name: string, files: Record<string, string>): void;
  stop(): Promise<void>;
}

/**
 * The real stack of SLOs on PostgreSQL: catalog with repository ingestion
 * (reading `reposDir`), scaffolder, notifications, events and the SLO
 * plugin, each plugin with its own database under a unique prefix that
 * `stop()` drops.
 */
export async function startSloBackend(options: {
  /** Catalog file locations (organisation, templates). */
  locations: string[];
  slo?: JsonObject;
  /** `catalog.ingestion.canary` (default off). */
  canary?: JsonObject;
  /** More features (catalog modules, for instance). */
  features?: BackendFeature[];
}): Promise<SloTestBackend> {
  if (!CONNECTION)
    throw new Error(
      'BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING is not set: these tests need the real PostgreSQL',
    );
  const prefix = `portal_slo_${process.pid}_${Date.now().toString(36)}_`;
  const reposDir = fs.mkdtempSync(path.join(os.tmpdir(), 'slo-repos-'));
  const backend = await startTestBackend({
    features: [
      catalogPlugin,
      catalogModuleScaffolderEntityModel,
      catalogModuleIngestion,
      scaffolderPlugin,
      notificationsPlugin,
      eventsServiceFactory,
      // The real scheduler, so scheduled work runs as in production.
      schedulerServiceFactory,
      sloPlugin,
      ...(options.features ?? []),
      mockServices.rootConfig.factory({
        data: {
          ...stackConfig({
            connection: CONNECTION,
            prefix,
            locations: options.locations,
            reposDir,
            canary: options.canary,
            kinds: [
              'Resource',
              'Component',
              'System',
              'Template',
              'Location',
              'Group',
              'User',
            ],
          }),
          slo: {
            sync: { frequencyMs: OFTEN },
            evaluation: { frequencyMs: OFTEN, delayMinutes: 0 },
            provisioning: { frequencyMs: OFTEN },
            ...options.slo,
            probe: {
              frequencyMs: OFTEN,
              ...((options.slo?.probe as JsonObject | undefined) ?? {}),
            },
          },
        },
      }),
    ],
  });
  const { server } = backend;
  return {
    server,
    reposDir,
    /** Commits `files` as the repository `name` under reposDir. */
    commitRepository(name: string, files: Record<string, string>) {
      commitFiles(path.join(reposDir, name), files);
    },
    async stop() {
      await backend.stop();
      // The scaffolder's claim loop wakes once more after stopping.
      await new Promise(resolve => setTimeout(resolve, 1500));
      fs.rmSync(reposDir, { recursive: true, force: true });
      await dropDatabases(CONNECTION, prefix);
    },
  };
}

/** Waits until `check` returns a value (45 s at most). */
export function eventually<T>(
  what: string,
  check: () => Promise<T | undefined>,
): Promise<T> {
  return waitFor(what, check, { timeoutMs: 45_000, intervalMs: 200 });
}
