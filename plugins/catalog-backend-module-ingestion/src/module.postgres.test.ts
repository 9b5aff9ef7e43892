import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import { sign } from '@octokit/webhooks-methods';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import {
  MANUAL_SCHEDULE,
  startIngestionBackend,
} from './__testUtils__/startIngestionBackend';
import {
  commitFiles,
  createBareRepo,
  createRepo,
  pushFiles,
} from './__testUtils__/git';

// Integration test: the catalog with this module on a real PostgreSQL
// database, reading real git repositories made in a temp folder.

jest.setTimeout(120_000);

const SECRET = 'test-webhook-secret';

const component = (
  name: string,
  description = 'first',
) => `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ${name}
  description: ${description}
spec:
  type: service
  lifecycle: production
  owner: team-a
`;

describe('catalog ingestion from git repositories on PostgreSQL', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });
  let root: string;
  let repos: string;
  let server: Awaited<ReturnType<typeof startIngestionBackend>>;
  const auth = { Authorization: mockCredentials.user.header() };

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'ingestion-it-'));
    repos = path.join(root, 'repos');
    createRepo(path.join(repos, 'alpha'), {
      'catalog-info.yaml': `${component('alpha')}---\n${component(
        'alpha-worker',
      )}`,
    });
    createBareRepo(
      path.join(repos, 'beta.git'),
      { 'catalog-info.yaml': component('beta') },
      path.join(root, 'beta-clone'),
    );
    createRepo(path.join(repos, 'broken'), {
      'catalog-info.yaml': `${component(
        'broken-ok',
      )}---\napiVersion: backstage.io/v1alpha1\nkind: Widget\nmetadata:\n  name: w\n`,
    });
    fs.mkdirSync(path.join(repos, 'not-a-repo'));

    const knex = await databases.init('POSTGRES_15');
    server = await startIngestionBackend(knex, {
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
          webhooks: { maxBodyBytes: 4096, github: { secret: SECRET } },
        },
      },
    });
  });

  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  const rescan = async (body: object = {}) => {
    const res = await request(server)
      .post('/api/catalog/ingestion/rescan')
      .set(auth)
      .send(body);
    expect(res.status).toBe(200);
    return res.body.runs[0];
  };

  async function entityDescription(
    name: string,
  ): Promise<string | undefined | null> {
    const res = await request(server)
      .get(`/api/catalog/entities/by-name/component/default/${name}`)
      .set(auth);
    if (res.status === 404) return null;
    return res.body.metadata.description;
  }

  async function waitFor(name: string, expected: string | null) {
    let value: string | undefined | null;
    for (let i = 0; i < 60; i++) {
      value = await entityDescription(name);
      if (value === expected) return;
      await new Promise(r => setTimeout(r, 500));
    }
    expect(value).toBe(expected);
  }

  it('discovers repositories, refuses what is invalid with file and line, and keeps the rest', async () => {
    const run = await rescan();
    expect(run).toMatchObject({
      sourceId: 'local',
      trigger: 'api',
      status: 'partial',
      repositories: 3,
      repositoriesRead: 3,
      entitiesFound: 4,
      added: 4,
      changed: 0,
      removed: 0,
      errorCount: 1,
    });
    expect(run.errors).toEqual([
      expect.objectContaining({
        repository: 'broken',
        file: 'catalog-info.yaml',
        line: 11,
        message: expect.stringContaining('unknown kind "Widget"'),
      }),
    ]);

    // A new repository defining an entity that another one already owns.
    createRepo(path.join(repos, 'copycat'), {
      'catalog-info.yaml': component('alpha', 'copy'),
    });
    const second = await rescan();
    expect(second).toMatchObject({
      repositories: 4,
      repositoriesRead: 1,
      entitiesFound: 1,
      added: 0,
      errorCount: 1,
    });
    expect(second.errors).toEqual([
      expect.objectContaining({
        repository: 'copycat',
        line: 1,
        entityRef: 'component:default/alpha',
        message: expect.stringContaining('already defined in local/alpha'),
      }),
    ]);
    await waitFor('alpha', 'first');
    await waitFor('beta', 'first');
    await waitFor('broken-ok', 'first');

    const problems = await request(server)
      .get(
        '/api/catalog/ingestion/problems?entityRef=component:default/broken-ok',
      )
      .set(auth);
    expect(problems.body.items).toEqual([
      expect.objectContaining({
        repository: 'broken',
        line: 11,
        message: expect.stringContaining('Widget'),
      }),
    ]);
  });

  it('reads nothing again when no head moved', async () => {
    const run = await rescan();
    expect(run).toMatchObject({
      status: 'succeeded',
      repositories: 4,
      repositoriesRead: 0,
      added: 0,
      changed: 0,
      removed: 0,
      errorCount: 0,
    });
  });

  it('lets concurrent full scans of a source share one run', async () => {
    const runsBefore = (
      await request(server)
        .get('/api/catalog/ingestion/runs?limit=500')
        .set(auth)
    ).body.items.length;
    const runs = await Promise.all([rescan(), rescan(), rescan()]);
    expect(new Set(runs.map(r => r.id)).size).toBe(1);
    const runsAfter = (
      await request(server)
        .get('/api/catalog/ingestion/runs?limit=500')
        .set(auth)
    ).body.items.length;
    expect(runsAfter).toBe(runsBefore + 1);
  });

  it('applies an edit pushed to one repository as a delta', async () => {
    commitFiles(path.join(repos, 'alpha'), {
      'catalog-info.yaml': component('alpha', 'second'),
    });
    const run = await rescan({ source: 'local', repository: 'alpha' });
    expect(run).toMatchObject({
      repository: 'alpha',
      repositoriesRead: 1,
      entitiesFound: 1,
      added: 0,
      changed: 1,
      removed: 1,
    });
    await waitFor('alpha', 'second');
    await waitFor('alpha-worker', null);
  });

  it('keeps every entity when the source breaks or returns an empty listing', async () => {
    const moved = path.join(root, 'moved');
    fs.renameSync(repos, moved);
    const missing = await rescan();
    expect(missing).toMatchObject({ status: 'failed', removed: 0 });
    expect(missing.message).toContain('cannot list');

    fs.mkdirSync(repos);
    const empty = await rescan();
    expect(empty).toMatchObject({ status: 'failed', removed: 0 });
    expect(empty.message).toContain('listing');
    fs.rmdirSync(repos);
    fs.renameSync(moved, repos);
    await waitFor('beta', 'first');

    const health = await request(server)
      .get('/api/catalog/ingestion/health')
      .set(auth);
    expect(health.body).toMatchObject({
      runs: 7,
      good: 5,
      failed: 2,
      successRate: 5 / 7,
    });
  });

  it('removes the entities of a deleted repository, and then accepts the copy it blocked', async () => {
    fs.rmSync(path.join(repos, 'alpha'), { recursive: true });
    const run = await rescan();
    expect(run).toMatchObject({
      status: 'succeeded',
      repositories: 3,
      removed: 1,
    });
    await waitFor('alpha', null);
    const next = await rescan();
    expect(next).toMatchObject({ repositoriesRead: 1, added: 1 });
    await waitFor('alpha', 'copy');
  });

  describe('GitHub push webhook', () => {
    const push = (name: string) =>
      JSON.stringify({
        ref: 'refs/heads/main',
        repository: { name, full_name: `acme/${name}`, default_branch: 'main' },
      });
    const deliver = async (body: string, headers: Record<string, string>) =>
      request(server)
        .post('/api/catalog/ingestion/webhooks/github')
        .set({
          'content-type': 'application/json',
          'x-github-event': 'push',
          ...headers,
        })
        .send(body);

    it('re-reads the pushed repository when the signature is right', async () => {
      pushFiles(path.join(root, 'beta-clone'), {
        'catalog-info.yaml': component('beta', 'pushed'),
      });
      const body = push('beta');
      const headers = {
        'x-hub-signature-256': await sign(SECRET, body),
        'x-github-delivery': 'delivery-beta-1',
      };
      const res = await deliver(body, headers);
      expect(res.status).toBe(200);
      expect(res.body.runs[0]).toMatchObject({
        trigger: 'webhook',
        repository: 'beta',
        changed: 1,
      });
      await waitFor('beta', 'pushed');

      // The same delivery again (a replay), with the same, another or no
      // delivery id (which the signature does not cover): acknowledged, not
      // scanned.
      const runsBefore = await request(server)
        .get('/api/catalog/ingestion/runs?limit=500')
        .set(auth);
      for (const replayHeaders of [
        headers,
        { ...headers, 'x-github-delivery': 'delivery-beta-forged' },
        { 'x-hub-signature-256': headers['x-hub-signature-256'] },
      ]) {
        const replay = await deliver(body, replayHeaders);
        expect(replay.status).toBe(202);
        expect(replay.body).toEqual({
          ignored: 'this delivery was already received',
        });
      }
      const runsAfter = await request(server)
        .get('/api/catalog/ingestion/runs?limit=500')
        .set(auth);
      expect(runsAfter.body.items.length).toBe(runsBefore.body.items.length);
    });

    it('refuses a missing or wrong signature, a wrong content type and an oversized body', async () => {
      const body = push('beta');
      expect((await deliver(body, {})).status).toBe(401);
      expect(
        (
          await deliver(body, {
            'x-hub-signature-256': await sign('wrong', body),
          })
        ).status,
      ).toBe(401);
      const text = await request(server)
        .post('/api/catalog/ingestion/webhooks/github')
        .set({
          'content-type': 'text/plain',
          'x-hub-signature-256': await sign(SECRET, body),
        })
        .send(body);
      expect(text.status).toBe(415);
      const big = JSON.stringify({ padding: 'x'.repeat(5000) });
      expect(
        (await deliver(big, { 'x-hub-signature-256': await sign(SECRET, big) }))
          .status,
      ).toBe(413);
    });
  });

  it('serves its health only to signed-in callers', async () => {
    const none = { Authorization: mockCredentials.none.header() };
    expect(
      (await request(server).get('/api/catalog/ingestion/sources').set(none))
        .status,
    ).toBe(401);
    expect(
      (
        await request(server)
          .post('/api/catalog/ingestion/rescan')
          .set(none)
          .send({})
      ).status,
    ).toBe(401);
    const sources = await request(server)
      .get('/api/catalog/ingestion/sources')
      .set(auth);
    expect(sources.body).toEqual([
      expect.objectContaining({
        id: 'local',
        type: 'local',
        repositories: 3,
        entities: 3,
        problems: 1,
      }),
    ]);
  });
});
