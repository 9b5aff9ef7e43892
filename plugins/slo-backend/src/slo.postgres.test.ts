import { mockCredentials } from '@backstage/backend-test-utils';
import type {
  PlatformHealth,
  SloDetail,
  SloSummary,
} from '@internal/plugin-slo-common';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import {
  eventually,
  startSloBackend,
  type SloTestBackend,
} from './__testUtils__/startSloBackend';

jest.setTimeout(240_000);

const ALICE = 'user:default/alice'; // member of team-a, which owns checkout
const BOB = 'user:default/bob';
const as = (user: string) => mockCredentials.user.header(user);

const ORG = `
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: { name: team-a }
spec: { type: team, children: [], members: [alice] }
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: { name: alice }
spec: { memberOf: [team-a] }
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: { name: bob }
spec: { memberOf: [] }
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: { name: platform-portal }
spec: { type: website, lifecycle: production, owner: team-a }
---
apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata: { name: quick }
spec:
  owner: team-a
  type: service
  steps:
    - { id: log, name: Log, action: debug:log, input: { message: hello } }
---
apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata: { name: broken }
spec:
  owner: team-a
  type: service
  steps:
    - id: escape
      name: Escape the workspace
      action: fs:delete
      input: { files: ['../../outside'] }
`;

const PLATFORM_SLOS = `
apiVersion: openslo/v1
kind: SLO
metadata: { name: provisioning-success }
spec:
  indicator:
    spec:
      ratioMetric:
        good: { metricSource: { type: Portal, spec: { metric: provisioning-success } } }
        total: { metricSource: { type: Portal, spec: { metric: provisioning-success } } }
  timeWindow: [{ duration: 28d, isRolling: true }]
  budgetingMethod: Occurrences
  objectives: [{ target: 0.95 }]
`;

const pushSlo = (name: string, target = 0.99) => `
apiVersion: openslo/v1
kind: SLO
metadata:
  name: ${name}
  displayName: Checkout requests
spec:
  indicator:
    spec:
      ratioMetric:
        good: { metricSource: { type: Push, spec: {} } }
        total: { metricSource: { type: Push, spec: {} } }
  timeWindow: [{ duration: 1d, isRolling: true }]
  budgetingMethod: Occurrences
  objectives: [{ target: ${target} }]
`;

const CHECKOUT = `
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: { name: checkout }
spec: { type: service, lifecycle: production, owner: team-a }
`;

describe('SLOs on the real stack', () => {
  let backend: SloTestBackend;
  let dir: string;
  const ID = 'component:default/checkout/checkout-requests';
  const path_ = `/api/slo/slos/${encodeURIComponent(ID)}`;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slo-stack-'));
    fs.writeFileSync(path.join(dir, 'org.yaml'), ORG);
    fs.writeFileSync(path.join(dir, 'platform.yaml'), PLATFORM_SLOS);
    backend = await startSloBackend({
      locations: [path.join(dir, 'org.yaml')],
      slo: {
        platform: {
          file: path.join(dir, 'platform.yaml'),
          entityRef: 'component:default/platform-portal',
        },
        probe: {
          targets: [
            {
              name: 'catalog',
              plugin: 'catalog',
              path: '/entities/by-query?limit=1',
            },
            { name: 'missing', plugin: 'catalog', path: '/no-such-route' },
          ],
        },
      },
    });
  });
  afterAll(async () => {
    await backend?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const server = () => backend.server;
  const list = async (query: string) =>
    (
      await request(server())
        .get(`/api/slo/slos?${query}`)
        .set('Authorization', as(ALICE))
    ).body.items as SloSummary[];

  it('refuses every route without credentials', async () => {
    for (const [method, url] of [
      ['get', '/api/slo/slos'],
      ['get', path_],
      ['get', '/api/slo/platform'],
      ['post', '/api/slo/slos'],
      ['post', '/api/slo/validate'],
      ['post', `${path_}/events`],
      ['delete', path_],
    ] as const) {
      const res = await request(server())
        [method](url)
        .set('Authorization', mockCredentials.none.header())
        .send({});
      expect([method, url, res.status]).toEqual([method, url, 401]);
    }
  });

  it('loads SLOs found next to catalog-info.yaml, with owners, and refuses a broken one with its path', async () => {
    backend.commitRepository('checkout', {
      'catalog-info.yaml': CHECKOUT,
      'slo.yaml': pushSlo('checkout-requests'),
      'broken.openslo.yaml': pushSlo('too-strict', 1.5),
    });
    const rescan = await request(server())
      .post('/api/catalog/ingestion/rescan')
      .set('Authorization', as(ALICE))
      .send({ source: 'local-repos' });
    expect(rescan.status).toBe(200);
    await eventually('checkout in the catalog', async () => {
      const r = await request(server())
        .get('/api/catalog/entities/by-name/component/default/checkout')
        .set('Authorization', as(ALICE));
      return r.status === 200 && r.body.relations?.length ? true : undefined;
    });
    // The definitions sync runs on its own schedule: one that ran before
    // the catalog had stitched the component stored the SLOs without an
    // owner, and the next one adds it.
    const items = await eventually(
      'the repository SLOs, with owners',
      async () => {
        const found = await list('entityRef=component:default/checkout');
        return found.length === 2 &&
          found.find(s => s.name === 'checkout-requests')?.ownerRef
          ? found
          : undefined;
      },
    );
    const byName = new Map(items.map(s => [s.name, s]));
    expect(byName.get('checkout-requests')).toMatchObject({
      id: ID,
      ownerRef: 'group:default/team-a',
      origin: 'repository',
      file: 'local-repos/checkout:slo.yaml',
      sourceType: 'Push',
      target: 0.99,
      problems: [],
    });
    expect(byName.get('too-strict')).toMatchObject({
      state: 'error',
      error:
        'SLO too-strict.spec.objectives[0].target: must be below 1 (a share, e.g. 0.995)',
    });
    // The owner filter finds them too; another owner does not.
    expect((await list('owner=group:default/team-a')).map(s => s.name)).toEqual(
      expect.arrayContaining(['checkout-requests', 'too-strict']),
    );
    expect(await list('owner=group:default/team-b')).toEqual([]);
  });

  it('reads the OpenSLO files of a repository together: SLIs in other files, v1alpha; and validates several files of an upload', async () => {
    const PAYMENTS = CHECKOUT.replace('name: checkout', 'name: payments');
    const sloWithRef = `
apiVersion: openslo/v1
kind: SLO
metadata: { name: payments-ok }
spec:
  indicatorRef: payments-requests
  timeWindow: [{ duration: 7d, isRolling: true }]
  budgetingMethod: Occurrences
  objectives: [{ target: 0.99 }]
`;
    const sli = `
apiVersion: openslo/v1
kind: SLI
metadata:
  name: payments-requests
  labels: { team: payments }
spec:
  ratioMetric:
    good: { metricSource: { type: Push, spec: {} } }
    total: { metricSource: { type: Push, spec: {} } }
`;
    const v1alpha = `
apiVersion: openslo/v1alpha
kind: SLO
metadata: { name: payments-legacy }
spec:
  service: payments
  timeWindows: [{ unit: Day, count: 28, isRolling: true }]
  budgetingMethod: Occurrences
  objectives:
    - target: 0.95
      ratioMetrics:
        incremental: true
        good: { source: Push, queryType: counter, query: good }
        total: { source: Push, queryType: counter, query: total }
`;
    backend.commitRepository('payments', {
      'catalog-info.yaml': PAYMENTS,
      'slo.yaml': sloWithRef,
      'openslo/requests.openslo.yaml': sli,
      'openslo/legacy.openslo.yaml': v1alpha,
    });
    const rescan = await request(server())
      .post('/api/catalog/ingestion/rescan')
      .set('Authorization', as(ALICE))
      .send({ source: 'local-repos' });
    expect(rescan.status).toBe(200);
    const items = await eventually('the payments SLOs', async () => {
      const found = await list('entityRef=component:default/payments');
      return found.length === 2 && found.every(s => s.ownerRef)
        ? found
        : undefined;
    });
    const byName = new Map(items.map(s => [s.name, s]));
    expect(byName.get('payments-ok')).toMatchObject({
      file: 'local-repos/payments:slo.yaml',
      sourceType: 'Push',
      target: 0.99,
    });
    expect(byName.get('payments-ok')?.state).not.toBe('error');
    expect(byName.get('payments-legacy')).toMatchObject({
      file: 'local-repos/payments:openslo/legacy.openslo.yaml',
      sourceType: 'Push',
      target: 0.95,
    });
    expect(byName.get('payments-legacy')?.problems).toContainEqual(
      expect.objectContaining({
        path: 'SLO payments-legacy.spec.objectives[0].ratioMetrics.good.queryType',
        severity: 'unsupported',
        file: 'openslo/legacy.openslo.yaml',
      }),
    );

    // The same files as one upload; one of them alone misses the SLI.
    const files = [
      { path: 'slo.yaml', yaml: sloWithRef },
      { path: 'openslo/requests.openslo.yaml', yaml: sli },
      { path: 'openslo/legacy.openslo.yaml', yaml: v1alpha },
    ];
    const together = await request(server())
      .post('/api/slo/validate')
      .set('Authorization', as(BOB))
      .send({ files });
    expect(together.status).toBe(200);
    expect(together.body.slos).toEqual([
      {
        name: 'payments-ok',
        target: 0.99,
        sourceType: 'Push',
        file: 'slo.yaml',
      },
      {
        name: 'payments-legacy',
        target: 0.95,
        sourceType: 'Push',
        file: 'openslo/legacy.openslo.yaml',
      },
    ]);
    expect(
      together.body.files.map((f: { path: string; slos: unknown[] }) => [
        f.path,
        f.slos.length,
      ]),
    ).toEqual([
      ['slo.yaml', 1],
      ['openslo/requests.openslo.yaml', 0],
      ['openslo/legacy.openslo.yaml', 1],
    ]);
    expect(together.body.files[1].problems).toEqual([
      {
        path: 'SLI payments-requests.metadata.labels',
        severity: 'unsupported',
        message: 'labels are kept in the file only',
        file: 'openslo/requests.openslo.yaml',
      },
    ]);
    const dangling = await request(server())
      .post('/api/slo/validate')
      .set('Authorization', as(BOB))
      .send({ files: [files[0], files[2]] });
    expect(dangling.body.slos.map((s: { name: string }) => s.name)).toEqual([
      'payments-legacy',
    ]);
    expect(dangling.body.files[0].problems).toContainEqual({
      path: 'SLO payments-ok.spec.indicatorRef',
      severity: 'error',
      message:
        'no SLI named payments-requests in any of the 2 files read together (in slo.yaml)',
      file: 'slo.yaml',
    });
    // Each file is size-limited as one YAML is; paths are unique.
    const big = await request(server())
      .post('/api/slo/validate')
      .set('Authorization', as(BOB))
      .send({
        files: [{ path: 'big.yaml', yaml: 'x'.repeat(256 * 1024 + 1) }],
      });
    expect(big.status).toBe(400);
    const twice = await request(server())
      .post('/api/slo/validate')
      .set('Authorization', as(BOB))
      .send({ files: [files[0], files[0]] });
    expect([twice.status, twice.body.error.message]).toEqual([
      400,
      'files: slo.yaml is given twice',
    ]);
  });

  it('pushed counts: validated as a batch, stored once, evaluated into budget and burn rates', async () => {
    const push = (body: unknown, user = ALICE) =>
      request(server())
        .post(`${path_}/events`)
        .set('Authorization', as(user))
        .send(body as object);
    const now = new Date().toISOString();

    const first = await push({
      batchId: 'b-1',
      events: [{ timestamp: now, good: 995, total: 1000 }],
    });
    expect([first.status, first.body]).toEqual([
      202,
      { accepted: 1, duplicate: false },
    ]);
    const again = await push({
      batchId: 'b-1',
      events: [{ timestamp: now, good: 995, total: 1000 }],
    });
    expect([again.status, again.body]).toEqual([
      200,
      { accepted: 0, duplicate: true },
    ]);

    // Bad batches are refused whole, with what and where.
    const future = new Date(Date.now() + 3600_000).toISOString();
    for (const [body, message] of [
      [
        { events: [{ timestamp: now, good: 5, total: 1 }] },
        /events\.0: good must not exceed total/,
      ],
      [
        {
          events: [
            { timestamp: now, good: 1, total: 1 },
            { timestamp: future, good: 1, total: 1 },
          ],
        },
        /events\[1\]\.timestamp .* is in the future/,
      ],
      [
        { events: [{ timestamp: '2020-01-01T00:00:00Z', good: 1, total: 1 }] },
        /is before the SLO window/,
      ],
      [
        { events: [{ timestamp: 'yesterday', good: 1, total: 1 }] },
        /events\.0\.timestamp/,
      ],
      [{ events: [{ timestamp: now, good: -1, total: 1 }] }, /events\.0\.good/],
      [{ events: [] }, /events: /],
      [
        {
          events: Array.from({ length: 10_001 }, () => ({
            timestamp: now,
            good: 1,
            total: 1,
          })),
        },
        /events: /,
      ],
    ] as const) {
      const res = await push(body);
      expect([res.status, res.body.error?.message]).toEqual([
        400,
        expect.stringMatching(message),
      ]);
    }
    // Unknown fields are ignored; the counts are kept.
    const extra = await push({
      events: [{ timestamp: now, good: 1, total: 1, extra: { deep: true } }],
      surprise: 1,
    });
    expect(extra.status).toBe(202);
    const malformed = await request(server())
      .post(`${path_}/events`)
      .set('Authorization', as(ALICE))
      .set('content-type', 'application/json')
      .send('{"events": [');
    expect(malformed.status).toBe(400);
    const unknown = await request(server())
      .post(
        `/api/slo/slos/${encodeURIComponent(
          'component:default/checkout/nope',
        )}/events`,
      )
      .set('Authorization', as(ALICE))
      .send({ events: [{ timestamp: now, good: 1, total: 1 }] });
    expect(unknown.status).toBe(404);
    // An evaluation that started after the last push: one made before it
    // (0 of 0, or only the first batch) is not the one under test.
    const pushedAt = Date.now();
    const detail = await eventually(
      'an evaluation after the pushes',
      async () => {
        const r = await request(server())
          .get(path_)
          .set('Authorization', as(ALICE));
        return r.body.evaluatedAt && Date.parse(r.body.evaluatedAt) > pushedAt
          ? (r.body as SloDetail)
          : undefined;
      },
    );
    // 995 + 1 good of 1,000 + 1: the bad batches stored nothing.
    expect(detail.budget).toMatchObject({
      good: 996,
      total: 1001,
      consumed: 5,
    });
    expect(detail.budget!.remaining).toBeCloseTo(1 - 5 / (0.01 * 1001), 6);
    expect(detail.state).toBe('ok');
    expect(detail.series.reduce((s, p) => s + p.total, 0)).toBe(1001);
    expect(detail.burnRates.find(b => b.windowMinutes === 5)!.rate).toBeCloseTo(
      5 / 1001 / 0.01,
      6,
    );
  });

  it('a fast burn alerts the owning group once, through notifications', async () => {
    const notifications = async (user: string) =>
      (
        await request(server())
          .get('/api/notifications/notifications')
          .set('Authorization', as(user))
      ).body.notifications as Array<{
        payload: { title: string; link?: string };
      }>;
    const res = await request(server())
      .post(`${path_}/events`)
      .set('Authorization', as(ALICE))
      .send({
        events: [{ timestamp: new Date().toISOString(), good: 0, total: 200 }],
      });
    expect(res.status).toBe(202);
    const told = await eventually('the alert notification', async () => {
      const mine = (await notifications(ALICE)).filter(n =>
        n.payload.title.includes('error budget burning (fast-burn)'),
      );
      return mine.length > 0 ? mine : undefined;
    });
    expect(told).toHaveLength(1);
    expect(told[0].payload).toMatchObject({
      title: 'SLO Checkout requests: error budget burning (fast-burn)',
      link: `/catalog/default/component/checkout/slo?slo=${encodeURIComponent(
        ID,
      )}`,
    });
    expect(await notifications(BOB)).toEqual([]);

    // Evaluated again, still firing: no second notification, one history entry.
    const before = (
      await request(server()).get(path_).set('Authorization', as(ALICE))
    ).body.evaluatedAt;
    const detail = await eventually('the next evaluation', async () => {
      const r = await request(server())
        .get(path_)
        .set('Authorization', as(ALICE));
      return r.body.evaluatedAt !== before ? (r.body as SloDetail) : undefined;
    });
    expect(detail.state).toBe('breaching');
    expect(detail.alerts.find(a => a.rule.name === 'fast-burn')).toMatchObject({
      firing: true,
    });
    // 205 bad of 1,201 burns at 17x over every window, so all three rules
    // fire (14.4x, 6x, 1x), each recorded and told once.
    expect(detail.alertHistory.map(a => `${a.rule} ${a.state}`).sort()).toEqual(
      ['fast-burn firing', 'medium-burn firing', 'slow-burn firing'],
    );
    expect(
      (await notifications(ALICE)).map(n => n.payload.title).sort(),
    ).toEqual([
      'SLO Checkout requests: error budget burning (fast-burn)',
      'SLO Checkout requests: error budget burning (medium-burn)',
      'SLO Checkout requests: error budget burning (slow-burn)',
    ]);
  });

  it('SLOs made in the UI: owners only, validated, deletable; repository SLOs are changed in the repository', async () => {
    const create = (
      user: string,
      yaml: string,
      entityRef = 'component:default/checkout',
    ) =>
      request(server())
        .post('/api/slo/slos')
        .set('Authorization', as(user))
        .send({ entityRef, yaml });

    const preview = await request(server())
      .post('/api/slo/validate')
      .set('Authorization', as(BOB))
      .send({ yaml: pushSlo('latency', 2) });
    expect(preview.body.problems).toContainEqual(
      expect.objectContaining({
        path: 'SLO latency.spec.objectives[0].target',
        severity: 'error',
      }),
    );

    expect((await create(BOB, pushSlo('from-ui'))).status).toBe(403);
    const bad = await create(ALICE, pushSlo('from-ui', 1.2));
    expect([bad.status, bad.body.error.message]).toEqual([
      400,
      'the SLO is not valid: SLO from-ui.spec.objectives[0].target: must be below 1 (a share, e.g. 0.995)',
    ]);
    expect((await create(ALICE, 'kind: [')).status).toBe(400);
    expect(
      (await create(ALICE, pushSlo('from-ui'), 'component:default/nope'))
        .status,
    ).toBe(404);
    const made = await create(ALICE, pushSlo('from-ui'));
    expect(made.status).toBe(201);
    expect(made.body.items).toEqual([
      expect.objectContaining({
        id: 'component:default/checkout/from-ui',
        origin: 'ui',
      }),
    ]);
    expect((await create(ALICE, pushSlo('from-ui'))).status).toBe(409);
    expect((await create(ALICE, pushSlo('checkout-requests'))).status).toBe(
      409,
    );

    // A repository sync leaves UI SLOs alone.
    await new Promise(r => setTimeout(r, 6000));
    expect(
      (await list('entityRef=component:default/checkout'))
        .map(s => s.name)
        .sort(),
    ).toEqual(['checkout-requests', 'from-ui', 'too-strict']);

    const uiPath = `/api/slo/slos/${encodeURIComponent(
      'component:default/checkout/from-ui',
    )}`;
    expect(
      (await request(server()).delete(uiPath).set('Authorization', as(BOB)))
        .status,
    ).toBe(403);
    expect(
      (await request(server()).delete(path_).set('Authorization', as(ALICE)))
        .status,
    ).toBe(409);
    expect(
      (await request(server()).delete(uiPath).set('Authorization', as(ALICE)))
        .status,
    ).toBe(204);
    expect(
      (await request(server()).get(uiPath).set('Authorization', as(ALICE)))
        .status,
    ).toBe(404);
  });

  it('the platform measures itself: probes of its own endpoints and the scaffolder tasks', async () => {
    for (const template of ['quick', 'broken']) {
      const task = await request(server())
        .post('/api/scaffolder/v2/tasks')
        .set('Authorization', as(ALICE))
        .send({ templateRef: `template:default/${template}`, values: {} });
      expect(task.status).toBe(201);
      await eventually(`task ${template}`, async () => {
        const r = await request(server())
          .get(`/api/scaffolder/v2/tasks/${task.body.id}`)
          .set('Authorization', as(ALICE));
        return ['completed', 'failed'].includes(r.body.status)
          ? r.body.status
          : undefined;
      });
    }
    const health = await eventually('platform health', async () => {
      const r = await request(server())
        .get('/api/slo/platform')
        .set('Authorization', as(ALICE));
      const body = r.body as PlatformHealth;
      return body.provisioning?.completed + body.provisioning?.failed === 2 &&
        body.probes.length === 2
        ? body
        : undefined;
    });
    expect(health.provisioning).toMatchObject({
      completed: 1,
      failed: 1,
      successRate: 0.5,
    });
    expect(health.provisioning.p50Seconds).toBeGreaterThanOrEqual(0);
    const probes = new Map(health.probes.map(p => [p.target, p]));
    expect(probes.get('catalog')).toMatchObject({ lastOk: true });
    expect(probes.get('missing')).toMatchObject({
      lastOk: false,
      lastError: 'HTTP 404',
    });
    expect(health.slos.map(s => s.name)).toEqual(['provisioning-success']);
    expect(health.evaluation).toMatchObject({
      evaluated: expect.any(Number),
      failed: 0,
    });
    const cycles = await request(server())
      .get('/api/slo/evaluations?limit=3')
      .set('Authorization', as(ALICE));
    expect(cycles.body.items.length).toBeGreaterThan(0);
    expect(cycles.body.items[0].durationMs).toBeGreaterThanOrEqual(0);
    expect(health.slos[0]).toMatchObject({
      ownerRef: 'group:default/team-a',
      entityRef: 'component:default/platform-portal',
    });
  });
});
