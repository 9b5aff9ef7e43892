import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import { dropDatabases, eventually } from '@internal/backend-test-utils';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import dxPlugin from '../index';
import {
  checkout,
  DAY,
  ledger,
  NOW,
  TOKEN,
} from './__testUtils__/historyFixtures';
import {
  startGithubHistoryStandIn,
  type StandIn,
} from './__testUtils__/historyStandIns';

// A fresh portal pointed at a GitHub organisation (a local stand-in) reads
// its history on its own and shows DORA for the last 90 days, with the
// backfill's progress on the API: the catalog and the DX plugin on
// PostgreSQL.

jest.setTimeout(180_000);

const CONNECTION =
  process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;
const as = () => mockCredentials.service.header();

const CATALOG = `
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: checkout
  annotations:
    github.com/project-slug: acme/checkout
spec: { type: service, lifecycle: production, owner: team-a }
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ledger
  annotations:
    github.com/project-slug: acme/ledger
spec: { type: service, lifecycle: production, owner: team-a }
`;

describe('DX history backfill on the real stack', () => {
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  let github: StandIn;
  let dir: string;
  const prefix = `portal_dx_backfill_${process.pid}_${Date.now().toString(
    36,
  )}_`;

  beforeAll(async () => {
    if (!CONNECTION) throw new Error('these tests need the real PostgreSQL');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dx-backfill-'));
    fs.writeFileSync(path.join(dir, 'catalog.yaml'), CATALOG);
    github = await startGithubHistoryStandIn({
      org: 'acme',
      token: TOKEN,
      repos: [checkout(), ledger()],
    });
    backend = await startTestBackend({
      features: [
        catalogPlugin,
        dxPlugin,
        schedulerServiceFactory,
        mockServices.rootConfig.factory({
          data: {
            backend: {
              baseUrl: 'http://localhost:7007',
              database: { client: 'pg', connection: CONNECTION, prefix },
            },
            integrations: {
              github: [
                {
                  host: 'github.test',
                  apiBaseUrl: `${github.url}/api/v3`,
                  token: TOKEN,
                },
              ],
            },
            catalog: {
              processingInterval: { seconds: 1 },
              rules: [{ allow: ['Component', 'Location'] }],
              locations: [
                { type: 'file', target: path.join(dir, 'catalog.yaml') },
              ],
              ingestion: {
                sources: [
                  {
                    id: 'acme-github',
                    type: 'github',
                    host: 'github.test',
                    org: 'acme',
                  },
                ],
              },
            },
            dx: {
              backfill: { frequencySeconds: 1, perPage: 10 },
              rollups: { frequencySeconds: 1 },
            },
          },
        }),
      ],
    });
  });
  afterAll(async () => {
    await backend?.stop();
    await github?.close();
    if (CONNECTION) await dropDatabases(CONNECTION, prefix);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const get = (url: string) =>
    request(backend.server).get(url).set('Authorization', as());

  it('reads 90 days of history on its own, and shows its progress', async () => {
    for (const [method, url] of [
      ['get', '/api/dx/backfill'],
      ['post', '/api/dx/backfill'],
    ] as const) {
      const res = await request(backend.server)
        [method](url)
        .set('Authorization', mockCredentials.none.header())
        .send({ sourceId: 'acme-github' });
      expect([url, res.status]).toEqual([url, 401]);
    }
    const run = await eventually(
      'the first backfill is done',
      async () => {
        const { body } = await get('/api/dx/backfill');
        return body.runs?.[0]?.state === 'done' ? body : undefined;
      },
      { timeoutMs: 120_000 },
    );
    expect(run.sources).toEqual(['acme-github']);
    expect(run.runs[0]).toMatchObject({
      sourceId: 'acme-github',
      requestedBy: 'first start',
      repositories: { total: 2, done: 2, failed: 0 },
    });
    expect(run.runs[0].events).toBeGreaterThan(60);
    expect(
      Date.parse(run.runs[0].to) - Date.parse(run.runs[0].from),
    ).toBeCloseTo(90 * DAY, -5);

    // DORA of the last 90 days, from the history alone.
    const from = new Date(NOW - 90 * DAY).toISOString();
    const to = new Date(NOW + 60_000).toISOString();
    const dora = await eventually('checkout has its DORA', async () => {
      const res = await get(
        `/api/dx/metrics/dora?entityRef=component:default/checkout&from=${from}&to=${to}`,
      );
      return res.status === 200 && res.body.deploymentFrequency.deployments > 0
        ? res.body
        : undefined;
    });
    // 10 deployments, one failed; each shipped a merge with its commits.
    expect(dora.deploymentFrequency).toMatchObject({
      deployments: 9,
      excluded: { failed: 1, notProduction: 0 },
    });
    expect(dora.leadTime.changes).toBeGreaterThan(0);
    expect(dora.leadTime.medianMs).toBeGreaterThan(0);
    expect(dora.changeFailureRate.deployments).toBe(9);
  });

  it('starts a backfill on demand and refuses a bad one with why', async () => {
    const post = (body: object) =>
      request(backend.server)
        .post('/api/dx/backfill')
        .set('Authorization', as())
        .send(body);
    const started = await post({
      sourceId: 'acme-github',
      repository: 'ledger',
      from: new Date(NOW - 30 * DAY).toISOString(),
    });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({
      state: 'listing',
      repository: 'ledger',
    });
    const unknown = await post({ sourceId: 'nowhere' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toContain(
      'is not a source whose history can be read (acme-github)',
    );
    const backwards = await post({
      sourceId: 'acme-github',
      from: '2026-12-01T00:00:00Z',
      to: '2026-11-01T00:00:00Z',
    });
    expect(backwards.status).toBe(400);
    expect(backwards.body.error.message).toBe('from: must be before to');
    const extra = await post({ sourceId: 'acme-github', days: 3 });
    expect(extra.status).toBe(400);
    expect(extra.body.error.message).toContain('days');
    await eventually('the on-demand run is done', async () => {
      const { body } = await get('/api/dx/backfill');
      return body.runs[0].state === 'done' ? true : undefined;
    });
  });
});
