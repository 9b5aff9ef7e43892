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
  commitFiles,
  dropDatabases,
  eventually,
  stackConfig,
} from '@internal/backend-test-utils';
import catalogModuleIngestion from '@internal/plugin-catalog-backend-module-ingestion';
import catalogModuleInventory from '@internal/plugin-catalog-backend-module-inventory';
import catalogModuleRepositoryDocs from '@internal/plugin-catalog-backend-module-repository-docs';
import dxPlugin from '@internal/plugin-dx-backend';
import portalPolicy from '@internal/plugin-permission-backend-module-portal-policy';
import sloPlugin from '@internal/plugin-slo-backend';
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
 * Reads of the portal's dashboards follow the caller's catalog read
 * permission: with the policy's private entities on, a private component's
 * delivery events, DORA numbers and SLOs are its owners' (and the platform
 * team's); a token scoped to sending data reads none of it.
 */

jest.setTimeout(180_000);

const CONNECTION =
  process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;

const ADA = 'user:default/ada'; // platform-team
const BOB = 'user:default/bob'; // team-b, owns checkout
const CAROL = 'user:default/carol'; // team-a, owns vault (private)

const MEMBERSHIPS: Record<string, string[]> = {
  [ADA]: ['group:default/platform-team'],
  [BOB]: ['group:default/team-b'],
  [CAROL]: ['group:default/team-a'],
};

const VAULT = 'component:default/vault';
const CHECKOUT = 'component:default/checkout';

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
kind: Group
metadata: { name: team-b }
spec: { type: team, children: [], members: [bob] }
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: { name: ada }
spec: { memberOf: [platform-team] }
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: { name: bob }
spec: { memberOf: [team-b] }
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: { name: carol }
spec: { memberOf: [team-a] }
`;

/** The two components, each in its repository with a README and an SBOM. */
const REPOSITORIES: Record<string, Record<string, string>> = {
  vault: {
    'catalog-info.yaml': `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: vault
  annotations: { portal.dev/visibility: private }
spec: { type: service, lifecycle: production, owner: team-a }
`,
    'README.md': '# Vault\n\nWhere the secrets live.\n',
    'bom.json': sbom(),
  },
  checkout: {
    'catalog-info.yaml': `apiVersion: backstage.io/v1alpha1
kind: Component
metadata: { name: checkout }
spec: { type: service, lifecycle: production, owner: team-b }
`,
    'README.md': '# Checkout\n',
    'bom.json': sbom(),
  },
};

function sbom() {
  return JSON.stringify({
    bomFormat: 'CycloneDX',
    specVersion: '1.5',
    metadata: { component: { type: 'application', name: 'x', 'bom-ref': 'x' } },
    components: [
      {
        type: 'library',
        name: 'lodash',
        version: '4.17.20',
        purl: 'pkg:npm/lodash@4.17.20',
        'bom-ref': 'lodash',
      },
    ],
    dependencies: [{ ref: 'x', dependsOn: ['lodash'] }],
  });
}

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

const deploy = (id: string, entityRef: string) => ({
  id,
  type: 'deployment',
  action: 'deployed',
  timestamp: new Date().toISOString(),
  entityRef,
  environment: 'production',
  outcome: 'success',
});

describe('dashboard reads under the catalog read permission', () => {
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  let dir: string;
  const prefix = `portal_rs_${process.pid}_${Date.now().toString(36)}_`;
  const as = (user: string) => ({
    Authorization: mockCredentials.user.header(user),
  });
  const get = (url: string, headers: Record<string, string>) =>
    request(backend.server).get(url).set(headers);

  beforeAll(async () => {
    if (!CONNECTION) throw new Error('these tests need the real PostgreSQL');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-rs-'));
    fs.mkdirSync(path.join(dir, 'repos'));
    fs.writeFileSync(path.join(dir, 'org.yaml'), ORG);
    for (const [name, files] of Object.entries(REPOSITORIES))
      commitFiles(path.join(dir, 'repos', name), files);
    backend = await startTestBackend({
      features: [
        catalogPlugin,
        catalogModuleIngestion,
        catalogModuleInventory,
        catalogModuleRepositoryDocs,
        notificationsPlugin,
        eventsServiceFactory,
        schedulerServiceFactory,
        sloPlugin,
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
            portal: { permissions: { privateEntities: true } },
            slo: { sync: { frequencyMs: 1000 } },
          },
        }),
      ],
    });
    const rescan = await request(backend.server)
      .post('/api/catalog/ingestion/rescan')
      .set(as(ADA))
      .send({ source: 'local-repos' });
    if (rescan.status !== 200)
      throw new Error(`rescan: ${rescan.status} ${rescan.text}`);
    await eventually(
      'both components and their owners in the catalog',
      async () => {
        const [carol, bob] = await Promise.all([
          get('/api/catalog/entities/by-name/user/default/carol', as(ADA)),
          get('/api/catalog/entities/by-name/user/default/bob', as(ADA)),
        ]);
        const [vault, checkout] = await Promise.all(
          ['vault', 'checkout'].map(name =>
            get(
              `/api/catalog/entities/by-name/component/default/${name}`,
              as(ADA),
            ),
          ),
        );
        return carol.body.relations?.length &&
          bob.body.relations?.length &&
          vault.body.relations?.length &&
          checkout.body.relations?.length
          ? true
          : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 300 },
    );
    const sent = await request(backend.server)
      .post('/api/dx/events')
      .set(as(ADA))
      .send({
        format: 'generic',
        events: [deploy('d-vault', VAULT), deploy('d-checkout', CHECKOUT)],
      });
    if (sent.status !== 202)
      throw new Error(`events not sent: ${sent.status} ${sent.text}`);
    for (const [who, entityRef] of [
      [CAROL, VAULT],
      [BOB, CHECKOUT],
    ]) {
      const made = await request(backend.server)
        .post('/api/slo/slos')
        .set(as(who))
        .send({ entityRef, yaml: pushSlo('requests') });
      if (made.status !== 201)
        throw new Error(`SLO of ${who} not made: ${made.status} ${made.text}`);
    }
  });

  afterAll(async () => {
    await backend?.stop();
    if (CONNECTION) await dropDatabases(CONNECTION, prefix);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('hides the private component in the catalog from everyone but its owners', async () => {
    const path_ = '/api/catalog/entities/by-name/component/default/vault';
    expect((await get(path_, as(BOB))).status).toBe(404);
    expect((await get(path_, as(CAROL))).status).toBe(200);
    expect((await get(path_, as(ADA))).status).toBe(200);
  });

  it('lists delivery events of readable entities only', async () => {
    const refs = async (who: string, query = '') =>
      (await get(`/api/dx/events${query}`, as(who))).body.items
        .map((e: { entityRef: string }) => e.entityRef)
        .sort();
    expect(await refs(BOB)).toEqual([CHECKOUT]);
    expect(await refs(BOB, `?entityRef=${VAULT}`)).toEqual([]);
    expect(await refs(CAROL)).toEqual([CHECKOUT, VAULT]);
    expect(await refs(ADA)).toEqual([CHECKOUT, VAULT]);
  });

  it('counts DORA numbers over readable entities only', async () => {
    const deployments = async (who: string, query = '') => {
      const r = await get(`/api/dx/metrics/dora${query}`, as(who));
      expect(r.status).toBe(200);
      return r.body.deploymentFrequency.deployments;
    };
    expect(await deployments(BOB, `?entityRef=${VAULT}`)).toBe(0);
    expect(await deployments(CAROL, `?entityRef=${VAULT}`)).toBe(1);
    expect(await deployments(BOB)).toBe(1);
    expect(await deployments(ADA)).toBe(2);
  });

  it('lists and opens SLOs of readable entities only', async () => {
    const listed = async (who: string) =>
      (await get('/api/slo/slos', as(who))).body.items
        .map((s: { entityRef: string }) => s.entityRef)
        .sort();
    expect(await listed(BOB)).toEqual([CHECKOUT]);
    expect(await listed(CAROL)).toEqual([CHECKOUT, VAULT]);
    const vaultSlo = `/api/slo/slos/${encodeURIComponent(`${VAULT}/requests`)}`;
    expect((await get(vaultSlo, as(BOB))).status).toBe(404);
    expect((await get(vaultSlo, as(CAROL))).status).toBe(200);
  });

  it('shows docs and dependencies of readable entities only', async () => {
    const indexed = async (who: string) =>
      (await get('/api/catalog/ingestion/docs/index', as(who))).body.items
        .map((i: { entityRef: string }) => i.entityRef)
        .sort();
    expect(await indexed(BOB)).toEqual([CHECKOUT]);
    expect(await indexed(CAROL)).toEqual([CHECKOUT, VAULT]);
    const docs = `/api/catalog/ingestion/docs?entityRef=${VAULT}`;
    expect((await get(docs, as(BOB))).status).toBe(404);
    expect((await get(docs, as(CAROL))).status).toBe(200);
    const users = async (who: string) =>
      (
        await get(
          '/api/catalog/ingestion/dependencies/usages?package=pkg:npm/lodash',
          as(who),
        )
      ).body.items
        .map((i: { entityRef: string }) => i.entityRef)
        .sort();
    expect(await users(BOB)).toEqual([CHECKOUT]);
    expect(await users(CAROL)).toEqual([CHECKOUT, VAULT]);
    const deps = `/api/catalog/ingestion/dependencies/entity?entityRef=${VAULT}`;
    expect((await get(deps, as(BOB))).status).toBe(404);
    expect((await get(deps, as(CAROL))).status).toBe(200);
  });

  it('gives a token scoped to sending data none of it to read', async () => {
    const ci = {
      Authorization: restrictedServiceHeader([
        'dx.events.ingest',
        'slo.events.push',
      ]),
    };
    const statuses = async (urls: string[]) =>
      Promise.all(urls.map(async url => [url, (await get(url, ci)).status]));
    const urls = [
      '/api/dx/events',
      '/api/dx/metrics/dora',
      '/api/dx/metrics/golden-paths',
      '/api/dx/metrics/adoption',
      '/api/dx/scorecards/rollup',
      '/api/slo/slos',
      '/api/slo/platform',
      '/api/catalog/ingestion/docs/index',
      '/api/catalog/ingestion/docs/entities',
      `/api/catalog/ingestion/docs?entityRef=${CHECKOUT}`,
      '/api/catalog/ingestion/dependencies/usages?package=lodash',
      `/api/catalog/ingestion/dependencies/entity?entityRef=${CHECKOUT}`,
      '/api/catalog/ingestion/openslo',
    ];
    expect(await statuses(urls)).toEqual(urls.map(url => [url, 403]));
    // What it is scoped to still works.
    const sent = await request(backend.server)
      .post('/api/dx/events')
      .set(ci)
      .send({ format: 'generic', events: [deploy('d-ci', CHECKOUT)] });
    expect(sent.status).toBe(202);
  });
});
