import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import catalogModuleScaffolderEntityModel from '@backstage/plugin-catalog-backend-module-scaffolder-entity-model';
import { eventsServiceFactory } from '@backstage/plugin-events-node';
import notificationsPlugin from '@backstage/plugin-notifications-backend';
import {
  commitFiles,
  dropDatabases,
  eventually,
  MANUAL_SCHEDULE,
  stackConfig,
} from '@internal/backend-test-utils';
import catalogModuleIngestion from '@internal/plugin-catalog-backend-module-ingestion';
import catalogModuleInventory from '@internal/plugin-catalog-backend-module-inventory';
import catalogModuleRepositoryDocs from '@internal/plugin-catalog-backend-module-repository-docs';
// The real plugins whose facts the scorecards read, in one test backend.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import goldenPathsPlugin from '@internal/plugin-golden-paths-backend';
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import sloPlugin from '@internal/plugin-slo-backend';
import {
  DEFAULT_VULNERABILITY_FIX,
  type AdoptionMetrics,
  EntityScorecard,
  OnboardingMetrics,
  ScorecardRollupResponse,
} from '@internal/plugin-dx-common';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import dxPlugin from './index';
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';

/**
 * Allows everything but each person's onboarding dates to these people,
 * as the portal policy does for people outside the platform groups.
 */
const NOT_PLATFORM = ['user:default/bob', 'user:default/carol'];
const permissionsFactory = createServiceFactory({
  service: coreServices.permissions,
  deps: {},
  factory: () => ({
    async authorize(requests: any[], options: any) {
      const who = options?.credentials?.principal?.userEntityRef;
      return requests.map(r => ({
        result:
          r.permission.name === 'dx.onboarding.people.read' &&
          NOT_PLATFORM.includes(who)
            ? AuthorizeResult.DENY
            : AuthorizeResult.ALLOW,
      })) as any;
    },
    async authorizeConditional(requests: any[]) {
      return requests.map(() => ({ result: AuthorizeResult.ALLOW })) as any;
    },
  }),
});

jest.setTimeout(180_000);

const CONNECTION =
  process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;
const ALICE = 'user:default/alice';
const as = () => mockCredentials.user.header(ALICE);
const wait = <T>(what: string, check: () => Promise<T | undefined>) =>
  eventually(what, check, { timeoutMs: 60_000, intervalMs: 300 });

const org = (users: string[]) => `
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: { name: team-a, title: Team A }
spec: { type: team, children: [] }
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: { name: team-b }
spec: { type: team, children: [] }
---
apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: service
  annotations: { portal.dev/template-version: 2.0.0 }
spec: { type: service, owner: team-a, steps: [] }
${users
  .map(
    name => `---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: { name: ${name} }
spec:
  profile: { email: ${name}@acme.test }
  memberOf: [team-a]
`,
  )
  .join('')}`;

const component = (
  name: string,
  owner: string,
  version: string,
) => `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ${name}
  annotations:
    portal.dev/template: template:default/service
    portal.dev/template-version: ${version}
spec: { type: service, lifecycle: production, owner: ${owner} }
`;

const sbom = (lodash: string) =>
  JSON.stringify({
    bomFormat: 'CycloneDX',
    specVersion: '1.5',
    metadata: { component: { type: 'application', name: 'x', 'bom-ref': 'x' } },
    components: [
      {
        type: 'library',
        name: 'lodash',
        version: lodash,
        purl: `pkg:npm/lodash@${lodash}`,
        'bom-ref': 'lodash',
      },
    ],
    dependencies: [{ ref: 'x', dependsOn: ['lodash'] }],
  });

const SLO = `apiVersion: openslo/v1
kind: SLO
metadata: { name: checkout-requests }
spec:
  indicator:
    spec:
      ratioMetric:
        good: { metricSource: { type: Push, spec: {} } }
        total: { metricSource: { type: Push, spec: {} } }
  timeWindow: [{ duration: 28d, isRolling: true }]
  budgetingMethod: Occurrences
  objectives: [{ target: 0.99 }]
`;

/** An advisory in OSV format, as an advisory source holds it. */
const ADVISORY = {
  id: 'GHSA-test-lodash',
  modified: '2026-11-01T00:00:00Z',
  aliases: ['CVE-2026-4242'],
  summary: 'Prototype pollution in lodash',
  database_specific: { severity: 'HIGH' },
  affected: [
    {
      package: { ecosystem: 'npm', name: 'lodash' },
      ranges: [
        {
          type: 'ECOSYSTEM',
          events: [{ introduced: '0' }, { fixed: '4.17.21' }],
        },
      ],
    },
  ],
};

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
        id: 'docs',
        title: 'Has docs',
        level: 'bronze',
        check: 'has-docs',
        fix: 'Add a README.md',
      },
      {
        id: 'slo',
        title: 'Has an SLO',
        level: 'silver',
        check: 'has-slo',
        fix: 'Add slo.yaml',
      },
      {
        id: 'lodash',
        title: 'No flagged package',
        level: 'silver',
        check: 'no-flagged-packages',
        packages: [
          {
            package: 'pkg:npm/lodash',
            range: '<4.17.21',
            reason: 'CVE-2021-23337',
          },
        ],
        fix: 'Upgrade lodash',
      },
      {
        id: 'vulns',
        title: 'No known vulnerability',
        level: 'silver',
        check: 'no-known-vulnerabilities',
      },
      {
        id: 'critical-vulns',
        title: 'No critical vulnerability',
        level: 'gold',
        check: 'no-known-vulnerabilities',
        minSeverity: 'critical',
        fix: 'Upgrade now',
      },
      {
        id: 'template',
        title: 'Newest template',
        level: 'gold',
        check: 'newest-template-version',
        fix: 'Upgrade the template',
      },
      {
        id: 'weekly',
        title: 'Deploys weekly',
        level: 'gold',
        check: 'deploys-at-least',
        perWeek: 1,
        days: 28,
        fix: 'Ship more often',
      },
    ],
  },
];

describe('scorecards, adoption and onboarding on the real stack', () => {
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  let dir: string;
  let reposDir: string;
  const prefix = `portal_dxp_${process.pid}_${Date.now().toString(36)}_`;

  beforeAll(async () => {
    if (!CONNECTION) throw new Error('these tests need the real PostgreSQL');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dx-platform-'));
    reposDir = path.join(dir, 'repos');
    fs.writeFileSync(path.join(dir, 'org.yaml'), org(['alice']));
    commitFiles(path.join(reposDir, 'checkout'), {
      'catalog-info.yaml': component('checkout', 'team-a', '2.0.0'),
      'README.md': '# Checkout\n',
      'slo.yaml': SLO,
      'bom.json': sbom('4.17.21'),
    });
    commitFiles(path.join(reposDir, 'legacy'), {
      'catalog-info.yaml': component('legacy', 'team-ghost', '1.0.0'),
      'bom.json': sbom('4.17.20'),
    });
    fs.mkdirSync(path.join(dir, 'osv', 'npm'), { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'osv', 'npm', 'GHSA-test-lodash.json'),
      JSON.stringify(ADVISORY),
    );
    // The same vulnerability (its CVE) from another database, rated lower:
    // the check names it once, with the worse rating.
    fs.writeFileSync(
      path.join(dir, 'osv', 'npm', 'OSV-test-lodash.json'),
      JSON.stringify({
        ...ADVISORY,
        id: 'OSV-test-lodash',
        database_specific: { severity: 'LOW' },
      }),
    );
    const stack = stackConfig({
      connection: CONNECTION,
      prefix,
      locations: [path.join(dir, 'org.yaml')],
      reposDir,
      kinds: ['Component', 'Template', 'Location', 'Group', 'User'],
    }) as any;
    // Advisories are imported when the test asks.
    stack.catalog.ingestion.advisories = {
      sources: [{ id: 'osv-test', path: path.join(dir, 'osv') }],
      schedule: MANUAL_SCHEDULE,
    };
    backend = await startTestBackend({
      features: [
        catalogPlugin,
        catalogModuleScaffolderEntityModel,
        catalogModuleIngestion,
        catalogModuleInventory,
        catalogModuleRepositoryDocs,
        notificationsPlugin,
        eventsServiceFactory,
        schedulerServiceFactory,
        sloPlugin,
        goldenPathsPlugin,
        dxPlugin,
        permissionsFactory,
        mockServices.rootConfig.factory({
          data: {
            ...stack,
            slo: { sync: { frequencyMs: 1000 } },
            dx: {
              scorecards: {
                definitions: SCORECARDS,
                frequencyMinutes: 1440,
              },
            },
          },
        }),
      ],
    });
    const rescan = await request(backend.server)
      .post('/api/catalog/ingestion/rescan')
      .set('Authorization', as())
      .send({ source: 'local-repos' });
    if (rescan.status !== 200)
      throw new Error(`rescan answered ${rescan.status}`);
    const { server } = backend;
    for (const name of ['checkout', 'legacy'])
      await wait(`${name} in the catalog`, async () => {
        const r = await request(server)
          .get(`/api/catalog/entities/by-name/component/default/${name}`)
          .set('Authorization', as());
        return r.status === 200 && r.body.relations?.length ? true : undefined;
      });
    const imported = await request(backend.server)
      .post('/api/catalog/ingestion/dependencies/advisories/import')
      .set('Authorization', as());
    if (imported.status !== 200)
      throw new Error(`advisory import answered ${imported.status}`);
    await wait('both advisories to hit legacy', async () => {
      const r = await request(backend.server)
        .get('/api/catalog/ingestion/dependencies/vulnerabilities')
        .set('Authorization', as());
      return r.body.items?.length === 2 ? true : undefined;
    });
    await wait('the SLO of checkout', async () => {
      const r = await request(backend.server)
        .get('/api/slo/slos?entityRef=component:default/checkout')
        .set('Authorization', as());
      return r.body.items?.length === 1 ? true : undefined;
    });
    // Eight production deployments of checkout in the last four weeks.
    const now = Date.now();
    const events = Array.from({ length: 8 }, (_, i) => ({
      id: `deploy-${i}`,
      type: 'deployment',
      action: 'deployed',
      timestamp: new Date(now - (i + 1) * 3 * 86_400_000).toISOString(),
      entityRef: 'component:default/checkout',
      environment: 'production',
      outcome: 'success',
    }));
    const sent = await request(backend.server)
      .post('/api/dx/events')
      .set('Authorization', as())
      .send({ format: 'generic', events });
    if (sent.body.accepted !== 8)
      throw new Error(`events not accepted: ${JSON.stringify(sent.body)}`);
  });
  afterAll(async () => {
    await backend?.stop();
    if (CONNECTION) await dropDatabases(CONNECTION, prefix);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const get = (url: string) =>
    request(backend.server).get(url).set('Authorization', as());

  /** Runs the scorecards now and waits for a result evaluated after now. */
  async function refresh() {
    const since = Date.now();
    await wait('the scorecard run to be accepted', async () => {
      const r = await request(backend.server)
        .post('/api/dx/scorecards/refresh')
        .set('Authorization', as());
      // 409 while the first scheduled run is still going.
      return r.status === 202 ? true : undefined;
    });
    return wait('fresh scorecards', async () => {
      const r = await get(
        '/api/dx/scorecards/entity?entityRef=component:default/legacy',
      );
      const item: EntityScorecard | undefined = r.body.items?.[0];
      return item && Date.parse(item.evaluatedAt) >= since ? item : undefined;
    });
  }

  it('refuses every new route without credentials', async () => {
    for (const [method, url] of [
      ['get', '/api/dx/scorecards'],
      ['get', '/api/dx/scorecards/entity?entityRef=component:default/legacy'],
      ['get', '/api/dx/scorecards/rollup'],
      ['get', '/api/dx/scorecards/results.csv'],
      ['post', '/api/dx/scorecards/refresh'],
      ['get', '/api/dx/metrics/adoption'],
      ['get', '/api/dx/metrics/onboarding'],
    ] as const) {
      const res = await request(backend.server)
        [method](url)
        .set('Authorization', mockCredentials.none.header());
      expect([method, url, res.status]).toEqual([method, url, 401]);
    }
  });

  it('scores each component from what the portal knows, names failing checks and their fixes', async () => {
    const legacy = await refresh();
    expect(legacy.level).toBeNull();
    const byId = Object.fromEntries(legacy.checks.map(c => [c.id, c]));
    expect(byId.owner).toMatchObject({
      status: 'fail',
      detail:
        'owner group:default/team-ghost is not a Group or User in the catalog',
      fix: 'Set spec.owner to a Group',
    });
    expect(byId.docs).toMatchObject({ status: 'fail', fix: 'Add a README.md' });
    expect(byId.slo).toMatchObject({
      status: 'fail',
      detail: '0 SLOs defined, 1 needed',
    });
    expect(byId.lodash).toMatchObject({
      status: 'fail',
      detail: 'uses pkg:npm/lodash@4.17.20 (CVE-2021-23337)',
    });
    // Fed by the imported advisory, not by a hand list.
    expect(byId.vulns).toEqual({
      id: 'vulns',
      title: 'No known vulnerability',
      level: 'silver',
      status: 'fail',
      detail:
        'affected by GHSA-test-lodash (CVE-2026-4242, high) in lodash 4.17.20, fixed in 4.17.21',
      fix: DEFAULT_VULNERABILITY_FIX,
    });
    // The advisory is high, below this check's minSeverity.
    expect(byId['critical-vulns']).toEqual({
      id: 'critical-vulns',
      title: 'No critical vulnerability',
      level: 'gold',
      status: 'pass',
      detail:
        'no known vulnerability of critical severity or above in its packages',
    });
    expect(byId.template).toMatchObject({
      status: 'fail',
      detail: 'on template:default/service 1.0.0; the newest is 2.0.0',
    });
    expect(byId.weekly.status).toBe('fail');
    // Only the critical-vulnerability check passes: 1 of 8.
    expect(legacy.score).toBe(0.125);

    const checkout = (
      await get(
        '/api/dx/scorecards/entity?entityRef=component:default/checkout',
      )
    ).body.items[0] as EntityScorecard;
    expect(checkout.checks.map(c => [c.id, c.status])).toEqual([
      ['owner', 'pass'],
      ['docs', 'pass'],
      ['slo', 'pass'],
      ['lodash', 'pass'],
      ['vulns', 'pass'],
      ['critical-vulns', 'pass'],
      ['template', 'pass'],
      ['weekly', 'pass'],
    ]);
    expect(checkout.checks.find(c => c.id === 'vulns')?.detail).toBe(
      'no known vulnerability in its packages',
    );
    // The owner by the name people know, not by its ref.
    expect(checkout.checks.find(c => c.id === 'owner')?.detail).toBe(
      'owned by Team A, in the catalog',
    );
    // 8 deployments in 28 days: 2 a week.
    expect(checkout.checks.find(c => c.id === 'weekly')?.detail).toBe(
      '2 deployments per week over 28 days',
    );
    expect(checkout).toMatchObject({
      level: 'gold',
      score: 1,
      owner: 'group:default/team-a',
    });
  });

  it('rolls scorecards up per team and for the organisation, with a trend and CSV', async () => {
    await refresh();
    const rollup: ScorecardRollupResponse = (
      await get('/api/dx/scorecards/rollup')
    ).body;
    expect(rollup.items[0]).toMatchObject({
      scorecardId: 'production-readiness',
      entities: 2,
      byLevel: { bronze: 0, silver: 0, gold: 1, none: 1 },
      score: 0.5625,
    });
    expect(rollup.items[0].failing.map(f => [f.id, f.entities])).toEqual([
      ['owner', 1],
      ['docs', 1],
      ['slo', 1],
      ['lodash', 1],
      ['vulns', 1],
      ['template', 1],
      ['weekly', 1],
    ]);
    // One day evaluated (twice: the second run replaced the first).
    expect(rollup.items[0].trend).toEqual([
      {
        day: new Date().toISOString().slice(0, 10),
        entities: 2,
        byLevel: { bronze: 0, silver: 0, gold: 1, none: 1 },
        score: 0.5625,
      },
    ]);
    expect(
      rollup.teams?.map(t => [t.owner, t.items[0].entities, t.items[0].score]),
    ).toEqual([
      ['group:default/team-a', 1, 1],
      ['group:default/team-ghost', 1, 0.125],
    ]);
    const team: ScorecardRollupResponse = (
      await get('/api/dx/scorecards/rollup?owner=group:default/team-a')
    ).body;
    expect(team.items[0]).toMatchObject({
      owner: 'group:default/team-a',
      entities: 1,
      byLevel: { gold: 1, none: 0 },
    });
    expect(team.teams).toBeUndefined();

    const csv = await get('/api/dx/scorecards/results.csv');
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.text.trim().split('\n')).toEqual([
      'scorecard,entity,owner,level,score,failing_checks',
      'production-readiness,component:default/checkout,group:default/team-a,gold,1,',
      'production-readiness,component:default/legacy,group:default/team-ghost,none,0.125,owner docs slo lodash vulns template weekly',
    ]);
  });

  it('measures golden-path adoption with the rows it counted', async () => {
    const res = await get('/api/dx/metrics/adoption?rows=true');
    const body: AdoptionMetrics = res.body;
    expect(body).toMatchObject({
      components: 2,
      fromGoldenPath: { count: 2, of: 2, share: 1 },
      onNewestTemplateVersion: { count: 1, of: 2, share: 0.5 },
      withSlo: { count: 1, of: 2, share: 0.5 },
      withOwner: { count: 1, of: 2, share: 0.5 },
      unavailable: [],
    });
    expect(
      body.rows?.find(r => r.entityRef === 'component:default/legacy'),
    ).toEqual({
      entityRef: 'component:default/legacy',
      owner: 'group:default/team-ghost',
      goldenPath: true,
      template: 'template:default/service',
      templateVersion: '1.0.0',
      newestVersion: '2.0.0',
      slo: false,
      ownerExists: false,
    });
    const team: AdoptionMetrics = (
      await get('/api/dx/metrics/adoption?owner=group:default/team-a')
    ).body;
    expect(team).toMatchObject({ components: 1, withSlo: { count: 1, of: 1 } });
    expect(team.rows).toBeUndefined();
    const csv = await get('/api/dx/metrics/adoption.csv');
    expect(csv.text.split('\n')[0]).toBe(
      'entity,owner,owner_exists,golden_path,template,template_version,newest_version,has_slo',
    );
    expect(csv.text).toContain(
      'component:default/legacy,group:default/team-ghost,false,true,template:default/service,1.0.0,2.0.0,false',
    );
  });

  it('times onboarding from a new user’s first appearance to their first change and deployment', async () => {
    await refresh(); // alice is a baseline user: there before the portal
    fs.writeFileSync(path.join(dir, 'org.yaml'), org(['alice', 'bob']));
    await wait('bob in the catalog', async () => {
      const r = await get('/api/catalog/entities/by-name/user/default/bob');
      return r.status === 200 ? true : undefined;
    });
    await refresh();
    const response = await get('/api/dx/metrics/onboarding');
    expect([response.status, response.body.error?.message]).toEqual([
      200,
      undefined,
    ]);
    const seen: OnboardingMetrics = response.body;
    expect(seen.users).toBe(1);
    expect(seen.rows[0].userRef).toBe('user:default/bob');
    expect(seen.firstChange).toEqual({ reached: 0, medianMs: null });

    const firstSeen = Date.parse(seen.rows[0].firstSeenAt);
    // Up to 5 minutes ahead is accepted, so these may be just ahead of now.
    const at = (ms: number) => new Date(firstSeen + ms).toISOString();
    const sent = await request(backend.server)
      .post('/api/dx/events')
      .set('Authorization', as())
      .send({
        format: 'generic',
        events: [
          // by alice: not counted for bob
          {
            id: 'c-alice',
            type: 'change',
            action: 'merged',
            timestamp: at(500),
            entityRef: 'component:default/checkout',
            actor: 'alice@acme.test',
          },
          {
            id: 'c-bob',
            type: 'change',
            action: 'merged',
            timestamp: at(1000),
            entityRef: 'component:default/checkout',
            actor: 'BOB@acme.test',
          },
          {
            id: 'd-bob',
            type: 'deployment',
            action: 'deployed',
            timestamp: at(1500),
            entityRef: 'component:default/checkout',
            environment: 'production',
            outcome: 'success',
            actor: 'bob',
          },
        ],
      });
    expect(sent.body.accepted).toBe(3);
    const after: OnboardingMetrics = (
      await get('/api/dx/metrics/onboarding?owner=group:default/team-a')
    ).body;
    expect(after.rows).toEqual([
      {
        userRef: 'user:default/bob',
        firstSeenAt: seen.rows[0].firstSeenAt,
        firstChangeAt: at(1000),
        firstDeploymentAt: at(1500),
      },
    ]);
    expect(after.firstChange.reached).toBe(1);
    expect(after.firstDeployment.medianMs).toBe(
      Date.parse(at(1500)) - firstSeen,
    );
    // Outside the platform team, a person sees their own dates only; the
    // totals and medians are everyone's.
    const byPerson = async (ref: string) =>
      (
        await request(backend.server)
          .get('/api/dx/metrics/onboarding?owner=group:default/team-a')
          .set('Authorization', mockCredentials.user.header(ref))
      ).body as OnboardingMetrics;
    const asBob = await byPerson('user:default/bob');
    expect(asBob.rows.map(r => r.userRef)).toEqual(['user:default/bob']);
    const asCarol = await byPerson('user:default/carol');
    expect(asCarol.rows).toEqual([]);
    expect(asCarol.users).toBe(after.users);
    expect(asCarol.firstDeployment).toEqual(after.firstDeployment);
    // Another team's view holds nobody.
    expect(
      (await get('/api/dx/metrics/onboarding?owner=group:default/team-b')).body
        .users,
    ).toBe(0);
  });

  it('judges "has an SLO" again as soon as an SLO is added, without waiting for the schedule', async () => {
    const sloCheck = async () => {
      const r = await get(
        '/api/dx/scorecards/entity?entityRef=component:default/legacy',
      );
      return (r.body.items as EntityScorecard[])[0]?.checks.find(
        c => c.id === 'slo',
      );
    };
    expect((await sloCheck())?.status).toBe('fail');
    // legacy's repository gets an SLO file; the scorecards run daily in
    // this test, so only the SLO backend's announcement can re-run them.
    commitFiles(path.join(reposDir, 'legacy'), { 'slo.yaml': SLO });
    const rescan = await request(backend.server)
      .post('/api/catalog/ingestion/rescan')
      .set('Authorization', as())
      .send({ source: 'local-repos', repository: 'legacy' });
    expect(rescan.status).toBe(200);
    await wait('the scorecard of legacy to count its new SLO', async () => {
      const check = await sloCheck();
      return check?.status === 'pass' ? check : undefined;
    });
  });
});
