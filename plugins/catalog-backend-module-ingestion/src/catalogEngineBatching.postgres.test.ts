import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { createRepo } from './__testUtils__/git';
import {
  MANUAL_SCHEDULE,
  startIngestionBackend,
  type TestKnex,
} from './__testUtils__/startIngestionBackend';

// The portal's patch of @backstage/plugin-catalog-backend
// (.yarn/patches): batched processing (catalog.processingBatchSize) and
// batched stitching (catalog.stitchingStrategy.batchSize). The same
// repositories and locations go through the stock engine and the batched
// one, each on its own PostgreSQL database; what the catalog serves must be
// identical: every entity, its relations, status items and search rows.

jest.setTimeout(300_000);

const STOCK = {
  processingBatchSize: 1,
  stitchingStrategy: { pollingInterval: { milliseconds: 200 }, batchSize: 1 },
};
const BATCHED = {
  processingBatchSize: 7,
  stitchingStrategy: { pollingInterval: { milliseconds: 200 }, batchSize: 5 },
};

const component = (name: string, extra: string = '') => `
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ${name}
  tags: [batch, ${name}]
${extra}
spec:
  type: service
  lifecycle: production
  owner: group:default/team-${name.length % 3}
  system: shop
  dependsOn: [component:default/${name === 'c-0' ? 'c-1' : 'c-0'}]
  providesApis: [api-${name}]
`;

const api = (name: string) => `
apiVersion: backstage.io/v1alpha1
kind: API
metadata:
  name: api-${name}
spec:
  type: openapi
  lifecycle: production
  owner: team-0
  definition: "openapi: 3.0.0"
`;

// Read-only views of what the catalog serves, keyed by entity ref, without
// the ids that differ between two databases.
async function snapshot(knex: TestKnex) {
  const finals = await knex('final_entities')
    .select('entity_ref', 'final_entity', 'hash')
    .whereNotNull('final_entity');
  const entities: Record<string, unknown> = {};
  const ids = new Map<string, string>();
  for (const row of await knex('final_entities').select(
    'entity_id',
    'entity_ref',
  ))
    ids.set(row.entity_id, row.entity_ref);
  for (const row of finals) {
    const entity = JSON.parse(row.final_entity);
    // The hash covers the uid, which differs between databases; the etag
    // is that hash.
    const etagIsHash = entity.metadata.etag === row.hash;
    delete entity.metadata.uid;
    delete entity.metadata.etag;
    entities[row.entity_ref] = { etagIsHash, entity };
  }
  const search = (
    await knex('search').select('entity_id', 'key', 'value', 'original_value')
  )
    .map(r =>
      // uid and etag differ between databases, as above
      /^metadata\.(uid|etag)$/.test(r.key)
        ? `${ids.get(r.entity_id)}|${r.key}`
        : `${ids.get(r.entity_id)}|${r.key}|${r.value}|${
            r.original_value ?? ''
          }`,
    )
    .sort();
  const relations = (
    await knex('relations').select(
      'source_entity_ref',
      'type',
      'target_entity_ref',
    )
  )
    .map(r => `${r.source_entity_ref}|${r.type}|${r.target_entity_ref}`)
    .sort();
  return { entities, search, relations };
}

describe('batched catalog engine (portal patch)', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });
  let root: string;

  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'engine-batch-'));
    // Two repositories: components that depend on each other across
    // repositories, APIs they provide, one unsafe view URL.
    const names = Array.from({ length: 24 }, (_, i) => `c-${i}`);
    createRepo(path.join(root, 'repos', 'one'), {
      'catalog-info.yaml': names
        .slice(0, 12)
        .map(n =>
          n === 'c-3'
            ? component(
                n,
                '  annotations:\n    backstage.io/view-url: "javascript:alert(1)"',
              )
            : component(n),
        )
        .concat(names.slice(0, 12).map(api))
        .join('---\n'),
    });
    createRepo(path.join(root, 'repos', 'two'), {
      'catalog-info.yaml': names
        .slice(12)
        .map(n => component(n))
        .concat(names.slice(12).map(api))
        .join('---\n'),
    });
    // A file location (its entities arrive as deferred entities of the
    // location); another one's file is deleted once it has been read (a
    // processing error on a published entity, shown as a status item).
    fs.writeFileSync(
      path.join(root, 'extra.yaml'),
      ['x-1', 'x-2', 'x-3'].map(n => component(n)).join('---\n'),
    );
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  const config = (engine: object) => ({
    catalog: {
      ...engine,
      rules: [{ allow: ['Component', 'API', 'Location'] }],
      locations: [
        { type: 'file', target: path.join(root, 'extra.yaml') },
        { type: 'file', target: path.join(root, 'flaky.yaml') },
      ],
      ingestion: {
        sources: [
          {
            id: 'local',
            type: 'local',
            path: path.join(root, 'repos'),
            schedule: MANUAL_SCHEDULE,
          },
        ],
      },
    },
  });

  async function settled(knex: TestKnex, entities: number) {
    let last = '';
    let state = '';
    for (let i = 0; i < 240; i++) {
      const [{ n }] = await knex('final_entities')
        .whereNotNull('final_entity')
        .count({ n: '*' });
      const [{ q }] = await knex('stitch_queue').count({ q: '*' });
      const [{ p }] = await knex('refresh_state')
        .whereNull('result_hash')
        .count({ p: '*' });
      state = `${n} published, ${q} queued to stitch, ${p} not processed`;
      if (Number(n) >= entities && Number(q) === 0 && Number(p) === 0) {
        // Stable: the same snapshot twice, a second apart.
        const now = JSON.stringify(await snapshot(knex));
        if (now === last) return JSON.parse(now);
        last = now;
        await new Promise(r => setTimeout(r, 1000));
        continue;
      }
      await new Promise(r => setTimeout(r, 250));
    }
    throw new Error(`the catalog did not settle in 60 s: ${state}`);
  }

  /** Ingests the fixture with `replicas` backends on one database. */
  async function ingest(engine: object, replicas = 1) {
    const knex = await databases.init('POSTGRES_15');
    const statements: string[] = [];
    knex.on('query', (q: { sql: string }) => statements.push(q.sql));
    fs.writeFileSync(path.join(root, 'flaky.yaml'), component('y-1'));
    const servers = [];
    for (let i = 0; i < replicas; i++) {
      servers.push(await startIngestionBackend(knex, config(engine)));
    }
    const server = servers[0];
    try {
      await request(server)
        .post('/api/catalog/ingestion/rescan')
        .set({ Authorization: mockCredentials.user.header() })
        .send({ source: 'local' })
        .expect(200);
      // 48 entities from the repositories, 4 from the files, 2 locations.
      await settled(knex, 54);
      fs.rmSync(path.join(root, 'flaky.yaml'));
      for (let i = 0; i < 120; i++) {
        const failed = await knex('final_entities')
          .where('final_entity', 'like', '%NotFoundError%')
          .first();
        if (failed) break;
        await new Promise(r => setTimeout(r, 250));
      }
      const result = await settled(knex, 54);
      return { result, statements, knex };
    } finally {
      for (const s of servers) await s.stop();
    }
  }

  let stockRun: ReturnType<typeof ingest> | undefined;
  const stockResult = () => (stockRun ??= ingest(STOCK));

  it('serves exactly what the stock engine serves, with far fewer statements', async () => {
    const stock = await stockResult();
    const batched = await ingest(BATCHED);

    const refs = Object.keys(stock.result.entities).sort();
    expect(refs).toHaveLength(54);
    expect(Object.keys(batched.result.entities).sort()).toEqual(refs);
    for (const ref of refs) {
      expect([ref, batched.result.entities[ref]]).toEqual([
        ref,
        stock.result.entities[ref],
      ]);
    }
    expect(
      Object.values(batched.result.entities).every((e: any) => e.etagIsHash),
    ).toBe(true);
    expect(batched.result.relations).toEqual(stock.result.relations);
    expect(batched.result.search).toEqual(stock.result.search);

    // The cases the stitcher rewrites are in both: the unsafe URL and the
    // processing error of the deleted file.
    const c3 = batched.result.entities['component:default/c-3'] as any;
    expect(c3.entity.metadata.annotations['backstage.io/view-url']).toBe(
      'https://backstage.io/annotation-rejected-for-security-reasons',
    );
    const withErrors = Object.values(batched.result.entities).filter(
      (e: any) => e.entity.status?.items?.length,
    );
    expect(withErrors).toHaveLength(1);
    expect(JSON.stringify(withErrors[0])).toContain(
      'flaky.yaml does not exist',
    );
    expect(
      (batched.result.entities['component:default/c-0'] as any).entity
        .relations,
    ).toEqual(
      expect.arrayContaining([
        { type: 'dependencyOf', targetRef: 'component:default/c-1' },
        { type: 'providesApi', targetRef: 'api:default/api-c-0' },
      ]),
    );

    // The batched paths ran in the batched engine only.
    const batchStitch = (s: string) =>
      /INSERT INTO final_entities[\s\S]*unnest/.test(s);
    const batchCache = (s: string) =>
      /UPDATE refresh_state r SET cache = d\.cache/.test(s);
    expect(batched.statements.some(batchStitch)).toBe(true);
    expect(batched.statements.some(batchCache)).toBe(true);
    expect(stock.statements.some(batchStitch)).toBe(false);
    expect(stock.statements.some(batchCache)).toBe(false);
    const transactions = (xs: string[]) =>
      xs.filter(s => /^BEGIN/i.test(s)).length;
    expect(transactions(batched.statements)).toBeLessThan(
      transactions(stock.statements) / 2,
    );
  });

  it('serves the same catalog with two replicas sharing the batched work', async () => {
    const stock = await stockResult();
    const batched = await ingest(BATCHED, 2);
    expect(batched.result).toEqual(stock.result);
  });

  it('publishes only the entities whose stitch ticket and lease are current', async () => {
    const { knex } = await ingest(BATCHED);

    const dist = path.join(
      path.dirname(
        require.resolve('@backstage/plugin-catalog-backend/package.json'),
      ),
      'dist/database/operations/stitcher/performStitchingBatch.cjs.js',
    );
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { performStitchingBatch } = require(dist);

    const refs = ['component:default/c-5', 'component:default/c-6'];
    await knex('final_entities')
      .whereIn('entity_ref', refs)
      .update({ hash: 'old' });
    const lease = async (ref: string, ticket: string) => {
      await knex('stitch_queue')
        .insert({
          entity_ref: ref,
          stitch_ticket: ticket,
          failure_count: 0,
          next_stitch_at: knex.raw(`now() + interval '60 seconds'`),
        })
        .onConflict('entity_ref')
        .merge();
      const row = await knex('stitch_queue')
        .where('entity_ref', ref)
        .select(knex.raw('next_stitch_at::text as lease'))
        .first();
      return {
        entityRef: ref,
        stitchTicket: ticket,
        stitchLeaseExpiresAt: row.lease,
      };
    };
    const hashes = async () =>
      (await knex('final_entities').whereIn('entity_ref', refs).select('hash'))
        .map(r => r.hash)
        .sort();

    // One entity of the batch was taken over (its ticket replaced, as when
    // processing marks it again): it is abandoned and left in the queue,
    // due at once; the other one is published and dequeued.
    const taken = await lease(refs[1], 't-new');
    const first = await performStitchingBatch({
      knex,
      items: [await lease(refs[0], 't-1'), { ...taken, stitchTicket: 't-1' }],
    });
    expect(Object.fromEntries(first)).toEqual({
      [refs[0]]: 'changed',
      [refs[1]]: 'abandoned',
    });
    const byRef = async () =>
      Object.fromEntries(
        (
          await knex('final_entities')
            .whereIn('entity_ref', refs)
            .select('entity_ref', 'hash')
        ).map(r => [r.entity_ref, r.hash]),
      );
    expect((await byRef())[refs[0]]).not.toBe('old');
    expect((await byRef())[refs[1]]).toBe('old');
    const queued = await knex('stitch_queue').select(
      'entity_ref',
      'stitch_ticket',
      knex.raw('next_stitch_at <= now() as due'),
    );
    expect(queued).toEqual([
      { entity_ref: refs[1], stitch_ticket: 't-new', due: true },
    ]);

    // Current tickets: published and dequeued; an entity that does not
    // exist is abandoned and dequeued too.
    const items = [
      await lease(refs[1], 't-2'),
      await lease('component:default/nobody', 't-2'),
    ];
    const results = await performStitchingBatch({ knex, items });
    expect(Object.fromEntries(results)).toEqual({
      [refs[1]]: 'changed',
      'component:default/nobody': 'abandoned',
    });
    const published = await hashes();
    expect(published).not.toContain('old');
    expect(await knex('stitch_queue').count({ n: '*' })).toEqual([{ n: '0' }]);

    // Stitched again without a change: unchanged, nothing written.
    const again = await performStitchingBatch({
      knex,
      items: [await lease(refs[0], 't-3')],
    });
    expect(again.get(refs[0])).toBe('unchanged');
    expect(await hashes()).toEqual(published);
  });
});
