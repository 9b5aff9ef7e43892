import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import { permissionsForTest } from '@internal/backend-test-utils';
import {
  createRepo,
  MANUAL_SCHEDULE,
  startIngestionBackend,
} from '@internal/plugin-catalog-backend-module-ingestion/testUtils';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import catalogModuleInventory from '../index';

// The dependency actions through the catalog's actions endpoint, on the
// real catalog and PostgreSQL, for a caller who reads everything (ALICE)
// and one the catalog hides private entities from (BOB).

jest.setTimeout(60_000);

const ALICE = 'user:default/alice';
const BOB = 'user:default/bob';
/** Denied catalog.inventory.actions.read: the actions that name it do not exist for her. */
const CAROL = 'user:default/carol';

/**
 * BOB reads what is not annotated portal.dev/visibility: private; CAROL
 * may not see the inventory actions.
 */
const permissionsFactory = permissionsForTest({
  denied: { [CAROL]: ['catalog.inventory.actions.read'] },
  privateHiddenFrom: [BOB],
});

const component = (name: string, owner: string, isPrivate = false) =>
  `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ${name}
${isPrivate ? '  annotations:\n    portal.dev/visibility: private\n' : ''}spec:
  type: service
  lifecycle: production
  owner: ${owner}
`;

const cyclonedx = (deps: Array<[string, string, boolean]>) =>
  JSON.stringify({
    bomFormat: 'CycloneDX',
    specVersion: '1.5',
    metadata: { component: { type: 'application', name: 'x', 'bom-ref': 'x' } },
    components: deps.map(([name, version]) => ({
      type: 'library',
      name,
      version,
      purl: `pkg:npm/${name}@${version}`,
      'bom-ref': name,
      licenses: [{ license: { id: 'MIT' } }],
    })),
    dependencies: [
      { ref: 'x', dependsOn: deps.filter(d => d[2]).map(d => d[0]) },
    ],
  });

describe('dependency inventory actions', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });
  let root: string;
  let server: Awaited<ReturnType<typeof startIngestionBackend>>;

  const invoke = (user: string, name: string, input: object) =>
    request(server)
      .post(`/api/catalog/.backstage/actions/v1/actions/catalog:${name}/invoke`)
      .set('Authorization', mockCredentials.user.header(user))
      .send(input);

  async function waitForOwner(name: string) {
    for (let i = 0; i < 60; i++) {
      const res = await request(server)
        .get(`/api/catalog/entities/by-name/component/default/${name}`)
        .set('Authorization', mockCredentials.user.header(ALICE));
      if (res.body?.relations?.some((r: any) => r.type === 'ownedBy')) return;
      await new Promise(r => setTimeout(r, 500));
    }
    throw new Error(`${name} never got its owner relation`);
  }

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'inventory-actions-'));
    const repos = path.join(root, 'repos');
    createRepo(path.join(repos, 'shop'), {
      'catalog-info.yaml': component('shop', 'team-a'),
      'bom.json': cyclonedx([
        ['lodash', '4.17.20', true],
        ['minimist', '1.2.5', false],
      ]),
    });
    createRepo(path.join(repos, 'vault'), {
      'catalog-info.yaml': component('vault', 'team-b', true),
      'bom.json': cyclonedx([['lodash', '4.17.15', true]]),
    });
    createRepo(path.join(repos, 'worker'), {
      'catalog-info.yaml': component('worker', 'team-a'),
      'bom.json': cyclonedx([['lodash', '4.17.21', true]]),
    });
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
                schedule: MANUAL_SCHEDULE,
              },
            ],
          },
        },
      },
      [catalogModuleInventory, permissionsFactory],
    );
    const scan = await request(server)
      .post('/api/catalog/ingestion/rescan')
      .set('Authorization', mockCredentials.user.header(ALICE))
      .send({});
    if (scan.status !== 200)
      throw new Error(`scan: ${JSON.stringify(scan.body)}`);
    for (const name of ['shop', 'vault', 'worker']) await waitForOwner(name);
  });

  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('who-uses-package: the components in the range, with versions and owners, as the caller may see them', async () => {
    const alice = await invoke(ALICE, 'who-uses-package', {
      package: 'pkg:npm/lodash',
      range: '<4.17.21',
    });
    expect(alice.status).toBe(200);
    expect(alice.body.output).toEqual({
      query: { package: 'pkg:npm/lodash', range: '<4.17.21' },
      components: 2,
      truncated: false,
      items: [
        expect.objectContaining({
          entityRef: 'component:default/shop',
          owner: 'group:default/team-a',
          version: '4.17.20',
          direct: true,
          licenses: ['MIT'],
        }),
        expect.objectContaining({
          entityRef: 'component:default/vault',
          owner: 'group:default/team-b',
          version: '4.17.15',
        }),
      ],
    });

    const bob = await invoke(BOB, 'who-uses-package', {
      package: 'pkg:npm/lodash',
      range: '<4.17.21',
    });
    expect(bob.status).toBe(200);
    expect(bob.body.output.components).toBe(1);
    expect(
      bob.body.output.items.map((i: any) => `${i.entityRef}@${i.version}`),
    ).toEqual(['component:default/shop@4.17.20']);

    const all = await invoke(BOB, 'who-uses-package', {
      package: 'lodash',
      limit: 1,
    });
    expect(all.body.output).toMatchObject({
      components: 2,
      truncated: true,
      items: [{ entityRef: 'component:default/shop' }],
    });
  });

  it('who-uses-package: refuses a range or purl that is not one', async () => {
    const range = await invoke(ALICE, 'who-uses-package', {
      package: 'lodash',
      range: 'banana!',
    });
    expect(range.status).toBe(400);
    expect(range.body.error).toMatchObject({
      name: 'InputError',
      message: expect.stringContaining('not a semver range'),
    });
    const purl = await invoke(ALICE, 'who-uses-package', {
      package: 'pkg:',
    });
    expect(purl.status).toBe(400);
    expect(purl.body.error.message).toContain('not a valid purl');
    const missing = await invoke(ALICE, 'who-uses-package', {});
    expect(missing.status).toBe(400);
    expect(missing.body.error.name).toBe('InputError');
  });

  it('get-entity-packages: the packages and SBOMs of an entity the caller may read, 404 otherwise', async () => {
    const shop = await invoke(BOB, 'get-entity-packages', {
      entityRef: 'Component:default/shop',
    });
    expect(shop.status).toBe(200);
    expect(shop.body.output).toEqual({
      entityRef: 'component:default/shop',
      sboms: [
        expect.objectContaining({
          origin: 'repository:local/shop:bom.json',
          format: 'cyclonedx',
          packages: 2,
        }),
      ],
      packages: [
        expect.objectContaining({ name: 'lodash', direct: true }),
        expect.objectContaining({ name: 'minimist', direct: false }),
      ],
    });
    const direct = await invoke(BOB, 'get-entity-packages', {
      entityRef: 'component:default/shop',
      directOnly: true,
    });
    expect(direct.body.output.packages).toEqual([
      expect.objectContaining({ purl: 'pkg:npm/lodash@4.17.20' }),
    ]);

    const alice = await invoke(ALICE, 'get-entity-packages', {
      entityRef: 'component:default/vault',
    });
    expect(alice.body.output.packages).toHaveLength(1);
    const bob = await invoke(BOB, 'get-entity-packages', {
      entityRef: 'component:default/vault',
    });
    expect(bob.status).toBe(404);
    expect(bob.body.error).toMatchObject({
      name: 'NotFoundError',
      message: 'no entity component:default/vault',
    });
    const bad = await invoke(ALICE, 'get-entity-packages', {
      entityRef: 'component:',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.name).toBe('InputError');
  });

  it('lists its actions with their attributes and input schemas', async () => {
    const res = await request(server)
      .get('/api/catalog/.backstage/actions/v1/actions')
      .set('Authorization', mockCredentials.user.header(ALICE));
    expect(res.status).toBe(200);
    const mine = res.body.actions
      .filter((a: any) =>
        ['catalog:who-uses-package', 'catalog:get-entity-packages'].includes(
          a.id,
        ),
      )
      .map((a: any) => ({ id: a.id, attributes: a.attributes }));
    expect(mine).toEqual([
      {
        id: 'catalog:who-uses-package',
        attributes: { readOnly: true, idempotent: true, destructive: false },
      },
      {
        id: 'catalog:get-entity-packages',
        attributes: { readOnly: true, idempotent: true, destructive: false },
      },
    ]);
    for (const a of res.body.actions)
      expect(a.schema.input.type).toBe('object');
  });

  it('shows its actions only to callers allowed catalog.inventory.actions.read, and they do not exist for the others', async () => {
    const mine = ['catalog:who-uses-package', 'catalog:get-entity-packages'];
    const listed = async (user: string) => {
      const res = await request(server)
        .get('/api/catalog/.backstage/actions/v1/actions')
        .set('Authorization', mockCredentials.user.header(user));
      expect(res.status).toBe(200);
      return res.body.actions
        .map((a: any) => a.id)
        .filter((id: string) => mine.includes(id));
    };
    expect(await listed(ALICE)).toEqual(mine);
    expect(await listed(BOB)).toEqual(mine);
    // Denied only catalog.inventory.actions.read: every one of them is gone.
    expect(await listed(CAROL)).toEqual([]);
    // The ingestion module's actions name their own permission: still there.
    const carol = await request(server)
      .get('/api/catalog/.backstage/actions/v1/actions')
      .set('Authorization', mockCredentials.user.header(CAROL));
    expect(carol.body.actions.map((a: any) => a.id)).toContain(
      'catalog:why-not-in-catalog',
    );

    for (const id of mine) {
      const res = await invoke(CAROL, id.split(':')[1], {
        package: 'pkg:npm/lodash',
      });
      expect(res.status).toBe(404);
      expect(res.body.error).toMatchObject({
        name: 'NotFoundError',
        message: `Action "${id}" not found`,
      });
    }
    const alice = await invoke(ALICE, 'who-uses-package', {
      package: 'pkg:npm/lodash',
    });
    expect(alice.status).toBe(200);
  });
});
