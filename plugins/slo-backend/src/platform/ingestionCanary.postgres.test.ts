import { createBackendModule } from '@backstage/backend-plugin-api';
import { mockCredentials } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import type { IngestionHealth } from '@internal/plugin-catalog-ingestion-common';
import type { SloSummary } from '@internal/plugin-slo-common';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { eventually as waitFor } from '@internal/backend-test-utils';
import {
  eventually,
  startSloBackend,
  type SloTestBackend,
} from '../__testUtils__/startSloBackend';

/*
 * The ingestion SLO measures what people wait for: the canary's change
 * shown by the catalog API. When the catalog stops making changes visible
 * (here: a processor that refuses the canary's entity, as a stalled or
 * broken processing loop would leave it), the SLO turns red although every
 * scan of the sources still succeeds.
 */

jest.setTimeout(400_000);

const ALICE = 'user:default/alice';
const as = () => mockCredentials.user.header(ALICE);

const ORG = `
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: { name: platform-team }
spec: { type: team, children: [] }
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: { name: platform-portal }
spec: { type: service, lifecycle: production, owner: platform-team }
`;

const PLATFORM_SLOS = `
apiVersion: openslo/v1
kind: SLO
metadata:
  name: ingestion-visibility
spec:
  service: platform-portal
  indicator:
    metadata: { name: ingestion-canaries }
    spec:
      ratioMetric:
        good: { metricSource: { type: Portal, spec: { metric: ingestion-visibility } } }
        total: { metricSource: { type: Portal, spec: { metric: ingestion-visibility } } }
  timeWindow: [{ duration: 1d, isRolling: true }]
  budgetingMethod: Occurrences
  objectives: [{ target: 0.9 }]
`;

/** Set to make the catalog stop processing the canary's entity. */
let stalled = false;

const stallingProcessor = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'test-stall',
  register(env) {
    env.registerInit({
      deps: { catalog: catalogProcessingExtensionPoint },
      async init({ catalog }) {
        catalog.addProcessor({
          getProcessorName: () => 'TestStall',
          async preProcessEntity(entity: Entity) {
            if (stalled && entity.metadata.name === 'ingestion-canary')
              throw new Error('processing stalled (test)');
            return entity;
          },
        });
      },
    });
  },
});

describe('the ingestion SLO counts the canary', () => {
  let backend: SloTestBackend;
  let dir: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slo-canary-'));
    fs.writeFileSync(path.join(dir, 'org.yaml'), ORG);
    fs.writeFileSync(path.join(dir, 'platform.yaml'), PLATFORM_SLOS);
    backend = await startSloBackend({
      locations: [path.join(dir, 'org.yaml')],
      // A generous timeout: the test is about the SLO following the
      // canaries, not about how fast a machine shared with other suites is.
      canary: { intervalSeconds: 1, timeoutSeconds: 10 },
      features: [stallingProcessor],
      slo: {
        platform: {
          file: path.join(dir, 'platform.yaml'),
          entityRef: 'component:default/platform-portal',
        },
      },
    });
  });
  afterAll(async () => {
    await backend?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const health = async () =>
    (
      await request(backend.server)
        .get(
          `/api/catalog/ingestion/health?from=${new Date(
            Date.now() - 3_600_000,
          ).toISOString()}`,
        )
        .set('Authorization', as())
    ).body as IngestionHealth;
  const slo = async () =>
    (
      (
        await request(backend.server)
          .get('/api/slo/slos?entityRef=component:default/platform-portal')
          .set('Authorization', as())
      ).body.items as SloSummary[]
    ).find(s => s.name === 'ingestion-visibility');

  it('is green while changes show, red once the catalog stops showing them', async () => {
    // Changes show: canaries are visible within the 10 s timeout (one at
    // start-up, while the catalog processes everything, may be late).
    const seen = await eventually('visible canaries', async () => {
      const h = await health();
      return (h.canary?.visible ?? 0) >= 3 ? h.canary : undefined;
    });
    expect(seen!.visible).toBeGreaterThanOrEqual(seen!.total - 1);
    expect(seen!.medianMs).toBeLessThanOrEqual(10_000);
    // The evaluator reads whole minutes: green within two of them.
    await waitFor(
      'the SLO green',
      async () => {
        const s = await slo();
        return s?.state === 'ok' ? s : undefined;
      },
      { timeoutMs: 150_000, intervalMs: 500 },
    );

    // The catalog stops making the canary's changes visible.
    stalled = true;
    const missed = await waitFor(
      'missed canaries',
      async () => {
        const h = await health();
        const c = h.canary;
        return c && c.total - c.visible >= 3 ? c : undefined;
      },
      { timeoutMs: 150_000, intervalMs: 500 },
    );
    expect(missed.last?.visibleAfterMs).toBeUndefined();
    // Every scan of the sources still succeeds meanwhile.
    expect((await health()).failed).toBe(0);
    const red = await waitFor(
      'the SLO turned red',
      async () => {
        const s = await slo();
        return s?.state === 'breaching' ? s : undefined;
      },
      { timeoutMs: 150_000, intervalMs: 500 },
    );
    expect(red.state).toBe('breaching');
  });
});
