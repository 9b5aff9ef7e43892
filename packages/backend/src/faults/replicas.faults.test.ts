import { sign } from '@octokit/webhooks-methods';
import {
  callBackend,
  commitFiles,
  eventually,
  startBackendProcess,
  startDedicatedPostgres,
  type BackendProcess,
  type DedicatedPostgres,
} from '@internal/backend-test-utils';
import knexFactory from 'knex';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/*
 * Two backend replicas on one database: each scheduled job runs once per
 * interval across both, webhooks may land on either, and both answer the
 * same numbers.
 */

jest.setTimeout(600_000);

const repoRoot = path.resolve(__dirname, '../../../..');
const TOKEN = 'replica-suite-token-0123456789';
const SECRET = 'replica-webhook-secret';
const PREFIX = 'portal_replicas_';
const INTERVAL_SECONDS = 4;
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

const component = (name: string, description: string) => `
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: { name: ${name}, description: ${description} }
spec: { type: service, lifecycle: production, owner: platform-team }
`;

describe('two backend replicas on one database', () => {
  let pg: DedicatedPostgres;
  let a: BackendProcess;
  let b: BackendProcess;
  let dir: string;
  let reposDir: string;

  const call = (
    on: BackendProcess,
    method: string,
    url: string,
    body?: unknown,
  ) => callBackend(on, TOKEN, method, url, body);

  beforeAll(async () => {
    pg = await startDedicatedPostgres();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-replicas-'));
    reposDir = path.join(dir, 'repos');
    for (let i = 0; i < 5; i++)
      commitFiles(path.join(reposDir, `svc-${i}`), {
        'catalog-info.yaml': component(`svc-${i}`, 'first'),
      });
    const overlay = {
      backend: {
        database: { client: 'pg', connection: pg.connection, prefix: PREFIX },
      },
      catalog: {
        locations: [
          { type: 'file', target: path.join(repoRoot, 'demo/org.yaml') },
        ],
        rules: [{ allow: ['Component', 'Location', 'User', 'Group'] }],
        ingestion: {
          sources: [
            {
              id: 'local-repos',
              type: 'local',
              path: reposDir,
              schedule: {
                frequency: `PT${INTERVAL_SECONDS}S`,
                timeout: 'PT1M',
                initialDelay: 'PT1S',
              },
            },
          ],
          webhooks: { github: { secret: SECRET } },
        },
      },
      dx: {
        demo: { enabled: false },
        github: { webhookSecret: SECRET },
        rollups: { frequencySeconds: INTERVAL_SECONDS },
      },
      slo: { evaluation: { frequencyMs: INTERVAL_SECONDS * 1000 } },
      search: {
        collators: {
          catalog: {
            schedule: {
              frequency: 'PT1H',
              timeout: 'PT15M',
              initialDelay: 'PT1H',
            },
          },
        },
      },
    };
    // The first replica creates the schema; the second joins it.
    a = await startBackendProcess({
      repoRoot,
      name: 'replica-a',
      overlay,
      env: { PORTAL_API_TOKEN: TOKEN },
    });
    b = await startBackendProcess({
      repoRoot,
      name: 'replica-b',
      overlay,
      env: { PORTAL_API_TOKEN: TOKEN },
    });
  });

  afterAll(async () => {
    await Promise.all([a?.kill(), b?.kill()]);
    await pg?.destroy();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('runs each scheduled job once per interval across both replicas (repository scan, SLO evaluation, DX roll-ups)', async () => {
    const catalogDb = knexFactory({
      client: 'pg',
      connection: `${pg.connection}/${PREFIX}catalog`,
    });
    const sloDb = knexFactory({
      client: 'pg',
      connection: `${pg.connection}/${PREFIX}slo`,
    });
    try {
      // A replica that starts registers the task again and may bring its
      // next run forward once; count from after both have settled.
      await sleep(3 * INTERVAL_SECONDS * 1000);
      const since = new Date();
      const windowMs = 40_000;
      // An event a second, on either replica, so that every roll-up run
      // has an entity to roll up (and logs it).
      let sent = 0;
      const until = Date.now() + windowMs;
      while (Date.now() < until) {
        await call(sent % 2 ? b : a, 'POST', '/api/dx/events', {
          format: 'generic',
          events: [
            {
              id: `rollup-${sent}`,
              type: 'deployment',
              action: 'deployed',
              timestamp: new Date().toISOString(),
              entityRef: 'component:default/svc-2',
              environment: 'production',
              outcome: 'success',
            },
          ],
        });
        sent += 1;
        await sleep(1000);
      }
      const end = new Date();
      // The stock scheduler keeps a fixed grid of start times (the next
      // start is the previous planned one plus the interval) and each
      // replica polls once per interval, so a late start can be followed
      // closely by the next planned one. What two replicas must never do is
      // run one job twice per slot (twice the runs) or two runs at once.
      const interval = (
        rows: { started_at: Date; finished_at: Date | null }[],
      ) =>
        rows.map(r => ({
          start: new Date(r.started_at).getTime(),
          end: r.finished_at ? new Date(r.finished_at).getTime() : Infinity,
        }));
      const jobs: Record<string, { start: number; end?: number }[]> = {
        scans: interval(
          await catalogDb('ingestion_runs')
            .where({ source_id: 'local-repos', trigger: 'schedule' })
            .andWhere('started_at', '>=', since)
            .orderBy('started_at')
            .select('started_at', 'finished_at'),
        ),
        evaluations: (
          await sloDb('slo_evaluation_runs')
            .andWhere('started_at', '>=', since)
            .orderBy('started_at')
            .select('started_at', 'duration_ms')
        ).map(r => ({
          start: new Date(r.started_at).getTime(),
          end: new Date(r.started_at).getTime() + r.duration_ms,
        })),
        // The DX roll-ups log each run that had work, on the replica that
        // ran it; the log has no end time.
        rollups: [a, b]
          .flatMap(replica => replica.log().split('\n'))
          .filter(line => line.includes('DX roll-ups brought up to date'))
          .map(line => new Date(/\d{4}-\d\d-\d\dT[\d:.]+Z/.exec(line)![0]))
          .filter(t => t >= since && t <= end)
          .sort((x, y) => x.getTime() - y.getTime())
          .map(t => ({ start: t.getTime() })),
      };
      const slots = windowMs / (INTERVAL_SECONDS * 1000);
      for (const [job, runs] of Object.entries(jobs)) {
        const overlapping = runs
          .slice(1)
          .filter((run, i) => run.start < (runs[i].end ?? runs[i].start));
        expect({
          job,
          runs: runs.length,
          atMostOnePerSlot: runs.length <= slots + 1,
          keptRunning: runs.length >= slots / 2,
          overlapping: overlapping.length,
        }).toEqual({
          job,
          runs: runs.length,
          atMostOnePerSlot: true,
          keptRunning: true,
          overlapping: 0,
        });
      }
    } finally {
      await catalogDb.destroy();
      await sloDb.destroy();
    }
  });

  it('takes events and webhooks on either replica and answers the same numbers on both', async () => {
    const now = Date.now();
    const events = (offset: number) =>
      Array.from({ length: 50 }, (_, i) => ({
        id: `replica-${offset + i}`,
        type: 'deployment',
        action: 'deployed',
        timestamp: new Date(now - (offset + i) * 3_600_000).toISOString(),
        entityRef: 'component:default/svc-0',
        environment: 'production',
        outcome: 'success',
      }));
    expect(
      (
        await call(a, 'POST', '/api/dx/events', {
          format: 'generic',
          events: events(0),
        })
      ).status,
    ).toBe(202);
    expect(
      (
        await call(b, 'POST', '/api/dx/events', {
          format: 'generic',
          events: events(50),
        })
      ).status,
    ).toBe(202);
    // The same batch again through the other replica: stored once.
    const again = await call(b, 'POST', '/api/dx/events', {
      format: 'generic',
      events: events(0),
    });
    expect(await again.json()).toMatchObject({ accepted: 0, duplicates: 50 });

    const dora = async (on: BackendProcess) => {
      const r = await call(
        on,
        'GET',
        `/api/dx/metrics/dora?entityRef=component:default/svc-0&from=${new Date(
          now - 10 * 86_400_000,
        ).toISOString()}&to=${new Date(now + 60_000).toISOString()}`,
      );
      expect(r.status).toBe(200);
      const body = await r.json();
      delete body.generatedAt;
      return body;
    };
    const fromA = await dora(a);
    expect(fromA.deploymentFrequency.deployments).toBe(100);
    expect(await dora(b)).toEqual(fromA);

    // A GitHub push lands on replica B; replica A serves the change. The
    // same delivery replayed to replica A is refused there.
    commitFiles(path.join(reposDir, 'svc-1'), {
      'catalog-info.yaml': component('svc-1', 'pushed'),
    });
    const body = JSON.stringify({
      ref: 'refs/heads/main',
      repository: { name: 'svc-1', default_branch: 'main' },
    });
    const deliver = (on: BackendProcess) =>
      fetch(`${on.baseUrl}/api/catalog/ingestion/webhooks/github`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-github-event': 'push',
          'x-github-delivery': 'replica-delivery-1',
          'x-hub-signature-256': '',
        },
        body,
      });
    const signed = async (on: BackendProcess) => {
      const r = await fetch(
        `${on.baseUrl}/api/catalog/ingestion/webhooks/github`,
        {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-github-event': 'push',
            'x-github-delivery': 'replica-delivery-1',
            'x-hub-signature-256': await sign(SECRET, body),
          },
          body,
        },
      );
      return r.status;
    };
    expect((await deliver(b)).status).toBe(401);
    expect(await signed(b)).toBe(200);
    expect(await signed(a)).toBe(202);
    await eventually(
      'the pushed description on replica A',
      async () => {
        const r = await call(
          a,
          'GET',
          '/api/catalog/entities/by-name/component/default/svc-1',
        );
        const entity = r.status === 200 ? await r.json() : undefined;
        return entity?.metadata?.description === 'pushed' ? true : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
  });
});
