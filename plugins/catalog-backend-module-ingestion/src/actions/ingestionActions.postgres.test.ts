import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import { permissionsForTest } from '@internal/backend-test-utils';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { commitFiles, createRepo } from '../__testUtils__/git';
import {
  MANUAL_SCHEDULE,
  startIngestionBackend,
} from '../__testUtils__/startIngestionBackend';

// The ingestion actions through the catalog's actions endpoint, on the real
// catalog and PostgreSQL, for a caller who reads everything (ALICE) and one
// the catalog hides private entities from (BOB, who may not re-scan either),
// and one denied the ingestion actions' read permission (CAROL).

jest.setTimeout(60_000);

const ALICE = 'user:default/alice';
const BOB = 'user:default/bob';
const CAROL = 'user:default/carol';

const permissionsFactory = permissionsForTest({
  denied: {
    [BOB]: ['catalog.ingestion.rescan'],
    [CAROL]: ['catalog.ingestion.actions.read'],
  },
  privateHiddenFrom: [BOB],
});

const component = (
  name: string,
  extra = '',
) => `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ${name}
${extra}spec:
  type: service
  lifecycle: production
  owner: team-a
`;
const PRIVATE = '  annotations:\n    portal.dev/visibility: private\n';
const WIDGET = `apiVersion: backstage.io/v1alpha1
kind: Widget
metadata:
  name: w
`;

describe('catalog ingestion actions', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });
  let root: string;
  let server: Awaited<ReturnType<typeof startIngestionBackend>>;

  const invoke = (user: string, name: string, input: object) =>
    request(server)
      .post(`/api/catalog/.backstage/actions/v1/actions/catalog:${name}/invoke`)
      .set('Authorization', mockCredentials.user.header(user))
      .send(input);

  async function inCatalog(name: string) {
    for (let i = 0; i < 60; i++) {
      const res = await request(server)
        .get(`/api/catalog/entities/by-name/component/default/${name}`)
        .set('Authorization', mockCredentials.user.header(ALICE));
      if (res.status === 200) return;
      await new Promise(r => setTimeout(r, 500));
    }
    throw new Error(`${name} never reached the catalog`);
  }

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'ingestion-actions-'));
    const repos = path.join(root, 'repos');
    createRepo(path.join(repos, 'shop'), {
      'catalog-info.yaml': `${component('shop')}---\n${WIDGET}`,
    });
    createRepo(path.join(repos, 'vault'), {
      'catalog-info.yaml': component('vault', PRIVATE),
    });
    // Defines the private vault again: refused, naming the vault.
    createRepo(path.join(repos, 'copycat'), {
      'catalog-info.yaml': component('vault', PRIVATE),
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
      [permissionsFactory],
    );
    // vault first, so that copycat's copy is the one refused.
    const first = await invoke(ALICE, 'rescan-repository', {
      repository: 'local/vault',
    });
    if (first.status !== 200)
      throw new Error(`rescan of vault: ${JSON.stringify(first.body)}`);
    const all = await request(server)
      .post('/api/catalog/ingestion/rescan')
      .set('Authorization', mockCredentials.user.header(ALICE))
      .send({});
    if (all.status !== 200)
      throw new Error(`full scan: ${JSON.stringify(all.body)}`);
    await inCatalog('shop');
    await inCatalog('vault');
  });

  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('why-not-in-catalog: a repository, with the documents refused (file, line, reason) and its runs', async () => {
    const res = await invoke(ALICE, 'why-not-in-catalog', {
      repository: 'local/shop',
    });
    expect(res.status).toBe(200);
    const out = res.body.output;
    expect(out).toMatchObject({
      repository: 'local/shop',
      entities: [{ entityRef: 'component:default/shop', inCatalog: true }],
      problems: [
        expect.objectContaining({
          repository: 'shop',
          file: 'catalog-info.yaml',
          line: 10,
          message: expect.stringContaining('unknown kind "Widget"'),
        }),
      ],
    });
    expect(out.summary).toContain('unknown kind "Widget"');
    const widget = await invoke(ALICE, 'why-not-in-catalog', {
      entityRef: 'widget:default/w',
    });
    expect(widget.body.output).toMatchObject({
      inCatalog: false,
      repository: 'local/shop',
      problems: [expect.objectContaining({ entityRef: 'widget:default/w' })],
    });
    expect(widget.body.output.summary).toMatch(
      /^widget:default\/w was refused: unknown kind "Widget" .* \(local\/shop catalog-info.yaml:10\)\.$/,
    );
    // The full scan, newest first, then vault's own run is not shop's.
    expect(out.runs).toEqual([
      expect.objectContaining({
        scope: 'source',
        status: 'partial',
        errors: [expect.objectContaining({ line: 10 })],
      }),
    ]);
  });

  it('why-not-in-catalog: an entity, where it came from, and the same answer as for an unknown one when the caller may not read it', async () => {
    const alice = await invoke(ALICE, 'why-not-in-catalog', {
      entityRef: 'Component:default/vault',
    });
    expect(alice.status).toBe(200);
    expect(alice.body.output).toMatchObject({
      entityRef: 'component:default/vault',
      inCatalog: true,
      repository: 'local/vault',
      origin: { sourceId: 'local', repository: 'vault', line: 1 },
    });
    expect(alice.body.output.summary).toContain('is in the catalog');

    const bob = await invoke(BOB, 'why-not-in-catalog', {
      entityRef: 'component:default/vault',
    });
    const ghost = await invoke(BOB, 'why-not-in-catalog', {
      entityRef: 'component:default/ghost',
    });
    expect(bob.status).toBe(200);
    expect(bob.body.output).toEqual({
      ...ghost.body.output,
      entityRef: 'component:default/vault',
      summary: ghost.body.output.summary.replace(
        'component:default/ghost',
        'component:default/vault',
      ),
    });
    expect(bob.body.output).toMatchObject({
      inCatalog: false,
      problems: [],
      runs: [],
    });
    expect(bob.body.output.summary).toContain('No ingestion source has seen');
  });

  it('why-not-in-catalog: leaves out problems of entities the caller may not read, and repositories of only such entities', async () => {
    const alice = await invoke(ALICE, 'why-not-in-catalog', {
      repository: 'local/copycat',
    });
    expect(alice.body.output.problems).toEqual([
      expect.objectContaining({
        entityRef: 'component:default/vault',
        message: expect.stringContaining('already defined in local/vault'),
      }),
    ]);
    const bob = await invoke(BOB, 'why-not-in-catalog', {
      repository: 'local/copycat',
    });
    expect(bob.status).toBe(200);
    expect(bob.body.output.problems).toEqual([]);
    expect(JSON.stringify(bob.body.output)).not.toContain('vault');

    const vault = await invoke(BOB, 'why-not-in-catalog', {
      repository: 'local/vault',
    });
    expect(vault.status).toBe(404);
    expect(vault.body.error).toMatchObject({ name: 'NotFoundError' });
  });

  it('the problems route leaves them out too', async () => {
    const problems = (user: string, query: Record<string, string>) =>
      request(server)
        .get('/api/catalog/ingestion/problems')
        .query(query)
        .set('Authorization', mockCredentials.user.header(user));
    const queries: Array<Record<string, string>> = [
      { source: 'local', repository: 'copycat' },
      { entityRef: 'component:default/vault' },
      {},
    ];
    for (const query of queries) {
      const alice = await problems(ALICE, query);
      expect(alice.status).toBe(200);
      expect(JSON.stringify(alice.body.items)).toContain(
        'component:default/vault',
      );
      const bob = await problems(BOB, query);
      expect(bob.status).toBe(200);
      expect(JSON.stringify(bob.body.items)).not.toContain('vault');
    }
  });

  it('why-not-in-catalog: refuses input that names nothing, both things, or no known source', async () => {
    for (const input of [
      {},
      { entityRef: 'component:default/shop', repository: 'local/shop' },
      { repository: 'shop' },
      { entityRef: 'not a ref:' },
    ]) {
      const res = await invoke(ALICE, 'why-not-in-catalog', input);
      expect(res.status).toBe(400);
      expect(res.body.error.name).toBe('InputError');
    }
    const unknown = await invoke(ALICE, 'why-not-in-catalog', {
      repository: 'elsewhere/shop',
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toContain('the sources are local');
  });

  it('rescan-repository: reads the repository again for a caller allowed to, and refuses the others', async () => {
    commitFiles(path.join(root, 'repos', 'shop'), {
      'catalog-info.yaml': component('shop'),
    });
    const res = await invoke(ALICE, 'rescan-repository', {
      repository: 'local/shop',
    });
    expect(res.status).toBe(200);
    expect(res.body.output).toMatchObject({
      repository: 'local/shop',
      run: { status: 'succeeded', entitiesFound: 1, errorCount: 0, errors: [] },
    });
    const why = await invoke(ALICE, 'why-not-in-catalog', {
      repository: 'local/shop',
    });
    expect(why.body.output.problems).toEqual([]);
    expect(why.body.output.runs[0]).toMatchObject({
      scope: 'repository',
      trigger: 'api',
    });

    // The route answers 403 to BOB; the action, whose visibility is the
    // same permission, does not exist for him.
    const bob = await invoke(BOB, 'rescan-repository', {
      repository: 'local/shop',
    });
    expect(bob.status).toBe(404);
    expect(bob.body.error.name).toBe('NotFoundError');
    const route = await request(server)
      .post('/api/catalog/ingestion/rescan')
      .set('Authorization', mockCredentials.user.header(BOB))
      .send({ source: 'local', repository: 'shop' });
    expect(route.status).toBe(403);
    const missing = await invoke(ALICE, 'rescan-repository', {
      repository: 'local/nowhere',
    });
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toContain('no repository "nowhere"');
  });

  it('lists its actions with their attributes and input schemas', async () => {
    const res = await request(server)
      .get('/api/catalog/.backstage/actions/v1/actions')
      .set('Authorization', mockCredentials.user.header(ALICE));
    expect(res.status).toBe(200);
    const mine = res.body.actions
      .filter((a: any) =>
        ['catalog:why-not-in-catalog', 'catalog:rescan-repository'].includes(
          a.id,
        ),
      )
      .map((a: any) => ({ id: a.id, attributes: a.attributes }));
    expect(mine).toEqual([
      {
        id: 'catalog:why-not-in-catalog',
        attributes: { readOnly: true, idempotent: true, destructive: false },
      },
      {
        id: 'catalog:rescan-repository',
        attributes: { readOnly: false, idempotent: true, destructive: false },
      },
    ]);
    for (const a of res.body.actions)
      expect(a.schema.input.type).toBe('object');
  });

  it('shows each action only to callers its visibility permission allows, and does not exist for the others', async () => {
    const mine = ['catalog:why-not-in-catalog', 'catalog:rescan-repository'];
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
    // Denied catalog.ingestion.actions.read only: the read is gone.
    expect(await listed(CAROL)).toEqual(['catalog:rescan-repository']);
    // Denied catalog.ingestion.rescan only: the re-scan is gone.
    expect(await listed(BOB)).toEqual(['catalog:why-not-in-catalog']);

    const carol = await invoke(CAROL, 'why-not-in-catalog', {
      repository: 'local/shop',
    });
    expect(carol.status).toBe(404);
    expect(carol.body.error).toMatchObject({
      name: 'NotFoundError',
      message: 'Action "catalog:why-not-in-catalog" not found',
    });
    const bob = await invoke(BOB, 'rescan-repository', {
      repository: 'local/shop',
    });
    expect(bob.status).toBe(404);
    expect(bob.body.error.message).toBe(
      'Action "catalog:rescan-repository" not found',
    );
  });
});

describe('catalog:rescan-repository and the re-scan route', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });
  let root: string;
  let server: Awaited<ReturnType<typeof startIngestionBackend>>;

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'ingestion-actions-limit-'));
    createRepo(path.join(root, 'shop'), {
      'catalog-info.yaml': component('shop'),
    });
    server = await startIngestionBackend(
      await databases.init('POSTGRES_15'),
      {
        portal: { limits: { requestsPerMinute: 3 } },
        catalog: {
          ingestion: {
            sources: [
              {
                id: 'local',
                type: 'local',
                path: root,
                schedule: MANUAL_SCHEDULE,
              },
            ],
          },
        },
      },
      [permissionsFactory],
    );
  });

  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('share one rate limit per caller: an agent cannot re-scan past the limit of the route', async () => {
    const action = (user: string) =>
      request(server)
        .post(
          '/api/catalog/.backstage/actions/v1/actions/catalog:rescan-repository/invoke',
        )
        .set('Authorization', mockCredentials.user.header(user))
        .send({ repository: 'local/shop' });
    const route = (user: string) =>
      request(server)
        .post('/api/catalog/ingestion/rescan')
        .set('Authorization', mockCredentials.user.header(user))
        .send({ source: 'local', repository: 'shop' });

    const statuses = [
      (await action(ALICE)).status,
      (await route(ALICE)).status,
      (await action(ALICE)).status,
    ];
    expect(statuses).toEqual([200, 200, 200]);
    const overAction = await action(ALICE);
    expect(overAction.status).toBe(429);
    expect(overAction.body.error).toMatchObject({
      name: 'TooManyRequestsError',
      message: expect.stringContaining(
        'more than 3 requests per minute to POST /api/catalog/ingestion/rescan',
      ),
    });
    expect((await route(ALICE)).status).toBe(429);
    // Another person has a budget of their own.
    expect((await action(CAROL)).status).toBe(200);
  });
});
