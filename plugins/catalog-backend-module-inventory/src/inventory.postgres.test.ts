import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import {
  commitFiles,
  componentDescriptor,
  createRepo,
  MANUAL_SCHEDULE,
  startIngestionBackend,
} from '@internal/plugin-catalog-backend-module-ingestion/testUtils';
import catalogModuleInventory from './index';

// Integration test: SBOMs found in real git repositories, and uploaded,
// end up in the dependency inventory, on PostgreSQL.

jest.setTimeout(120_000);

const cyclonedx = (root: string, deps: Array<[string, string, boolean]>) =>
  JSON.stringify({
    bomFormat: 'CycloneDX',
    specVersion: '1.5',
    metadata: {
      component: { type: 'application', name: root, 'bom-ref': 'root' },
    },
    components: deps.map(([name, version]) => ({
      type: 'library',
      name,
      version,
      purl: `pkg:npm/${name}@${version}`,
      'bom-ref': name,
      licenses: [{ license: { id: 'MIT' } }],
    })),
    dependencies: [
      { ref: 'root', dependsOn: deps.filter(d => d[2]).map(d => d[0]) },
    ],
  });

const vexDocument = (state: string, purl?: string) =>
  JSON.stringify({
    bomFormat: 'CycloneDX',
    specVersion: '1.5',
    version: 1,
    metadata: {
      component: { type: 'application', name: 'shop', 'bom-ref': 'shop' },
    },
    vulnerabilities: [
      {
        id: 'CVE-2026-4242',
        analysis: {
          state,
          justification:
            state === 'not_affected' ? 'code_not_reachable' : undefined,
          detail: 'We never merge untrusted objects.',
        },
        affects: [{ ref: purl ?? 'shop' }],
      },
    ],
  });

describe('dependency inventory from repositories', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });
  let root: string;
  let repos: string;
  let server: Awaited<ReturnType<typeof startIngestionBackend>>;
  const auth = { Authorization: mockCredentials.user.header() };

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'inventory-it-'));
    repos = path.join(root, 'repos');
    createRepo(path.join(repos, 'shop'), {
      'catalog-info.yaml': componentDescriptor('shop'),
      'bom.json': cyclonedx('shop', [
        ['lodash', '4.17.20', true],
        ['minimist', '1.2.5', false],
      ]),
      'services/worker/catalog-info.yaml': componentDescriptor('shop-worker'),
      'services/worker/deps.cdx.json': cyclonedx('shop-worker', [
        ['lodash', '4.17.21', true],
      ]),
    });
    createRepo(path.join(repos, 'orphan'), {
      'catalog-info.yaml': `apiVersion: backstage.io/v1alpha1\nkind: API\nmetadata:\n  name: orphan-api\nspec:\n  type: openapi\n  lifecycle: production\n  owner: team-a\n  definition: "openapi: 3.0.0"\n`,
      'bom.json': cyclonedx('orphan', [['lodash', '4.17.4', true]]),
      'broken.cdx.json': '{"bomFormat": "CycloneDX"}',
    });

    // An advisory written for this test, in OSV format.
    fs.mkdirSync(path.join(root, 'osv', 'npm'), { recursive: true });
    fs.writeFileSync(
      path.join(root, 'osv', 'npm', 'GHSA-test-lodash.json'),
      JSON.stringify({
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
      }),
    );

    const knex = await databases.init('POSTGRES_15');
    server = await startIngestionBackend(
      knex,
      {
        catalog: {
          ingestion: {
            sources: [
              {
                id: 'local',
                type: 'local',
                path: repos,
                globs: ['catalog-info.yaml', 'services/*/catalog-info.yaml'],
                schedule: MANUAL_SCHEDULE,
              },
            ],
            maxSbomBytes: 2048,
            advisories: {
              sources: [{ id: 'osv-test', path: path.join(root, 'osv') }],
              schedule: MANUAL_SCHEDULE,
            },
          },
        },
      },
      [catalogModuleInventory],
    );
  });

  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  const get = (url: string) => request(server).get(url).set(auth);

  async function waitForOwner(name: string) {
    for (let i = 0; i < 60; i++) {
      const res = await get(
        `/api/catalog/entities/by-name/component/default/${name}`,
      );
      if (res.body?.relations?.some((r: any) => r.type === 'ownedBy')) return;
      await new Promise(r => setTimeout(r, 500));
    }
    throw new Error(`${name} never got its owner relation`);
  }

  it('reads SBOMs next to their components and reports those without one', async () => {
    const res = await request(server)
      .post('/api/catalog/ingestion/rescan')
      .set(auth)
      .send({});
    const run = res.body.runs[0];
    expect(
      run.errors.map((e: any) => [e.repository, e.file, e.message]),
    ).toEqual(
      expect.arrayContaining([
        [
          'orphan',
          'bom.json',
          'SBOM found but no component or resource is described in its directory or above',
        ],
        [
          'orphan',
          'broken.cdx.json',
          'SBOM refused: CycloneDX specVersion is missing',
        ],
      ]),
    );
    await waitForOwner('shop');
    await waitForOwner('shop-worker');

    const deps = await get(
      '/api/catalog/ingestion/dependencies/entity?entityRef=component:default/shop',
    );
    expect(deps.body.packages).toEqual([
      {
        purl: 'pkg:npm/lodash@4.17.20',
        type: 'npm',
        name: 'lodash',
        version: '4.17.20',
        direct: true,
        licenses: ['MIT'],
      },
      {
        purl: 'pkg:npm/minimist@1.2.5',
        type: 'npm',
        name: 'minimist',
        version: '1.2.5',
        direct: false,
        licenses: ['MIT'],
      },
    ]);
    expect(deps.body.sboms).toEqual([
      expect.objectContaining({
        format: 'cyclonedx',
        origin: 'repository:local/shop:bom.json',
        packages: 2,
      }),
    ]);
  });

  it('answers which components use a package in a version range, with owners', async () => {
    const vulnerable = await get(
      '/api/catalog/ingestion/dependencies/usages?package=pkg:npm/lodash&range=<4.17.21',
    );
    expect(vulnerable.status).toBe(200);
    expect(vulnerable.body.components).toBe(1);
    expect(vulnerable.body.items).toEqual([
      expect.objectContaining({
        entityRef: 'component:default/shop',
        owner: 'group:default/team-a',
        version: '4.17.20',
        direct: true,
      }),
    ]);
    const all = await get(
      '/api/catalog/ingestion/dependencies/usages?package=lodash',
    );
    expect(
      all.body.items.map((i: any) => `${i.entityRef}@${i.version}`),
    ).toEqual([
      'component:default/shop@4.17.20',
      'component:default/shop-worker@4.17.21',
    ]);
    const bad = await get(
      '/api/catalog/ingestion/dependencies/usages?package=lodash&range=banana!',
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('not a semver range');
  });

  it('accepts an uploaded SBOM for a component and refuses bad ones', async () => {
    const post = (ref: string, body: string) =>
      request(server)
        .post(`/api/catalog/ingestion/dependencies/sbom?entityRef=${ref}`)
        .set({ ...auth, 'content-type': 'application/json' })
        .send(body);
    const ok = await post(
      'component:default/shop-worker',
      cyclonedx('shop-worker', [['express', '4.18.2', true]]),
    );
    expect(ok.status).toBe(201);
    expect(ok.body.sbom).toMatchObject({ origin: 'upload', packages: 1 });
    const usages = await get(
      '/api/catalog/ingestion/dependencies/usages?package=pkg:npm/express&range=^4',
    );
    expect(usages.body.items.map((i: any) => i.entityRef)).toEqual([
      'component:default/shop-worker',
    ]);

    const notSbom = await post(
      'component:default/shop-worker',
      '{"hello": "world"}',
    );
    expect(notSbom.status).toBe(400);
    expect(notSbom.body.error.message).toContain(
      'not a CycloneDX or SPDX JSON document',
    );
    expect(
      (await post('api:default/orphan-api', cyclonedx('x', []))).status,
    ).toBe(400);
    expect(
      (await post('component:default/nobody', cyclonedx('x', []))).status,
    ).toBe(404);
    expect(
      (
        await post(
          'component:default/shop-worker',
          JSON.stringify({ pad: 'x'.repeat(4096) }),
        )
      ).status,
    ).toBe(413);
    const none = await request(server)
      .post(
        '/api/catalog/ingestion/dependencies/sbom?entityRef=component:default/shop-worker',
      )
      .set({
        Authorization: mockCredentials.none.header(),
        'content-type': 'application/json',
      })
      .send(cyclonedx('x', []));
    expect(none.status).toBe(401);

    // An SBOM that breaks its schema is stored, and the answer says where.
    const invalid = JSON.parse(
      cyclonedx('shop-worker', [['express', '4.18.2', true]]),
    );
    invalid.components[0].hashes = [{ alg: 'SHA-256', content: 'not-hex' }];
    invalid.serialNumber = 'not-a-urn';
    const stored = await post(
      'component:default/shop-worker',
      JSON.stringify(invalid),
    );
    expect(stored.status).toBe(201);
    expect(stored.body.problems).toEqual([
      expect.stringMatching(/^serialNumber: must match pattern/),
      expect.stringMatching(
        /^components\[0\]\.hashes\[0\]\.content: must match pattern/,
      ),
    ]);
    const deps = await get(
      '/api/catalog/ingestion/dependencies/entity?entityRef=component:default/shop-worker',
    );
    expect(
      deps.body.sboms.find((x: any) => x.origin === 'upload').problems,
    ).toEqual(stored.body.problems);

    // A VEX document is statements, not an SBOM that empties the upload.
    const vex = await post(
      'component:default/shop-worker',
      vexDocument('in_triage'),
    );
    expect(vex.status).toBe(201);
    expect(vex.body).toEqual({ vex: { statements: 1 }, problems: [] });
    const after = await get(
      '/api/catalog/ingestion/dependencies/entity?entityRef=component:default/shop-worker',
    );
    expect(
      after.body.sboms.find((x: any) => x.origin === 'upload').packages,
    ).toBe(1);
  });

  it('matches imported advisories against the stored packages, with owners', async () => {
    const imported = await request(server)
      .post('/api/catalog/ingestion/dependencies/advisories/import')
      .set(auth);
    expect(imported.status).toBe(200);
    expect(imported.body.sources).toEqual([
      expect.objectContaining({ sourceId: 'osv-test', files: 1, added: 1 }),
    ]);
    await waitForOwner('shop');
    const all = await get(
      '/api/catalog/ingestion/dependencies/vulnerabilities',
    );
    expect(all.status).toBe(200);
    const hit = (ref: string) =>
      all.body.items.filter((v: any) => v.entityRef === ref);
    // lodash 4.17.20 in shop is hit, 4.17.21 in shop-worker is not.
    expect(hit('component:default/shop')).toEqual([
      expect.objectContaining({
        purl: 'pkg:npm/lodash@4.17.20',
        vulnKey: 'CVE-2026-4242',
        fixedIn: '4.17.21',
        owner: 'group:default/team-a',
        advisory: expect.objectContaining({
          id: 'GHSA-test-lodash',
          severity: 'high',
          aliases: ['CVE-2026-4242'],
        }),
      }),
    ]);
    expect(hit('component:default/shop-worker')).toEqual([]);

    const one = await get(
      '/api/catalog/ingestion/dependencies/vulnerabilities?entityRef=component:default/shop',
    );
    expect(
      one.body.items.map((v: any) => [v.entityRef, v.advisory.id]),
    ).toEqual([['component:default/shop', 'GHSA-test-lodash']]);

    // Imported again: unchanged, nothing processed.
    const again = await request(server)
      .post('/api/catalog/ingestion/dependencies/advisories/import')
      .set(auth);
    expect(again.body.sources[0]).toMatchObject({ added: 0, unchanged: 1 });
  });

  it('hides a match a VEX statement says does not affect it, saying why', async () => {
    const shop = path.join(repos, 'shop');
    const rescan = () =>
      request(server)
        .post('/api/catalog/ingestion/rescan')
        .set(auth)
        .send({ repository: 'shop' });
    const vulnerabilities = async () =>
      (
        await get(
          '/api/catalog/ingestion/dependencies/vulnerabilities?entityRef=component:default/shop',
        )
      ).body;

    // Not affected, about the package: hidden, with the justification.
    commitFiles(shop, {
      'security/vex.json': vexDocument(
        'not_affected',
        'pkg:npm/lodash@4.17.20',
      ),
    });
    await rescan();
    const hidden = await vulnerabilities();
    expect(hidden.items).toEqual([]);
    expect(hidden.suppressed).toEqual([
      expect.objectContaining({
        purl: 'pkg:npm/lodash@4.17.20',
        advisory: expect.objectContaining({ id: 'GHSA-test-lodash' }),
        vex: expect.objectContaining({
          vulnerability: 'CVE-2026-4242',
          state: 'not_affected',
          justification: 'code_not_reachable',
          detail: 'We never merge untrusted objects.',
          purl: 'pkg:npm/lodash@4.17.20',
          origin: 'repository:local/shop:security/vex.json',
        }),
      }),
    ]);
    // The SBOM stays; the VEX document is not one.
    const deps = await get(
      '/api/catalog/ingestion/dependencies/entity?entityRef=component:default/shop',
    );
    expect(deps.body.sboms.map((x: any) => x.origin)).toEqual([
      'repository:local/shop:bom.json',
    ]);

    // About another version of the package: the match stays.
    commitFiles(shop, {
      'security/vex.json': vexDocument(
        'not_affected',
        'pkg:npm/lodash@4.17.19',
      ),
    });
    await rescan();
    expect((await vulnerabilities()).items).toHaveLength(1);

    // In triage, about the whole component: shown as such.
    commitFiles(shop, { 'security/vex.json': vexDocument('in_triage') });
    await rescan();
    const triaged = await vulnerabilities();
    expect(triaged.suppressed).toEqual([]);
    expect(triaged.items).toEqual([
      expect.objectContaining({
        purl: 'pkg:npm/lodash@4.17.20',
        vex: expect.objectContaining({ state: 'in_triage' }),
      }),
    ]);

    // The statement leaves with its file.
    commitFiles(shop, { 'security/vex.json': null });
    await rescan();
    const plain = await vulnerabilities();
    expect(plain.items).toHaveLength(1);
    expect(plain.items[0].vex).toBeUndefined();
  });

  it('drops the SBOM of a repository when it is deleted from the repository', async () => {
    commitFiles(path.join(repos, 'shop'), { 'bom.json': null });
    await request(server)
      .post('/api/catalog/ingestion/rescan')
      .set(auth)
      .send({ repository: 'shop' });
    const deps = await get(
      '/api/catalog/ingestion/dependencies/entity?entityRef=component:default/shop',
    );
    expect(deps.body).toEqual({
      entityRef: 'component:default/shop',
      sboms: [],
      packages: [],
    });
    // Its advisory matches went with it.
    const vulnerable = await get(
      '/api/catalog/ingestion/dependencies/vulnerabilities?entityRef=component:default/shop',
    );
    expect(vulnerable.body.items).toEqual([]);
  });
});
