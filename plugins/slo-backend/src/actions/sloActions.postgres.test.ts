import { mockCredentials } from '@backstage/backend-test-utils';
import { permissionsForTest } from '@internal/backend-test-utils';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import {
  eventually,
  startSloBackend,
  type SloTestBackend,
} from '../__testUtils__/startSloBackend';

// The SLO actions through the SLO plugin's actions endpoint, on the real
// stack, for a caller who reads everything (ALICE) and one the catalog
// hides private entities from (BOB).

jest.setTimeout(60_000);

const ALICE = 'user:default/alice';
const BOB = 'user:default/bob';
/** Denied slo.actions.read: the actions that name it do not exist for her. */
const CAROL = 'user:default/carol';
const as = (user: string) => mockCredentials.user.header(user);

/**
 * BOB reads what is not annotated portal.dev/visibility: private; CAROL
 * may not see the SLO actions.
 */
const permissionsFactory = permissionsForTest({
  denied: { [CAROL]: ['slo.actions.read'] },
  privateHiddenFrom: [BOB],
});

const PRIVATE = 'annotations: { portal.dev/visibility: private }';

const ORG = `
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
metadata: { name: platform-portal, ${PRIVATE} }
spec: { type: website, lifecycle: production, owner: team-a }
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

const pushSlo = (name: string) => `
apiVersion: openslo/v1
kind: SLO
metadata: { name: ${name}, displayName: Checkout requests }
spec:
  indicator:
    spec:
      ratioMetric:
        good: { metricSource: { type: Push, spec: {} } }
        total: { metricSource: { type: Push, spec: {} } }
  timeWindow: [{ duration: 1d, isRolling: true }]
  budgetingMethod: Occurrences
  objectives: [{ target: 0.99 }]
`;

const component = (name: string, owner: string, isPrivate = false) => `
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: { name: ${name}${isPrivate ? `, ${PRIVATE}` : ''} }
spec: { type: service, lifecycle: production, owner: ${owner} }
`;

describe('SLO actions', () => {
  let backend: SloTestBackend;
  let dir: string;

  const invoke = (user: string, name: string, input: object) =>
    request(backend.server)
      .post(`/api/slo/.backstage/actions/v1/actions/slo:${name}/invoke`)
      .set('Authorization', as(user))
      .send(input);

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slo-actions-'));
    fs.writeFileSync(path.join(dir, 'org.yaml'), ORG);
    fs.writeFileSync(path.join(dir, 'platform.yaml'), PLATFORM_SLOS);
    backend = await startSloBackend({
      locations: [path.join(dir, 'org.yaml')],
      features: [permissionsFactory],
      slo: {
        platform: {
          file: path.join(dir, 'platform.yaml'),
          entityRef: 'component:default/platform-portal',
        },
        probe: { enabled: false },
      },
    });
    backend.commitRepository('checkout', {
      'catalog-info.yaml': component('checkout', 'team-a'),
      'slo.yaml': pushSlo('requests'),
    });
    backend.commitRepository('vault', {
      'catalog-info.yaml': component('vault', 'team-b', true),
      'slo.yaml': pushSlo('requests'),
    });
    const rescan = await request(backend.server)
      .post('/api/catalog/ingestion/rescan')
      .set('Authorization', as(ALICE))
      .send({ source: 'local-repos' });
    if (rescan.status !== 200)
      throw new Error(`rescan: ${JSON.stringify(rescan.body)}`);
    // Both SLOs with their owners (the sync runs on its own schedule).
    await eventually('the repository SLOs, with owners', async () => {
      const r = await request(backend.server)
        .get('/api/slo/slos')
        .set('Authorization', as(ALICE));
      const owned = (r.body.items ?? []).filter(
        (s: any) => s.origin === 'repository' && s.ownerRef,
      );
      return owned.length === 2 ? true : undefined;
    });
    const id = encodeURIComponent('component:default/checkout/requests');
    const pushed = await request(backend.server)
      .post(`/api/slo/slos/${id}/events`)
      .set('Authorization', as(ALICE))
      .send({
        events: [
          { timestamp: new Date().toISOString(), good: 995, total: 1000 },
        ],
      });
    if (pushed.status !== 202)
      throw new Error(`push: ${JSON.stringify(pushed.body)}`);
    const pushedAt = Date.now();
    await eventually('an evaluation after the push', async () => {
      const r = await request(backend.server)
        .get(`/api/slo/slos/${id}`)
        .set('Authorization', as(ALICE));
      return r.body.evaluatedAt && Date.parse(r.body.evaluatedAt) > pushedAt
        ? true
        : undefined;
    });
  });

  afterAll(async () => {
    await backend?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('get-entity-slos: each SLO with objective, error budget remaining and burn rates', async () => {
    const res = await invoke(ALICE, 'get-entity-slos', {
      entityRef: 'Component:default/checkout',
    });
    expect(res.status).toBe(200);
    const { entityRef, slos } = res.body.output;
    expect(entityRef).toBe('component:default/checkout');
    expect(slos).toEqual([
      expect.objectContaining({
        id: 'component:default/checkout/requests',
        displayName: 'Checkout requests',
        ownerRef: 'group:default/team-a',
        origin: 'repository',
        sourceType: 'Push',
        objective: {
          target: 0.99,
          window: '1d',
          rolling: true,
          budgetingMethod: 'Occurrences',
        },
        state: 'ok',
        errorBudget: expect.objectContaining({
          good: 995,
          total: 1000,
          consumed: 5,
        }),
      }),
    ]);
    expect(slos[0].errorBudget.remaining).toBeCloseTo(0.5, 6);
    expect(
      slos[0].burnRates.find((b: any) => b.windowMinutes === 5).rate,
    ).toBeCloseTo(0.5, 6);
    expect(slos[0].inWords).toContain(
      'Checkout requests: 99% over a 1d rolling window, ok; 50% of the error budget left',
    );
  });

  it('get-entity-slos: 404 for an entity the caller may not read or that does not exist, 400 for a bad ref', async () => {
    const alice = await invoke(ALICE, 'get-entity-slos', {
      entityRef: 'component:default/vault',
    });
    expect(alice.body.output.slos).toHaveLength(1);
    for (const entityRef of [
      'component:default/vault',
      'component:default/nothing',
    ]) {
      const res = await invoke(BOB, 'get-entity-slos', { entityRef });
      expect(res.status).toBe(404);
      expect(res.body.error).toMatchObject({
        name: 'NotFoundError',
        message: `no entity ${entityRef}`,
      });
    }
    const bad = await invoke(ALICE, 'get-entity-slos', {
      entityRef: 'component:',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.name).toBe('InputError');
  });

  it("get-platform-health: the platform's SLOs the caller may read, and provisioning", async () => {
    const alice = await invoke(ALICE, 'get-platform-health', { days: 3 });
    expect(alice.status).toBe(200);
    expect(alice.body.output).toMatchObject({
      slos: [
        expect.objectContaining({
          name: 'provisioning-success',
          entityRef: 'component:default/platform-portal',
          origin: 'platform',
          objective: expect.objectContaining({ target: 0.95, window: '28d' }),
        }),
      ],
      evaluation: expect.objectContaining({ evaluated: expect.any(Number) }),
      provisioning: { completed: 0, failed: 0, successRate: null },
      probes: [],
    });
    const from = Date.parse(alice.body.output.provisioning.from);
    const to = Date.parse(alice.body.output.provisioning.to);
    expect(to - from).toBe(3 * 86_400_000);

    // The platform's entity is private to team-a: BOB gets no SLOs of it.
    const bob = await invoke(BOB, 'get-platform-health', {});
    expect(bob.status).toBe(200);
    expect(bob.body.output.slos).toEqual([]);
    expect(bob.body.output.provisioning).toMatchObject({ completed: 0 });

    const tooLong = await invoke(ALICE, 'get-platform-health', { days: 91 });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error.name).toBe('InputError');
  });

  it('lists its actions with their attributes and input schemas', async () => {
    const res = await request(backend.server)
      .get('/api/slo/.backstage/actions/v1/actions')
      .set('Authorization', as(ALICE));
    expect(res.status).toBe(200);
    const mine = res.body.actions
      .filter((a: any) =>
        ['slo:get-entity-slos', 'slo:get-platform-health'].includes(a.id),
      )
      .map((a: any) => ({ id: a.id, attributes: a.attributes }));
    expect(mine).toEqual([
      {
        id: 'slo:get-entity-slos',
        attributes: { readOnly: true, idempotent: true, destructive: false },
      },
      {
        id: 'slo:get-platform-health',
        attributes: { readOnly: true, idempotent: true, destructive: false },
      },
    ]);
    for (const a of res.body.actions)
      expect(a.schema.input.type).toBe('object');
  });

  it('shows its actions only to callers allowed slo.actions.read, and they do not exist for the others', async () => {
    const mine = ['slo:get-entity-slos', 'slo:get-platform-health'];
    const listed = async (user: string) => {
      const res = await request(backend.server)
        .get('/api/slo/.backstage/actions/v1/actions')
        .set('Authorization', as(user));
      expect(res.status).toBe(200);
      return res.body.actions
        .map((a: any) => a.id)
        .filter((id: string) => mine.includes(id));
    };
    expect(await listed(ALICE)).toEqual(mine);
    expect(await listed(BOB)).toEqual(mine);
    // Denied only slo.actions.read: every one of them is gone.
    expect(await listed(CAROL)).toEqual([]);

    for (const id of mine) {
      const res = await invoke(CAROL, id.split(':')[1], {});
      expect(res.status).toBe(404);
      expect(res.body.error).toMatchObject({
        name: 'NotFoundError',
        message: `Action "${id}" not found`,
      });
    }
    const alice = await invoke(ALICE, 'get-platform-health', {});
    expect(alice.status).toBe(200);
  });
});
