import {
  mockCredentials,
  mockServices,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { commitFiles, createRepo } from '../__testUtils__/git';
import {
  MANUAL_SCHEDULE,
  startIngestionBackend,
} from '../__testUtils__/startIngestionBackend';
import { CATALOG_CACHE_HEADER } from './catalogReadCache';

// The catalog read cache on the real catalog and PostgreSQL: a repeated
// list, count or facet query is answered from the cache, and any change the
// catalog publishes (a new, edited or removed entity) is seen at once.

jest.setTimeout(120_000);

const component = (name: string, lifecycle = 'production') => `
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ${name}
spec:
  type: service
  lifecycle: ${lifecycle}
  owner: team-a
`;

const LIST =
  '/api/catalog/entities/by-query?limit=20&filter=kind=component&orderField=metadata.name,asc';
const COUNT = '/api/catalog/entities/by-query?limit=0&filter=kind=component';
const FACETS = '/api/catalog/entity-facets?facet=spec.lifecycle';

describe('catalog read cache', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });
  let root: string;
  let repo: string;
  const auth = { Authorization: mockCredentials.user.header() };

  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'read-cache-'));
    repo = path.join(root, 'repos', 'svc');
    createRepo(repo, {
      'catalog-info.yaml': `${component('a')}---${component('b')}`,
    });
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  const config = () => ({
    catalog: {
      ingestion: {
        sources: [
          {
            id: 'local',
            type: 'local',
            path: path.dirname(repo),
            schedule: MANUAL_SCHEDULE,
          },
        ],
      },
    },
  });

  async function waitUntil(check: () => Promise<boolean>) {
    for (let i = 0; i < 80; i++) {
      if (await check()) return;
      await new Promise(r => setTimeout(r, 250));
    }
    throw new Error('condition not reached in 20 s');
  }

  it('answers repeated reads from the cache and sees every change at once', async () => {
    const knex = await databases.init('POSTGRES_15');
    const server = await startIngestionBackend(knex, config());
    const get = (url: string) => request(server).get(url).set(auth);
    const rescan = () =>
      request(server)
        .post('/api/catalog/ingestion/rescan')
        .set(auth)
        .send({ source: 'local' })
        .expect(200);
    const names = async () =>
      (await get(LIST)).body.items.map((e: any) => e.metadata.name);

    await rescan();
    await waitUntil(async () => (await get(COUNT)).body.totalItems === 2);

    // Nothing changed since: the second answer is the cached one, and equal.
    for (const url of [LIST, COUNT, FACETS]) {
      const first = await get(url);
      const second = await get(url);
      expect(first.status).toBe(200);
      expect(second.status).toBe(200);
      expect(second.headers[CATALOG_CACHE_HEADER]).toBe('hit');
      expect(second.body).toEqual(first.body);
    }
    expect(await names()).toEqual(['a', 'b']);
    expect((await get(FACETS)).body.facets['spec.lifecycle']).toEqual([
      { value: 'production', count: 2 },
    ]);

    // Cache-Control: no-cache goes to the catalog.
    const fresh = await get(COUNT).set('Cache-Control', 'no-cache');
    expect(fresh.headers[CATALOG_CACHE_HEADER]).toBeUndefined();
    expect(fresh.body.totalItems).toBe(2);

    // A new entity and an edited one: the cached answers are not served.
    commitFiles(repo, {
      'catalog-info.yaml': `${component('a', 'deprecated')}---${component(
        'b',
      )}---${component('c')}`,
    });
    await rescan();
    await waitUntil(async () => (await get(COUNT)).body.totalItems === 3);
    await waitUntil(
      async () =>
        JSON.stringify((await get(FACETS)).body.facets['spec.lifecycle']) ===
        JSON.stringify([
          { value: 'deprecated', count: 1 },
          { value: 'production', count: 2 },
        ]),
    );
    expect(await names()).toEqual(['a', 'b', 'c']);

    // A removed entity (no other entity changes with it): gone at once.
    const warm = await get(COUNT);
    expect(warm.body.totalItems).toBe(3);
    commitFiles(repo, {
      'catalog-info.yaml': `${component('a', 'deprecated')}---${component(
        'b',
      )}`,
    });
    await rescan();
    await waitUntil(async () => (await get(COUNT)).body.totalItems === 2);
    expect(await names()).toEqual(['a', 'b']);
    const { rows } = await knex.raw(
      'SELECT removals FROM ingestion_catalog_removals WHERE id = 1',
    );
    expect(Number(rows[0].removals)).toBeGreaterThanOrEqual(1);

    // Without credentials the catalog still answers 401.
    expect(
      (
        await request(server).get(COUNT).set({
          Authorization: mockCredentials.none.header(),
        })
      ).status,
    ).toBe(401);
  });

  it("keeps the catalog page's POST lists and counts, keyed on their body", async () => {
    const knex = await databases.init('POSTGRES_15');
    // A source of its own, so the other tests do not see these entities.
    const postRepo = path.join(root, 'post-repos', 'svc-post');
    createRepo(postRepo, {
      'catalog-info.yaml': `${component('p1')}---${component(
        'p2',
        'experimental',
      )}`,
    });
    const server = await startIngestionBackend(knex, {
      catalog: {
        ingestion: {
          sources: [
            {
              id: 'local',
              type: 'local',
              path: path.dirname(postRepo),
              schedule: MANUAL_SCHEDULE,
            },
          ],
        },
      },
    });
    await request(server)
      .post('/api/catalog/ingestion/rescan')
      .set(auth)
      .send({ source: 'local' })
      .expect(200);
    const post = (body: object | string) =>
      request(server)
        .post('/api/catalog/entities/by-query')
        .set(auth)
        .set('content-type', 'application/json')
        .send(typeof body === 'string' ? body : JSON.stringify(body));
    // As the catalog page of this Backstage version sends them.
    const list = {
      query: { kind: 'component' },
      limit: 20,
      orderBy: [{ field: 'metadata.name', order: 'asc' }],
    };
    const count = { query: { kind: 'component' }, limit: 0 };
    const experimental = {
      query: { kind: 'component', 'spec.lifecycle': 'experimental' },
      limit: 0,
    };
    await waitUntil(async () => (await post(count)).body.totalItems === 2);

    const names = (res: request.Response) =>
      res.body.items.map((e: any) => e.metadata.name);
    const first = await post(list);
    expect(first.status).toBe(200);
    const second = await post(list);
    expect(second.headers[CATALOG_CACHE_HEADER]).toBe('hit');
    expect(second.body).toEqual(first.body);
    expect(names(second)).toEqual(['p1', 'p2']);
    // Another body is another answer, not the cached one.
    await post(experimental);
    const filtered = await post(experimental);
    expect(filtered.headers[CATALOG_CACHE_HEADER]).toBe('hit');
    expect(filtered.body.totalItems).toBe(1);
    expect((await post(count)).body.totalItems).toBe(2);

    // A search term or a later page goes to the catalog every time.
    for (let i = 0; i < 2; i++) {
      const searched = await post({
        ...list,
        fullTextFilter: { term: 'p2', fields: ['metadata.name'] },
      });
      expect(searched.status).toBe(200);
      expect(searched.headers[CATALOG_CACHE_HEADER]).toBeUndefined();
      expect(names(searched)).toEqual(['p2']);
    }
    const paged = await post({ ...list, limit: 1 });
    const next = await post({ cursor: paged.body.pageInfo.nextCursor });
    expect(next.status).toBe(200);
    expect(next.headers[CATALOG_CACHE_HEADER]).toBeUndefined();

    // A change: the cached list and count are not served.
    commitFiles(postRepo, {
      'catalog-info.yaml': `${component('p1')}---${component(
        'p2',
        'experimental',
      )}---${component('p3', 'experimental')}`,
    });
    await request(server)
      .post('/api/catalog/ingestion/rescan')
      .set(auth)
      .send({ source: 'local' })
      .expect(200);
    await waitUntil(
      async () => (await post(experimental)).body.totalItems === 2,
    );
    expect((await post(count)).body.totalItems).toBe(3);
    expect(names(await post(list))).toEqual(['p1', 'p2', 'p3']);

    // Bad bodies get the catalog's own errors, and nothing is kept.
    const malformed = await post('{"query": ');
    expect(malformed.status).toBe(400);
    const oversized = await post({
      ...count,
      fields: ['x'.repeat(200 * 1024)],
    });
    expect(oversized.status).toBe(413);
    const invalid = await post({ query: { $nope: 1 } });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.message).toMatch(/Invalid query/);
    // The backend still answers.
    expect((await post(count)).status).toBe(200);
  });

  it('leaves a conditional read decision to the catalog, which filters', async () => {
    const knex = await databases.init('POSTGRES_15');
    const onlyProduction = {
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'catalog',
      resourceType: 'catalog-entity',
      conditions: {
        rule: 'HAS_SPEC',
        resourceType: 'catalog-entity',
        params: { key: 'lifecycle', value: 'production' },
      },
    } as const;
    const permissions = mockServices.permissions.mock({
      authorize: async requests =>
        requests.map(() => ({ result: AuthorizeResult.ALLOW })),
      authorizeConditional: async requests =>
        requests.map(() => onlyProduction),
    });
    const server = await startIngestionBackend(knex, config(), [
      permissions.factory,
    ]);
    commitFiles(repo, {
      'catalog-info.yaml': `${component('a', 'deprecated')}---${component(
        'b',
      )}`,
    });
    await request(server)
      .post('/api/catalog/ingestion/rescan')
      .set(auth)
      .send({ source: 'local' })
      .expect(200);
    // Everything is published (seen through the database) ...
    await waitUntil(async () => {
      const { rows } = await knex.raw(
        'SELECT count(*) AS n FROM final_entities WHERE final_entity IS NOT NULL',
      );
      return Number(rows[0].n) === 2;
    });
    // ... but this caller only sees production entities, never from a cache.
    for (let i = 0; i < 2; i++) {
      const res = await request(server).get(COUNT).set(auth);
      expect(res.status).toBe(200);
      expect(res.body.totalItems).toBe(1);
      expect(res.headers[CATALOG_CACHE_HEADER]).toBeUndefined();
    }
  });
});
