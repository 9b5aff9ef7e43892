import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import { dropDatabases, eventually } from '@internal/backend-test-utils';
import { sign } from '@octokit/webhooks-methods';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import dxPlugin from './index';

jest.setTimeout(120_000);

const CONNECTION =
  process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;
const SECRET = 'dx-test-webhook-secret';
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
metadata: { name: payments }
spec: { type: service, lifecycle: production, owner: team-a }
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: { name: orders }
spec: { type: service, lifecycle: production, owner: team-b }
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: made
  annotations:
    portal.dev/template: template:default/typescript-service
spec: { type: service, lifecycle: production, owner: team-b }
`;

const generic = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  type: 'deployment',
  action: 'deployed',
  timestamp: '2026-11-30T10:00:00Z',
  entityRef: 'component:default/checkout',
  environment: 'production',
  outcome: 'success',
  commitSha: 'abc1234',
  ...extra,
});

describe('DX event ingestion on the real stack', () => {
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  let dir: string;
  const prefix = `portal_dx_${process.pid}_${Date.now().toString(36)}_`;

  beforeAll(async () => {
    if (!CONNECTION) throw new Error('these tests need the real PostgreSQL');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dx-'));
    fs.writeFileSync(path.join(dir, 'catalog.yaml'), CATALOG);
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
            catalog: {
              processingInterval: { seconds: 1 },
              rules: [{ allow: ['Component', 'Location', 'Group', 'User'] }],
              locations: [
                { type: 'file', target: path.join(dir, 'catalog.yaml') },
              ],
            },
            dx: {
              github: { webhookSecret: SECRET },
              rollups: { frequencySeconds: 1 },
            },
          },
        }),
      ],
    });
    await eventually('the catalog', async () => {
      const r = await request(backend.server)
        .get('/api/catalog/entities/by-name/component/default/payments')
        .set('Authorization', as());
      return r.status === 200 ? true : undefined;
    });
  });
  afterAll(async () => {
    await backend?.stop();
    if (CONNECTION) await dropDatabases(CONNECTION, prefix);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const post = (body: unknown) =>
    request(backend.server)
      .post('/api/dx/events')
      .set('Authorization', as())
      .send(body as object);

  it('refuses calls without credentials', async () => {
    for (const [method, url] of [
      ['post', '/api/dx/events'],
      ['get', '/api/dx/events'],
      ['get', '/api/dx/events/unmapped'],
    ] as const) {
      const res = await request(backend.server)
        [method](url)
        .set('Authorization', mockCredentials.none.header())
        .send({});
      expect([url, res.status]).toEqual([url, 401]);
    }
  });

  it('stores a batch once, maps each event, keeps the unmapped and refuses the bad ones by index', async () => {
    const future = new Date(Date.now() + 3600_000).toISOString();
    const batch = {
      format: 'generic',
      events: [
        generic('dep-1'),
        generic('chg-1', {
          type: 'change',
          action: 'merged',
          entityRef: undefined,
          repository: 'Acme/Checkout',
          commits: [{ sha: 'abc1234', at: '2026-11-30T08:00:00Z' }],
        }),
        generic('inc-1', {
          type: 'incident',
          action: 'reported',
          entityRef: undefined,
          service: 'ledger',
        }),
        generic('bad-1', { type: 'meeting' }),
        generic('late-1', { timestamp: future }),
        generic('nul-1', { title: 'broken \u0000 title' }),
      ],
    };
    const first = await post(batch);
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ accepted: 3, duplicates: 0 });
    expect(first.body.rejected.map((r: { index: number }) => r.index)).toEqual([
      3, 4, 5,
    ]);
    expect(first.body.rejected[2].reason).toMatch(/NUL character/);
    expect(first.body.rejected[1].reason).toMatch(/in the future/);
    expect(first.body.unmapped).toEqual([
      { index: 2, reason: 'no component named ledger' },
    ]);

    const again = await post(batch);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({
      accepted: 0,
      duplicates: 3,
      unmapped: [],
    });

    const checkout = await request(backend.server)
      .get('/api/dx/events?entityRef=component:default/checkout')
      .set('Authorization', as());
    expect(
      checkout.body.items.map((e: { key: string }) => e.key).sort(),
    ).toEqual(['generic:chg-1', 'generic:dep-1']);
    const unmapped = await request(backend.server)
      .get('/api/dx/events/unmapped')
      .set('Authorization', as());
    expect(unmapped.body.reasons).toEqual([
      { reason: 'no component named ledger', kind: 'incident', events: 1 },
    ]);
  });

  it('CDEvents map by service name', async () => {
    const res = await post({
      format: 'cdevents',
      events: [
        {
          context: {
            version: '0.4.1',
            id: 'cd-1',
            source: '/ci/deployer',
            type: 'dev.cdevents.service.deployed.0.2.0',
            timestamp: '2026-11-30T11:00:00Z',
          },
          subject: {
            id: 'payments',
            source: '/ci/deployer',
            type: 'service',
            content: {
              environment: { id: 'production' },
              artifactId: 'pkg:oci/payments@sha256%3Aabc',
            },
          },
        },
      ],
    });
    expect(res.body).toMatchObject({ accepted: 1, rejected: [], unmapped: [] });
    const events = await request(backend.server)
      .get(
        '/api/dx/events?entityRef=component:default/payments&kind=deployment',
      )
      .set('Authorization', as());
    expect(events.body.items).toEqual([
      expect.objectContaining({
        key: 'cdevents:/ci/deployer:cd-1',
        action: 'deployed',
        environment: 'production',
      }),
    ]);
  });

  it('GitHub webhooks: signature checked, delivery stored once, unused events acknowledged', async () => {
    const payload = JSON.stringify({
      action: 'created',
      deployment_status: {
        id: 42,
        state: 'success',
        environment: 'production',
        created_at: '2026-11-30T12:00:00Z',
        updated_at: '2026-11-30T12:00:05Z',
      },
      deployment: {
        id: 7,
        sha: 'def456',
        ref: 'main',
        environment: 'production',
        created_at: '2026-11-30T11:59:00Z',
      },
      repository: {
        full_name: 'acme/checkout',
        name: 'checkout',
        default_branch: 'main',
      },
      sender: { login: 'octocat' },
    });
    const deliver = async (
      body: string,
      event: string,
      delivery: string,
      signature?: string,
    ) =>
      request(backend.server)
        .post('/api/dx/webhooks/github')
        .set('content-type', 'application/json')
        .set('x-github-event', event)
        .set('x-github-delivery', delivery)
        .set('x-hub-signature-256', signature ?? (await sign(SECRET, body)))
        .send(body);

    const ok = await deliver(payload, 'deployment_status', 'delivery-1');
    expect([ok.status, ok.body.accepted, ok.body.unmapped]).toEqual([
      202,
      1,
      [],
    ]);
    const again = await deliver(payload, 'deployment_status', 'delivery-1');
    expect(again.body).toMatchObject({ accepted: 0, duplicates: 1 });
    // A captured delivery resent under a new delivery id (not signed) is
    // the same deployment status: not a second one.
    const replayed = await deliver(
      payload,
      'deployment_status',
      'delivery-replayed',
    );
    expect(replayed.body).toMatchObject({ accepted: 0, duplicates: 1 });

    const forged = await deliver(
      payload,
      'deployment_status',
      'delivery-2',
      `sha256=${'0'.repeat(64)}`,
    );
    expect(forged.status).toBe(401);
    const unused = await deliver('{"zen":"x"}', 'check_run', 'delivery-3');
    expect(unused.status).toBe(202);
    expect(unused.body.ignored).toMatch(/check_run/);
    const broken = await deliver('{"action":', 'push', 'delivery-4');
    expect(broken.status).toBe(400);

    const events = await request(backend.server)
      .get(
        '/api/dx/events?entityRef=component:default/checkout&kind=deployment',
      )
      .set('Authorization', as());
    const keys = events.body.items.map((e: { key: string }) => e.key);
    expect(keys.filter((k: string) => k.startsWith('github:'))).toHaveLength(1);
    expect(keys[0]).toMatch(/^github:deployment_status:/);
  });

  it('oversized and malformed batches are refused whole', async () => {
    const many = await post({
      format: 'generic',
      events: Array.from({ length: 10_001 }, (_, i) => generic(`m-${i}`)),
    });
    expect(many.status).toBe(400);
    expect(many.body.error.message).toMatch(/^invalid batch: events: /);
    const wrong = await post({ format: 'xml', events: [{}] });
    expect(wrong.status).toBe(400);
    const notJson = await request(backend.server)
      .post('/api/dx/events')
      .set('Authorization', as())
      .set('content-type', 'application/json')
      .send('{"format":');
    expect(notJson.status).toBe(400);
  });

  it('DORA metrics of a fixed event set, every number checked by hand', async () => {
    const H = 3_600_000;
    const ev = (
      id: string,
      type: string,
      action: string,
      timestamp: string,
      extra: Record<string, unknown> = {},
    ) => ({
      id,
      type,
      action,
      timestamp,
      entityRef: 'component:default/orders',
      ...extra,
    });
    const prod = { environment: 'production', outcome: 'success' };
    const sent = await post({
      format: 'generic',
      events: [
        ev('o-d1', 'deployment', 'deployed', '2026-10-01T10:00:00Z', prod),
        ev('o-d2', 'deployment', 'deployed', '2026-10-03T10:00:00Z', prod),
        ev('o-d3', 'deployment', 'deployed', '2026-10-05T10:00:00Z', prod),
        ev('o-f1', 'deployment', 'deployed', '2026-10-04T10:00:00Z', {
          ...prod,
          outcome: 'failure',
        }),
        ev('o-s1', 'deployment', 'deployed', '2026-10-02T10:00:00Z', {
          ...prod,
          environment: 'staging',
        }),
        ev('o-r1', 'deployment', 'rolledback', '2026-10-01T11:00:00Z', {
          environment: 'production',
        }),
        ev('o-c1', 'change', 'merged', '2026-10-01T08:00:00Z', {
          commitSha: 'aaa1111',
          commits: [{ sha: 'aaa1111', at: '2026-10-01T06:00:00Z' }],
        }),
        // The pull request and the push it made: one change.
        ev('o-c2-pr', 'change', 'merged', '2026-10-02T12:00:00Z', {
          commitSha: 'bbb2222',
          commits: [{ sha: 'bbb2222', at: '2026-10-01T12:00:00Z' }],
        }),
        ev('o-c2-push', 'change', 'merged', '2026-10-02T12:05:00Z', {
          commitSha: 'bbb2222',
          commits: [{ sha: 'bbb2222', at: '2026-10-01T12:00:00Z' }],
        }),
        ev('o-c3', 'change', 'merged', '2026-10-06T12:00:00Z', {
          commitSha: 'ccc3333',
        }),
        ev('o-i1', 'incident', 'reported', '2026-10-05T12:00:00Z', {
          incidentId: 'INC-1',
          environment: 'production',
        }),
        ev('o-i1-done', 'incident', 'resolved', '2026-10-05T14:00:00Z', {
          incidentId: 'INC-1',
          environment: 'production',
        }),
      ],
    });
    expect(sent.body).toMatchObject({
      accepted: 12,
      rejected: [],
      unmapped: [],
    });

    for (const scope of [
      'entityRef=component:default/orders',
      'owner=group:default/team-b',
    ]) {
      const res = await request(backend.server)
        .get(
          `/api/dx/metrics/dora?${scope}&from=2026-10-01T00:00:00Z&to=2026-10-08T00:00:00Z&rows=true`,
        )
        .set('Authorization', as());
      expect(res.status).toBe(200);
      const m = res.body;
      expect(m.deploymentFrequency).toEqual({
        deployments: 3,
        days: 7,
        perDay: 3 / 7,
        perWeek: 3,
        excluded: { failed: 1, notProduction: 1 },
        level: 'high',
      });
      expect(m.leadTime).toMatchObject({
        changes: 2,
        medianMs: 25 * H, // (4 h + 46 h) / 2
        p90Ms: 46 * H,
        deploymentsWithoutChanges: 1, // o-d3
        notDeployed: 1, // o-c3
        withoutCommitTimes: 0,
        level: 'high',
      });
      expect(
        m.leadTime.rows.map((r: { leadTimeMs: number }) => r.leadTimeMs / H),
      ).toEqual([4, 46]);
      expect(m.changeFailureRate).toMatchObject({
        deployments: 3,
        failed: 2, // o-d1 rolled back, o-d3 followed by INC-1
        incidentsWithoutDeployment: 0,
        level: 'low',
      });
      expect(m.changeFailureRate.rate).toBeCloseTo(2 / 3, 12);
      expect(m.recoveryTime).toMatchObject({
        incidents: 1,
        medianMs: 2 * H,
        stillOpen: 0,
        level: 'high',
      });
      expect(m.level).toBe('low');
      expect(
        m.perDay.map((d: { deployments: number }) => d.deployments),
      ).toEqual([1, 0, 1, 0, 1, 0, 0]);
      expect(m.previous.deploymentFrequency).toMatchObject({
        deployments: 0,
        level: null,
      });
      expect(m.previous.level).toBeNull();
    }
    const csv = await request(backend.server)
      .get(
        '/api/dx/metrics/dora.csv?entityRef=component:default/orders&from=2026-10-01T00:00:00Z&to=2026-10-08T00:00:00Z',
      )
      .set('Authorization', as());
    expect(csv.header['content-type']).toMatch(/^text\/csv/);
    const lines = csv.text.split('\n');
    expect(lines.slice(0, 8)).toEqual([
      'metric,value,unit,sample,level,previous,affects,problem,fix,examples',
      'deployment_frequency,3,deployments per week,3,high,0,,,,',
      'lead_time_median,25,hours,2,high,,,,,',
      'lead_time_p90,46,hours,2,,,,,,',
      `change_failure_rate,${2 / 3},share of deployments,3,low,,,,,`,
      'recovery_time_median,2,hours,1,high,,,,,',
      // No rework marked; shown without a level.
      'rework_rate,0,share of deployments,3,,,,,,',
      'overall_level,low,,,low,,,,,',
    ]);
    // Then what is missing: o-s1 went to staging, o-d3 had no commit SHA.
    expect(lines.slice(8).map(l => l.split(',', 3).join(','))).toEqual([
      'diagnostic:deployment-not-production,1,count',
      'diagnostic:deployment-without-commit-sha,1,count',
      'diagnostic:rework-without-markers,3,count',
      '',
    ]);
    expect(lines[9]).toContain('o-d3');
    expect(lines[9]).toContain('lead_time rework_rate');
    const bad = await request(backend.server)
      .get(
        '/api/dx/metrics/dora?from=2026-10-08T00:00:00Z&to=2026-10-01T00:00:00Z',
      )
      .set('Authorization', as());
    expect(bad.status).toBe(400);
  });

  it('the same numbers from the daily roll-ups: counts exact, durations within 1 %', async () => {
    const H = 3_600_000;
    const since = Date.now();
    await eventually('the roll-ups to catch up', async () => {
      const r = await request(backend.server)
        .get('/api/dx/rollups/status')
        .set('Authorization', as());
      return r.body.pendingEntities === 0 &&
        Date.parse(r.body.rolledUpAt) >= since
        ? true
        : undefined;
    });
    const range = 'from=2026-10-01T00:00:00Z&to=2026-10-08T00:00:00Z';
    const get = (q: string) =>
      request(backend.server)
        .get(`/api/dx/metrics/dora?${q}`)
        .set('Authorization', as());
    for (const scope of ['entityRef=component:default/orders', '']) {
      const rolled = (await get(`${scope}&${range}&source=rollup`)).body;
      const exact = (await get(`${scope}&${range}&source=events`)).body;
      expect([rolled.source, exact.source]).toEqual(['rollup', 'events']);
      expect(rolled.deploymentFrequency).toEqual(exact.deploymentFrequency);
      expect(rolled.changeFailureRate).toEqual(exact.changeFailureRate);
      expect(rolled.perDay).toEqual(exact.perDay);
      expect(rolled.unlinked).toEqual(exact.unlinked);
      const { medianMs, p90Ms, ...counts } = exact.leadTime;
      expect(rolled.leadTime).toMatchObject(counts);
      expect(
        Math.abs(rolled.leadTime.medianMs - medianMs) / medianMs,
      ).toBeLessThan(0.01);
      expect(Math.abs(rolled.leadTime.p90Ms - p90Ms) / p90Ms).toBeLessThan(
        0.01,
      );
      expect(rolled.recoveryTime.incidents).toBe(exact.recoveryTime.incidents);
      expect(rolled.level).toBe(exact.level);
      expect(rolled.previous.deploymentFrequency).toEqual(
        exact.previous.deploymentFrequency,
      );
    }
    // The orders service alone, by hand: 25 h and 2 h, within 1 %.
    const orders = (
      await get(`entityRef=component:default/orders&${range}&source=rollup`)
    ).body;
    expect(Math.abs(orders.leadTime.medianMs - 25 * H)).toBeLessThan(
      0.01 * 25 * H,
    );
    expect(Math.abs(orders.recoveryTime.medianMs - 2 * H)).toBeLessThan(
      0.01 * 2 * H,
    );
    // A small sample is answered exactly from the events by default.
    expect(
      (await get(`entityRef=component:default/orders&${range}`)).body,
    ).toMatchObject({ source: 'events', leadTime: { medianMs: 25 * H } });
    // Roll-ups hold whole UTC days only.
    const odd = await get(
      'from=2026-10-01T06:00:00Z&to=2026-10-08T00:00:00Z&source=rollup',
    );
    expect(odd.status).toBe(400);
  });

  it('golden paths versus the rest: the same four keys, side by side', async () => {
    const sent = await post({
      format: 'generic',
      events: ['2026-10-02T09:00:00Z', '2026-10-03T09:00:00Z'].map(
        (timestamp, i) =>
          generic(`made-${i}`, {
            timestamp,
            entityRef: 'component:default/made',
          }),
      ),
    });
    expect(sent.body).toMatchObject({ accepted: 2, unmapped: [] });
    const res = await request(backend.server)
      .get(
        '/api/dx/metrics/golden-paths?from=2026-10-01T00:00:00Z&to=2026-10-08T00:00:00Z',
      )
      .set('Authorization', as());
    expect(res.status).toBe(200);
    expect(res.body.goldenPath).toMatchObject({
      entities: 1,
      deploymentFrequency: { deployments: 2, perWeek: 2, level: 'high' },
      changeFailureRate: { deployments: 2, failed: 0, rate: 0 },
    });
    // The rest: the orders service of the previous test.
    expect(res.body.others).toMatchObject({
      deploymentFrequency: { deployments: 3 },
      changeFailureRate: { deployments: 3, failed: 2 },
      level: 'low',
    });
    const csv = await request(backend.server)
      .get(
        '/api/dx/metrics/golden-paths.csv?from=2026-10-01T00:00:00Z&to=2026-10-08T00:00:00Z',
      )
      .set('Authorization', as());
    expect(csv.headers['content-type']).toContain('text/csv');
    const lines = csv.text.trim().split('\n');
    expect(lines[0]).toBe(
      'metric,unit,golden_paths,golden_paths_sample,golden_paths_level,others,others_sample,others_level',
    );
    expect(lines[1]).toBe(
      'deployment_frequency,deployments per week,2,2,high,3,3,high',
    );
    expect(lines[4]).toBe(
      `change_failure_rate,share of deployments,0,2,elite,${2 / 3},3,low`,
    );
  });
  it('the fifth key and the diagnostics: rework by label, branch and incident; what is missing, with examples', async () => {
    const ev = (
      id: string,
      type: string,
      action: string,
      timestamp: string,
      extra: Record<string, unknown> = {},
    ) => ({
      id,
      type,
      action,
      timestamp,
      entityRef: 'component:default/payments',
      ...extra,
    });
    const prod = { environment: 'production', outcome: 'success' };
    const sent = await post({
      format: 'generic',
      events: [
        // Rework by label.
        ev('p-c1', 'change', 'merged', '2026-09-02T08:00:00Z', {
          commitSha: 'aaa0001',
          commits: [{ sha: 'aaa0001', at: '2026-09-01T08:00:00Z' }],
        }),
        ev('p-d1', 'deployment', 'deployed', '2026-09-02T10:00:00Z', {
          ...prod,
          commitSha: 'aaa0001',
          labels: ['Rework'],
        }),
        // Rework by the head branch of the change it shipped.
        ev('p-c2', 'change', 'merged', '2026-09-03T08:00:00Z', {
          commitSha: 'bbb0002',
          commits: [{ sha: 'bbb0002', at: '2026-09-03T07:00:00Z' }],
          branch: 'hotfix/login',
        }),
        ev('p-d2', 'deployment', 'deployed', '2026-09-03T10:00:00Z', {
          ...prod,
          commitSha: 'bbb0002',
        }),
        // Rework by incident: the first deployment after INC-7 opened; its
        // commit is in no change.
        ev('p-i1', 'incident', 'reported', '2026-09-04T09:00:00Z', {
          incidentId: 'INC-7',
          environment: 'production',
        }),
        ev('p-d3', 'deployment', 'deployed', '2026-09-04T10:00:00Z', {
          ...prod,
          commitSha: 'ccc0003',
        }),
        ev('p-i1-done', 'incident', 'resolved', '2026-09-04T11:00:00Z', {
          incidentId: 'INC-7',
          environment: 'production',
        }),
        // No commit SHA.
        ev('p-d4', 'deployment', 'deployed', '2026-09-05T10:00:00Z', prod),
        // Deployed from a pull request head, never merged.
        ev('p-pr5', 'change', 'updated', '2026-09-06T09:00:00Z', {
          commitSha: 'eee0005',
        }),
        ev('p-d5', 'deployment', 'deployed', '2026-09-06T10:00:00Z', {
          ...prod,
          commitSha: 'eee0005',
        }),
        // Clock skew: merged two hours after the deployment that has it.
        ev('p-d6', 'deployment', 'deployed', '2026-09-06T11:00:00Z', {
          ...prod,
          commitSha: 'ddd0004',
        }),
        ev('p-c3', 'change', 'merged', '2026-09-06T13:00:00Z', {
          commitSha: 'ddd0004',
          commits: [{ sha: 'ddd0004', at: '2026-09-06T09:00:00Z' }],
        }),
        // An incident after no deployment within the window.
        ev('p-i2', 'incident', 'reported', '2026-09-01T05:00:00Z', {
          incidentId: 'INC-6',
          environment: 'production',
        }),
        ev('p-i2-done', 'incident', 'resolved', '2026-09-01T06:00:00Z', {
          incidentId: 'INC-6',
          environment: 'production',
        }),
        // Maps to no entity.
        {
          id: 'p-unmapped',
          type: 'deployment',
          action: 'deployed',
          timestamp: '2026-09-03T12:00:00Z',
          repository: 'acme/nowhere',
          environment: 'production',
        },
      ],
    });
    expect(sent.body).toMatchObject({ accepted: 15, rejected: [] });

    const range = 'from=2026-09-01T00:00:00Z&to=2026-09-08T00:00:00Z';
    const res = await request(backend.server)
      .get(
        `/api/dx/metrics/dora?entityRef=component:default/payments&${range}&rows=true`,
      )
      .set('Authorization', as());
    expect(res.status).toBe(200);
    const m = res.body;
    expect(m.reworkRate).toMatchObject({
      deployments: 6,
      rework: 3,
      rate: 0.5,
      byReason: { label: 1, branch: 1, incident: 1 },
      level: null,
    });
    expect(
      m.reworkRate.rows
        .filter((r: { reasons: unknown[] }) => r.reasons.length > 0)
        .map(
          (r: { reasons: Array<{ detail: string }> }) => r.reasons[0].detail,
        ),
    ).toEqual([
      'label Rework',
      'branch hotfix/login of change generic:p-c2',
      'first deployment after incident component:default/payments#INC-7 opened',
    ]);
    const byKind = Object.fromEntries(
      m.diagnostics.map((d: { kind: string }) => [d.kind, d]),
    );
    expect(Object.keys(byKind).sort()).toEqual([
      'clock-skew-change-after-deployment',
      'deployment-commit-not-found',
      'deployment-commit-not-on-default-branch',
      'deployment-without-commit-sha',
      'incident-without-deployment',
    ]);
    expect(byKind['deployment-commit-not-found']).toMatchObject({
      // Not p-d6: its change merged later, counted as clock skew.
      count: 1,
      examples: ['generic:p-d3'],
    });
    expect(byKind['deployment-without-commit-sha']).toMatchObject({
      count: 1,
      examples: ['generic:p-d4'],
      metrics: ['leadTime', 'reworkRate'],
    });
    expect(byKind['deployment-commit-not-on-default-branch']).toMatchObject({
      count: 1,
      examples: ['generic:p-d5'],
    });
    expect(byKind['clock-skew-change-after-deployment']).toMatchObject({
      count: 1,
      examples: ['generic:p-c3'],
    });
    expect(byKind['incident-without-deployment']).toMatchObject({
      count: 1,
      examples: ['component:default/payments#INC-6'],
    });
    for (const d of m.diagnostics) {
      expect(d.problem).toMatch(/^[\d,]+ .+\.$|^None .+\.$/);
      expect(d.fix).toMatch(/\.$/);
    }

    // The organisation's numbers show the events that map to no entity.
    const org = await request(backend.server)
      .get(`/api/dx/metrics/dora?${range}&source=events`)
      .set('Authorization', as());
    const unmapped = org.body.diagnostics.find(
      (d: { kind: string }) => d.kind === 'unmapped-events',
    );
    expect(unmapped).toMatchObject({
      count: 1,
      examples: ['generic:p-unmapped'],
    });
    expect(unmapped.problem).toMatch(/acme\/nowhere/);

    // The CSV: the fifth key and a line per diagnostic.
    const csv = await request(backend.server)
      .get(
        `/api/dx/metrics/dora.csv?entityRef=component:default/payments&${range}`,
      )
      .set('Authorization', as());
    const lines = csv.text.trim().split('\n');
    expect(lines[0]).toBe(
      'metric,value,unit,sample,level,previous,affects,problem,fix,examples',
    );
    expect(lines).toContain('rework_rate,0.5,share of deployments,6,,,,,,');
    const skew = lines.find(l =>
      l.startsWith(
        'diagnostic:clock-skew-change-after-deployment,1,count,,,0,lead_time,',
      ),
    );
    expect(skew).toMatch(/,generic:p-c3$/);

    // From the roll-ups: the same rework rate (without rows), and the
    // diagnostics their counts give.
    const since = Date.now();
    await eventually('the roll-ups to catch up', async () => {
      const r = await request(backend.server)
        .get('/api/dx/rollups/status')
        .set('Authorization', as());
      return r.body.pendingEntities === 0 &&
        Date.parse(r.body.rolledUpAt) >= since
        ? true
        : undefined;
    });
    const rolled = await request(backend.server)
      .get(
        `/api/dx/metrics/dora?entityRef=component:default/payments&${range}&source=rollup`,
      )
      .set('Authorization', as());
    expect(rolled.body.source).toBe('rollup');
    const { rows: _rows, ...rework } = m.reworkRate;
    expect(rolled.body.reworkRate).toEqual(rework);
    expect(rolled.body.rollupCounts).toBeUndefined();
    expect(
      rolled.body.diagnostics.map((d: { kind: string; count: number }) => [
        d.kind,
        d.count,
      ]),
    ).toEqual([
      ['deployment-without-commit-sha', 1],
      ['deployment-without-change', 3],
      ['incident-without-deployment', 1],
    ]);
    expect(rolled.body.diagnostics[0].problem).toBe(
      byKind['deployment-without-commit-sha'].problem,
    );
  });
});
