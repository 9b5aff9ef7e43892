import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import {
  dropDatabases,
  eventually,
  permissionsForTest,
} from '@internal/backend-test-utils';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import dxPlugin from '../index';

// The DX actions through the DX plugin's actions endpoint, on the real
// catalog and PostgreSQL, for a caller who reads everything (ALICE) and one
// the catalog hides private entities from (BOB).

jest.setTimeout(60_000);

const CONNECTION =
  process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;
const ALICE = 'user:default/alice';
const BOB = 'user:default/bob';
/** Denied dx.actions.read: the actions that name it do not exist for her. */
const CAROL = 'user:default/carol';
const DAY = 86_400_000;

/**
 * BOB reads what is not annotated portal.dev/visibility: private; CAROL
 * may not see the DX actions.
 */
const permissionsFactory = permissionsForTest({
  denied: { [CAROL]: ['dx.actions.read'] },
  privateHiddenFrom: [BOB],
});

const CATALOG = `
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: { name: team-a }
spec: { type: team, children: [] }
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: { name: team-b }
spec: { type: team, children: [] }
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: { name: checkout }
spec: { type: service, lifecycle: production, owner: team-a }
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: vault
  annotations: { portal.dev/visibility: private }
spec: { type: service, lifecycle: production, owner: team-b }
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: made
  annotations: { portal.dev/template: template:default/service }
spec: { type: service, lifecycle: production, owner: team-b }
`;

const SCORECARDS = [
  {
    id: 'production-readiness',
    title: 'Production readiness',
    checks: [
      {
        id: 'owner',
        title: 'Has an owner that exists',
        level: 'bronze',
        check: 'owner-exists',
        fix: 'Set spec.owner to a Group',
      },
      {
        id: 'weekly',
        title: 'Deploys weekly',
        level: 'silver',
        check: 'deploys-at-least',
        perWeek: 1,
        days: 28,
        fix: 'Ship at least once a week',
      },
    ],
  },
];

/** Production deployments of an entity, `daysAgo` each. */
const deployments = (name: string, daysAgo: number[]) =>
  daysAgo.map(d => ({
    id: `${name}-${d}`,
    type: 'deployment',
    action: 'deployed',
    timestamp: new Date(Date.now() - d * DAY).toISOString(),
    entityRef: `component:default/${name}`,
    environment: 'production',
    outcome: 'success',
    commitSha: Buffer.from(`${name}-${d}`).toString('hex').padEnd(8, '0'),
  }));

describe('DX actions', () => {
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  let dir: string;
  const prefix = `portal_dxa_${process.pid}_${Date.now().toString(36)}_`;

  const invoke = (user: string, name: string, input: object) =>
    request(backend.server)
      .post(`/api/dx/.backstage/actions/v1/actions/dx:${name}/invoke`)
      .set('Authorization', mockCredentials.user.header(user))
      .send(input);

  beforeAll(async () => {
    if (!CONNECTION) throw new Error('these tests need the real PostgreSQL');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dx-actions-'));
    fs.writeFileSync(path.join(dir, 'catalog.yaml'), CATALOG);
    backend = await startTestBackend({
      features: [
        catalogPlugin,
        dxPlugin,
        schedulerServiceFactory,
        permissionsFactory,
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
              scorecards: { definitions: SCORECARDS, frequencyMinutes: 600 },
            },
          },
        }),
      ],
    });
    // Every component the events name, with its owner: an event about an
    // entity the catalog has not processed yet is stored unmapped.
    await eventually('the catalog with owners', async () => {
      for (const name of ['checkout', 'vault', 'made']) {
        const r = await request(backend.server)
          .get(`/api/catalog/entities/by-name/component/default/${name}`)
          .set('Authorization', mockCredentials.user.header(ALICE));
        if (!r.body?.relations?.length) return undefined;
      }
      return true;
    });
    const sent = await request(backend.server)
      .post('/api/dx/events')
      .set('Authorization', mockCredentials.service.header())
      .send({
        format: 'generic',
        events: [
          ...deployments('checkout', [2, 5, 9]),
          ...deployments('vault', [3, 4]),
          ...deployments('made', [1, 2, 3, 4]),
        ],
      });
    if (sent.body.accepted !== 9)
      throw new Error(`events: ${JSON.stringify(sent.body)}`);
  });

  afterAll(async () => {
    await backend?.stop();
    if (CONNECTION) await dropDatabases(CONNECTION, prefix);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('get-dora-metrics: the numbers of GET /metrics/dora for an entity, with sample sizes, levels and diagnostics', async () => {
    const res = await invoke(ALICE, 'get-dora-metrics', {
      entityRef: 'Component:default/checkout',
    });
    expect(res.status).toBe(200);
    const out = res.body.output;
    expect(out.scope).toEqual({
      kind: 'entity',
      entityRef: 'component:default/checkout',
    });
    expect(out.deploymentFrequency.deployments).toBe(3);
    expect(out.deploymentFrequency.perWeek).toBeCloseTo(0.7, 9);
    expect(out.leadTime).toMatchObject({ changes: 0, medianMs: null });
    expect(out.previous.deploymentFrequency.deployments).toBe(0);
    expect(Date.parse(out.to) - Date.parse(out.from)).toBe(30 * DAY);
    expect(out.diagnostics).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          kind: 'deployment-entity-without-changes',
          count: 3,
          fix: expect.any(String),
        }),
      ]),
    );
    expect(out.inWords).toContain(
      'deployment frequency 0.7/week (medium, 3 deployments)',
    );

    // The same numbers as the route, for the same scope and range.
    const route = await request(backend.server)
      .get('/api/dx/metrics/dora')
      .query({
        entityRef: 'component:default/checkout',
        from: out.from,
        to: out.to,
      })
      .set('Authorization', mockCredentials.user.header(ALICE));
    expect(route.status).toBe(200);
    // Each field the action answers, as the route answers it.
    const like = (from: any, shape: any): any =>
      shape !== null && typeof shape === 'object' && !Array.isArray(shape)
        ? Object.fromEntries(
            Object.keys(shape).map(k => [k, like(from?.[k], shape[k])]),
          )
        : from;
    const keys = Object.fromEntries(
      [
        'from',
        'to',
        'level',
        'deploymentFrequency',
        'leadTime',
        'changeFailureRate',
        'recoveryTime',
        'reworkRate',
      ].map(k => [k, out[k]]),
    );
    expect(keys.reworkRate).toBeDefined();
    expect(like(route.body, keys)).toEqual(keys);
    expect(like(route.body.previous, out.previous)).toEqual(out.previous);
    expect(out.diagnostics).toEqual(route.body.diagnostics);
  });

  it('get-dora-metrics: an owner and the organisation count only what the caller may read', async () => {
    const team = async (user: string) =>
      (
        await invoke(user, 'get-dora-metrics', {
          owner: 'group:default/team-b',
        })
      ).body.output;
    expect((await team(ALICE)).scope).toEqual({
      kind: 'owner',
      owner: 'group:default/team-b',
      entities: 2,
    });
    expect((await team(ALICE)).deploymentFrequency.deployments).toBe(6);
    expect((await team(BOB)).scope.entities).toBe(1);
    expect((await team(BOB)).deploymentFrequency.deployments).toBe(4);

    const org = async (user: string) =>
      (await invoke(user, 'get-dora-metrics', { days: 7 })).body.output;
    expect((await org(ALICE)).scope).toEqual({ kind: 'organisation' });
    // 7 days: checkout's deployment of 9 days ago is outside.
    expect((await org(ALICE)).deploymentFrequency.deployments).toBe(8);
    expect((await org(BOB)).deploymentFrequency.deployments).toBe(6);
  });

  it('get-dora-metrics: 404 for an entity or owner the caller may not read, 400 for bad input', async () => {
    for (const input of [
      { entityRef: 'component:default/vault' },
      { owner: 'group:default/nobody' },
    ]) {
      const res = await invoke(BOB, 'get-dora-metrics', input);
      expect(res.status).toBe(404);
      expect(res.body.error.name).toBe('NotFoundError');
    }
    const alice = await invoke(ALICE, 'get-dora-metrics', {
      entityRef: 'component:default/vault',
    });
    expect(alice.body.output.deploymentFrequency.deployments).toBe(2);
    for (const input of [
      {
        entityRef: 'component:default/checkout',
        owner: 'group:default/team-a',
      },
      { days: 401 },
      { days: 0 },
      { entityRef: 'component:' },
    ]) {
      const res = await invoke(ALICE, 'get-dora-metrics', input);
      expect([input, res.status, res.body.error?.name]).toEqual([
        input,
        400,
        'InputError',
      ]);
    }
  });

  it('compare-golden-paths: golden-path components beside the rest the caller may read', async () => {
    const alice = await invoke(ALICE, 'compare-golden-paths', {});
    expect(alice.status).toBe(200);
    expect(alice.body.output).toMatchObject({
      goldenPath: { entities: 1, deploymentFrequency: { deployments: 4 } },
      others: { deploymentFrequency: { deployments: 5 } },
    });
    expect(
      Date.parse(alice.body.output.to) - Date.parse(alice.body.output.from),
    ).toBe(90 * DAY);
    const route = await request(backend.server)
      .get('/api/dx/metrics/golden-paths')
      .query({ from: alice.body.output.from, to: alice.body.output.to })
      .set('Authorization', mockCredentials.user.header(ALICE));
    for (const side of ['goldenPath', 'others']) {
      const mine = alice.body.output[side];
      expect(route.body[side]).toMatchObject({
        level: mine.level,
        deploymentFrequency: mine.deploymentFrequency,
        changeFailureRate: mine.changeFailureRate,
        leadTime: mine.leadTime,
        recoveryTime: mine.recoveryTime,
      });
    }
    expect(alice.body.output.inWords).toMatch(
      /^Golden paths \(1 components\): deployment frequency .* The rest: /,
    );
    const bob = await invoke(BOB, 'compare-golden-paths', { days: 30 });
    expect(bob.body.output.others.deploymentFrequency.deployments).toBe(3);
    expect(bob.body.output.goldenPath.deploymentFrequency.deployments).toBe(4);
  });

  it('get-entity-scorecard: each check with pass or fail, and the fix of each failing one', async () => {
    await eventually('the scorecard run to be accepted', async () => {
      const r = await request(backend.server)
        .post('/api/dx/scorecards/refresh')
        .set('Authorization', mockCredentials.user.header(ALICE));
      return r.status === 202 ? true : undefined;
    });
    // The scorecard task's first run waits for its initial delay (30 s).
    const out = await eventually(
      'the scorecard of checkout',
      async () => {
        const r = await invoke(ALICE, 'get-entity-scorecard', {
          entityRef: 'component:default/checkout',
        });
        return r.body.output?.scorecards?.length ? r.body.output : undefined;
      },
      { timeoutMs: 45_000, intervalMs: 500 },
    );
    expect(out.scorecards).toEqual([
      expect.objectContaining({
        scorecardId: 'production-readiness',
        level: 'bronze',
        levels: ['bronze', 'silver', 'gold'],
        score: 0.5,
        checks: [
          expect.objectContaining({ id: 'owner', status: 'pass' }),
          expect.objectContaining({
            id: 'weekly',
            status: 'fail',
            fix: 'Ship at least once a week',
          }),
        ],
      }),
    ]);
    expect(out.scorecards[0].checks[0].fix).toBeUndefined();
    expect(out.inWords).toContain('fix: Ship at least once a week');

    const bob = await invoke(BOB, 'get-entity-scorecard', {
      entityRef: 'component:default/vault',
    });
    expect(bob.status).toBe(404);
    expect(bob.body.error.message).toBe(
      'no entity component:default/vault (entityRef)',
    );
    const alice = await invoke(ALICE, 'get-entity-scorecard', {
      entityRef: 'component:default/vault',
    });
    expect(alice.status).toBe(200);
    const missing = await invoke(ALICE, 'get-entity-scorecard', {});
    expect(missing.status).toBe(400);
  });

  it('lists its actions with their attributes and input schemas', async () => {
    const res = await request(backend.server)
      .get('/api/dx/.backstage/actions/v1/actions')
      .set('Authorization', mockCredentials.user.header(ALICE));
    expect(res.status).toBe(200);
    const mine = res.body.actions
      .filter((a: any) =>
        [
          'dx:get-dora-metrics',
          'dx:compare-golden-paths',
          'dx:get-entity-scorecard',
        ].includes(a.id),
      )
      .map((a: any) => ({ id: a.id, attributes: a.attributes }));
    expect(mine).toEqual([
      {
        id: 'dx:get-dora-metrics',
        attributes: { readOnly: true, idempotent: true, destructive: false },
      },
      {
        id: 'dx:compare-golden-paths',
        attributes: { readOnly: true, idempotent: true, destructive: false },
      },
      {
        id: 'dx:get-entity-scorecard',
        attributes: { readOnly: true, idempotent: true, destructive: false },
      },
    ]);
    for (const a of res.body.actions)
      expect(a.schema.input.type).toBe('object');
  });

  it('shows its actions only to callers allowed dx.actions.read, and they do not exist for the others', async () => {
    const mine = [
      'dx:get-dora-metrics',
      'dx:compare-golden-paths',
      'dx:get-entity-scorecard',
    ];
    const listed = async (user: string) => {
      const res = await request(backend.server)
        .get('/api/dx/.backstage/actions/v1/actions')
        .set('Authorization', mockCredentials.user.header(user));
      expect(res.status).toBe(200);
      return res.body.actions
        .map((a: any) => a.id)
        .filter((id: string) => mine.includes(id));
    };
    expect(await listed(ALICE)).toEqual(mine);
    expect(await listed(BOB)).toEqual(mine);
    // Denied only dx.actions.read: every one of them is gone.
    expect(await listed(CAROL)).toEqual([]);

    for (const id of mine) {
      const res = await invoke(CAROL, id.split(':')[1], { days: 30 });
      expect(res.status).toBe(404);
      expect(res.body.error).toMatchObject({
        name: 'NotFoundError',
        message: `Action "${id}" not found`,
      });
    }
    const alice = await invoke(ALICE, 'compare-golden-paths', { days: 30 });
    expect(alice.status).toBe(200);
  });
});
