import { permissionsServiceFactory } from '@backstage/backend-defaults/permissions';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import { eventsServiceFactory } from '@backstage/plugin-events-node';
import notificationsPlugin from '@backstage/plugin-notifications-backend';
import permissionPlugin from '@backstage/plugin-permission-backend';
import {
  dropDatabases,
  eventually,
  stackConfig,
} from '@internal/backend-test-utils';
import catalogModuleIngestion from '@internal/plugin-catalog-backend-module-ingestion';
import catalogModuleInventory from '@internal/plugin-catalog-backend-module-inventory';
import dxPlugin from '@internal/plugin-dx-backend';
import goldenPathsPlugin from '@internal/plugin-golden-paths-backend';
import portalPolicy from '@internal/plugin-permission-backend-module-portal-policy';
import sloPlugin from '@internal/plugin-slo-backend';
import knexFactory from 'knex';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import {
  restrictedServiceHeader,
  testHttpAuthFactory,
  testUserInfoFactory,
} from '../__testUtils__/testServices';

/*
 * Every write route of the portal's own plugins, on the real stack with the
 * real permission backend and the portal's policy: without credentials 401,
 * signed in without the permission 403, with it 2xx.
 */

jest.setTimeout(180_000);

const CONNECTION =
  process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;

const ADA = 'user:default/ada'; // platform-team
const BOB = 'user:default/bob'; // no team
const CAROL = 'user:default/carol'; // team-a, which owns checkout

/** Group memberships as a sign-in resolver would put them in the token. */
const MEMBERSHIPS: Record<string, string[]> = {
  [ADA]: ['group:default/platform-team'],
  [CAROL]: ['group:default/team-a'],
};

const ORG = `
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: { name: platform-team }
spec: { type: team, children: [], members: [ada] }
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: { name: team-a }
spec: { type: team, children: [], members: [carol] }
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: { name: ada }
spec: { memberOf: [platform-team] }
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: { name: bob }
spec: { memberOf: [] }
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: { name: carol }
spec: { memberOf: [team-a] }
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: { name: checkout }
spec: { type: service, lifecycle: production, owner: team-a }
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: { name: legacy }
spec: { type: service, lifecycle: deprecated, owner: team-a }
`;

const pushSlo = (name: string) => `
apiVersion: openslo/v1
kind: SLO
metadata: { name: ${name} }
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

const deploy = (id: string) => ({
  format: 'generic',
  events: [
    {
      id,
      type: 'deployment',
      action: 'deployed',
      timestamp: new Date().toISOString(),
      entityRef: 'component:default/checkout',
      environment: 'production',
      outcome: 'success',
    },
  ],
});

type Method = 'post' | 'delete';
type Who =
  | { user: string }
  | { service: true }
  | { serviceWith: string[] }
  | 'none';

interface WriteRoute {
  method: Method;
  /** The URL; a function when the route needs something made first. */
  url: string | (() => Promise<string>);
  body?: object;
  /** Signed in but without the permission (a user, or a service token). */
  denied: Who;
  /** With the permission. */
  allowed: Who;
  ok: number;
}

describe('write routes of the portal plugins under the portal policy', () => {
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  let dir: string;
  let goldenPathsDb: ReturnType<typeof knexFactory>;
  const prefix = `portal_sec_${process.pid}_${Date.now().toString(36)}_`;

  beforeAll(async () => {
    if (!CONNECTION) throw new Error('these tests need the real PostgreSQL');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-sec-'));
    fs.mkdirSync(path.join(dir, 'repos'));
    fs.writeFileSync(path.join(dir, 'org.yaml'), ORG);
    backend = await startTestBackend({
      features: [
        catalogPlugin,
        catalogModuleIngestion,
        catalogModuleInventory,
        notificationsPlugin,
        eventsServiceFactory,
        schedulerServiceFactory,
        sloPlugin,
        goldenPathsPlugin,
        dxPlugin,
        permissionPlugin,
        portalPolicy,
        permissionsServiceFactory,
        testUserInfoFactory(MEMBERSHIPS),
        testHttpAuthFactory,
        mockServices.rootConfig.factory({
          data: {
            ...stackConfig({
              connection: CONNECTION,
              prefix,
              locations: [path.join(dir, 'org.yaml')],
              reposDir: path.join(dir, 'repos'),
              kinds: ['Component', 'Group', 'User', 'Location'],
            }),
            permission: { enabled: true },
            slo: { sync: { frequencyMs: 1000 } },
            dx: {
              surveys: {
                definitions: [
                  {
                    id: 'pulse',
                    title: 'Pulse',
                    trigger: 'portal',
                    period: 'month',
                    questions: [{ id: 'ease', text: 'Easy?', type: 'scale' }],
                  },
                ],
              },
            },
          },
        }),
      ],
    });
    await eventually(
      'checkout and its owners in the catalog',
      async () => {
        const r = await request(backend.server)
          .get('/api/catalog/entities/by-name/user/default/carol')
          .set('Authorization', mockCredentials.user.header(ADA));
        return r.status === 200 && r.body.relations?.length ? true : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 300 },
    );
    goldenPathsDb = knexFactory({
      client: 'pg',
      connection: `${CONNECTION}/${prefix}golden-paths`,
    });
  });

  afterAll(async () => {
    await goldenPathsDb?.destroy();
    await backend?.stop();
    if (CONNECTION) await dropDatabases(CONNECTION, prefix);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const header = (who: Who): Record<string, string> => {
    if (who === 'none') return {};
    if ('serviceWith' in who)
      return { Authorization: restrictedServiceHeader(who.serviceWith) };
    if ('service' in who)
      return { Authorization: mockCredentials.service.header() };
    return { Authorization: mockCredentials.user.header(who.user) };
  };

  const call = (route: WriteRoute, url: string, who: Who) =>
    request(backend.server)
      [route.method](url)
      .set(header(who))
      .send(route.body ?? {});

  let sloCount = 0;
  /** A push SLO on checkout, made by its owner. Returns its id. */
  async function newSlo() {
    sloCount += 1;
    const name = `requests-${sloCount}`;
    const res = await request(backend.server)
      .post('/api/slo/slos')
      .set(header({ user: CAROL }))
      .send({ entityRef: 'component:default/checkout', yaml: pushSlo(name) });
    if (res.status !== 201)
      throw new Error(`SLO not made: ${res.status} ${res.text}`);
    return encodeURIComponent(`component:default/checkout/${name}`);
  }

  /** A pending golden-gate request, as the scaffolder step opens one. */
  async function newGate() {
    const [{ id }] = await goldenPathsDb('golden_gate_requests')
      .insert({
        task_id: `task-${Date.now()}-${Math.random()}`,
        template_ref: 'template:default/postgres-database',
        requester: CAROL,
        parameters: JSON.stringify({ storageGb: 250 }),
        reasons: JSON.stringify([]),
        status: 'pending',
        created_at: new Date(),
      })
      .returning('id');
    return String(id);
  }

  const routes: Array<[string, WriteRoute]> = [
    [
      'catalog ingestion: re-scan of one repository (everyone signed in; not a script token for another plugin)',
      {
        method: 'post',
        url: '/api/catalog/ingestion/rescan',
        body: { source: 'local-repos', repository: 'nothing-here' },
        denied: { serviceWith: ['dx.events.ingest'] },
        allowed: { user: BOB },
        // Allowed, and then: no such repository.
        ok: 404,
      },
    ],
    [
      'catalog ingestion: re-scan of a whole source (platform team)',
      {
        method: 'post',
        url: '/api/catalog/ingestion/rescan',
        body: { source: 'local-repos' },
        denied: { user: BOB },
        allowed: { user: ADA },
        ok: 200,
      },
    ],
    [
      'catalog ingestion: SBOM upload (platform team)',
      {
        method: 'post',
        url: '/api/catalog/ingestion/dependencies/sbom?entityRef=component:default/checkout',
        body: {
          bomFormat: 'CycloneDX',
          specVersion: '1.5',
          components: [
            {
              type: 'library',
              name: 'lodash',
              version: '4.17.21',
              purl: 'pkg:npm/lodash@4.17.21',
            },
          ],
        },
        denied: { user: CAROL },
        allowed: { user: ADA },
        ok: 201,
      },
    ],
    [
      'DX: events (platform team and scripts)',
      {
        method: 'post',
        url: '/api/dx/events',
        body: deploy('deploy-1'),
        denied: { user: CAROL },
        allowed: { user: ADA },
        ok: 202,
      },
    ],
    [
      'DX: events from a CI token scoped to dx.events.ingest',
      {
        method: 'post',
        url: '/api/dx/events',
        body: deploy('deploy-2'),
        denied: { serviceWith: ['slo.events.push'] },
        allowed: { serviceWith: ['dx.events.ingest'] },
        ok: 202,
      },
    ],
    [
      'DX: history backfill of a source (platform team)',
      {
        method: 'post',
        url: '/api/dx/backfill',
        body: { sourceId: 'local-repos' },
        denied: { user: BOB },
        allowed: { user: ADA },
        ok: 202,
      },
    ],
    [
      'DX: scorecard refresh (platform team)',
      {
        method: 'post',
        url: '/api/dx/scorecards/refresh',
        denied: { user: BOB },
        allowed: { user: ADA },
        ok: 202,
      },
    ],
    [
      'DX: survey answer (people only, not services)',
      {
        method: 'post',
        url: '/api/dx/surveys/pulse/responses',
        body: { answers: { ease: 4 } },
        denied: { service: true },
        allowed: { user: BOB },
        ok: 201,
      },
    ],
    [
      'golden paths: approve a gate (platform team)',
      {
        method: 'post',
        url: async () => `/api/golden-paths/gates/${await newGate()}/approve`,
        body: { comment: 'ok' },
        denied: { user: CAROL },
        allowed: { user: ADA },
        ok: 200,
      },
    ],
    [
      'golden paths: reject a gate (platform team)',
      {
        method: 'post',
        url: async () => `/api/golden-paths/gates/${await newGate()}/reject`,
        body: { comment: 'too big' },
        denied: { user: CAROL },
        allowed: { user: ADA },
        ok: 200,
      },
    ],
    [
      'golden paths: scaffolder policy step (backend plugins only)',
      {
        method: 'post',
        url: '/api/golden-paths/checks',
        body: {
          taskId: 'task-check',
          templateRef: 'template:default/service',
          requester: CAROL,
          parameters: {},
        },
        denied: { user: ADA },
        allowed: { service: true },
        ok: 200,
      },
    ],
    [
      'SLO: create (owners of the entity)',
      {
        method: 'post',
        url: '/api/slo/slos',
        body: {
          entityRef: 'component:default/checkout',
          yaml: pushSlo('made-in-test'),
        },
        denied: { user: BOB },
        allowed: { user: CAROL },
        ok: 201,
      },
    ],
    [
      'SLO: delete (owners of the entity)',
      {
        method: 'delete',
        url: async () => `/api/slo/slos/${await newSlo()}`,
        denied: { user: BOB },
        allowed: { user: CAROL },
        ok: 204,
      },
    ],
    [
      'SLO: push counts (platform team and scripts)',
      {
        method: 'post',
        url: async () => `/api/slo/slos/${await newSlo()}/events`,
        body: {
          events: [{ timestamp: new Date().toISOString(), good: 9, total: 10 }],
        },
        denied: { user: CAROL },
        allowed: { user: ADA },
        ok: 202,
      },
    ],
  ];

  // An upstream write under the same policy: deleting catalog entities.
  routes.push([
    'catalog: delete an entity (platform team only, not even its owners)',
    {
      method: 'delete',
      url: async () => {
        const r = await request(backend.server)
          .get('/api/catalog/entities/by-name/component/default/legacy')
          .set(header({ user: ADA }));
        // (Gone after the first call; later callers get a uid that is no more.)
        return `/api/catalog/entities/by-uid/${
          r.body?.metadata?.uid ?? 'deleted'
        }`;
      },
      denied: { user: CAROL },
      allowed: { user: ADA },
      ok: 204,
    },
  ]);

  it.each(routes)('%s: 401, 403, then 2xx', async (_name, route) => {
    const url = typeof route.url === 'string' ? route.url : await route.url();
    const none = await call(route, url, 'none');
    const denied = await call(route, url, route.denied);
    const allowed = await call(route, url, route.allowed);
    expect({
      none: none.status,
      denied: denied.status,
      allowed: allowed.status,
    }).toEqual({ none: 401, denied: 403, allowed: route.ok });
    // A refusal says why, in Backstage's error shape.
    expect(denied.body.error?.name).toBe('NotAllowedError');
  });

  it('lets no __proto__, constructor or prototype key in a body or query reach Object.prototype', async () => {
    const hostile = [
      '{"__proto__": {"polluted": "body"}, "events": [{"__proto__": {"polluted": "event"}}]}',
      '{"constructor": {"prototype": {"polluted": "constructor"}}}',
      '{"parameters": {"__proto__": {"polluted": "parameters"}}, "comment": "x"}',
    ];
    let calls = 0;
    for (const [, route] of routes) {
      const url = typeof route.url === 'string' ? route.url : await route.url();
      const sep = url.includes('?') ? '&' : '?';
      for (const body of hostile) {
        await request(backend.server)
          [route.method](
            `${url}${sep}__proto__[polluted]=query&constructor[prototype][polluted]=query`,
          )
          .set(header(route.allowed))
          .set('Content-Type', 'application/json')
          .send(body);
        calls += 1;
      }
    }
    expect(calls).toBe(routes.length * hostile.length);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(
      Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted'),
    ).toBe(false);
  });
});
