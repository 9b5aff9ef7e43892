import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import type { OpenSloFilePage } from '@internal/plugin-catalog-ingestion-common';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import {
  MANUAL_SCHEDULE,
  startIngestionBackend,
} from './__testUtils__/startIngestionBackend';
import { commitFiles, createRepo } from './__testUtils__/git';

// Integration test: OpenSLO files found in real git repositories are served
// by GET /api/catalog/ingestion/openslo for the SLO backend, on PostgreSQL.

jest.setTimeout(120_000);

const entity = (
  kind: string,
  name: string,
  annotations: Record<string, string> = {},
) => {
  const lines = Object.entries(annotations).map(
    ([k, v]) => `    ${k}: ${JSON.stringify(v)}\n`,
  );
  const specs: Record<string, string> = {
    System: '  owner: team-a\n',
    API: '  type: openapi\n  lifecycle: production\n  owner: team-a\n  definition: "openapi: 3.0.0"\n',
    Component: '  type: service\n  lifecycle: production\n  owner: team-a\n',
  };
  const spec = specs[kind];
  return `apiVersion: backstage.io/v1alpha1
kind: ${kind}
metadata:
  name: ${name}
${lines.length ? `  annotations:\n${lines.join('')}` : ''}spec:
${spec}`;
};

const slo = (name: string, target = 0.99) => `apiVersion: openslo/v1
kind: SLO
metadata:
  name: ${name}
spec:
  service: ${name}
  budgetingMethod: Occurrences
  objectives:
    - target: ${target}
`;

describe('OpenSLO files from repositories', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });
  let root: string;
  let repos: string;
  let server: Awaited<ReturnType<typeof startIngestionBackend>>;
  const auth = { Authorization: mockCredentials.user.header() };
  const serviceAuth = { Authorization: mockCredentials.service.header() };

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'openslo-it-'));
    repos = path.join(root, 'repos');
    createRepo(path.join(repos, 'checkout'), {
      'catalog-info.yaml': entity('Component', 'checkout'),
      'slo.yaml': slo('checkout'),
    });
    createRepo(path.join(repos, 'payments'), {
      'catalog-info.yaml': [
        entity('System', 'payments', {
          'portal.dev/openslo': 'reliability/objectives.yaml',
        }),
        entity('API', 'payments-api', {
          'portal.dev/openslo': 'api/latency.yaml, missing.openslo.yaml',
        }),
      ].join('---\n'),
      'reliability/objectives.yaml': slo('payments'),
      'api/latency.yaml': slo('payments-api', 0.95),
      'node_modules/dep/slo.yaml': slo('ignored'),
    });
    createRepo(path.join(repos, 'orphan'), {
      'catalog-info.yaml': `apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\nspec:\n  type: team\n  children: []\n`,
      'ops/slo.yaml': slo('nobody'),
    });

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
        },
      },
    });
  });

  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  const list = async (query = ''): Promise<OpenSloFilePage> => {
    const res = await request(server)
      .get(`/api/catalog/ingestion/openslo${query}`)
      .set(auth);
    expect(res.status).toBe(200);
    return res.body;
  };
  const rescan = async (body: object = {}) => {
    const res = await request(server)
      .post('/api/catalog/ingestion/rescan')
      .set(auth)
      .send(body);
    expect(res.status).toBe(200);
    return res.body.runs[0];
  };

  it('serves the OpenSLO files found next to descriptors and named by annotations', async () => {
    const run = await rescan();
    expect(
      run.errors.map((e: any) => [
        e.repository,
        e.file,
        e.entityRef,
        e.message,
      ]),
    ).toEqual(
      expect.arrayContaining([
        [
          'payments',
          'catalog-info.yaml',
          'api:default/payments-api',
          'portal.dev/openslo "missing.openslo.yaml": no such file in the repository',
        ],
        [
          'orphan',
          'ops/slo.yaml',
          undefined,
          'OpenSLO file found but no component, resource, system or API is described in its directory or above',
        ],
      ]),
    );

    const page = await list();
    expect(page.nextOffset).toBeUndefined();
    expect(
      page.items.map(i => [i.entityRef, i.file, i.sourceId, i.repository]),
    ).toEqual([
      ['api:default/payments-api', 'api/latency.yaml', 'local', 'payments'],
      ['component:default/checkout', 'slo.yaml', 'local', 'checkout'],
      [
        'system:default/payments',
        'reliability/objectives.yaml',
        'local',
        'payments',
      ],
    ]);
    expect(page.items[1].content).toBe(slo('checkout'));
    expect(page.items[2].content).toBe(slo('payments'));
    expect(Number.isNaN(Date.parse(page.items[0].storedAt))).toBe(false);

    // The problem is also listed for the entity.
    const problems = await request(server)
      .get('/api/catalog/ingestion/problems?entityRef=api:default/payments-api')
      .set(auth);
    expect(problems.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          message:
            'portal.dev/openslo "missing.openslo.yaml": no such file in the repository',
        }),
      ]),
    );
  });

  it('filters by entity and pages', async () => {
    const one = await list('?entityRef=Component:default/Checkout');
    expect(one.items.map(i => [i.entityRef, i.file])).toEqual([
      ['component:default/checkout', 'slo.yaml'],
    ]);
    expect(await list('?entityRef=component:default/nobody')).toEqual({
      items: [],
    });

    const first = await list('?limit=2');
    expect(first.items.map(i => i.file)).toEqual([
      'api/latency.yaml',
      'slo.yaml',
    ]);
    expect(first.nextOffset).toBe(2);
    const second = await list(`?limit=2&offset=${first.nextOffset}`);
    expect(second.items.map(i => i.file)).toEqual([
      'reliability/objectives.yaml',
    ]);
    expect(second.nextOffset).toBeUndefined();

    const asService = await request(server)
      .get('/api/catalog/ingestion/openslo?limit=1')
      .set(serviceAuth);
    expect(asService.status).toBe(200);
    expect(asService.body.items).toHaveLength(1);
  });

  it('refuses bad parameters and callers without credentials', async () => {
    for (const query of [
      '?limit=0',
      '?limit=501',
      '?limit=abc',
      '?offset=-1',
      '?entityRef=',
      '?entityRef=not a ref:',
    ]) {
      const res = await request(server)
        .get(`/api/catalog/ingestion/openslo${query}`)
        .set(auth);
      expect([query, res.status]).toEqual([query, 400]);
    }
    // The test backend treats a request without a header as the default
    // user; this header stands for a caller without credentials.
    const none = await request(server)
      .get('/api/catalog/ingestion/openslo')
      .set({ Authorization: mockCredentials.none.header() });
    expect(none.status).toBe(401);
  });

  it('serves the new content after the file is edited', async () => {
    const before = (await list('?entityRef=component:default/checkout'))
      .items[0];
    commitFiles(path.join(repos, 'checkout'), {
      'slo.yaml': slo('checkout', 0.999),
    });
    await rescan({ repository: 'checkout' });
    const after = (await list('?entityRef=component:default/checkout')).items;
    expect(after).toHaveLength(1);
    expect(after[0].content).toBe(slo('checkout', 0.999));
    expect(after[0].content).toContain('target: 0.999');
    expect(Date.parse(after[0].storedAt)).toBeGreaterThanOrEqual(
      Date.parse(before.storedAt),
    );
  });

  it('drops a file deleted from the repository, and a fixed annotation clears its problem', async () => {
    commitFiles(path.join(repos, 'payments'), {
      'api/latency.yaml': null,
      'catalog-info.yaml': [
        entity('System', 'payments', {
          'portal.dev/openslo': 'reliability/objectives.yaml',
        }),
        entity('API', 'payments-api'),
      ].join('---\n'),
    });
    const run = await rescan({ repository: 'payments' });
    expect(run.errors).toEqual([]);
    expect((await list()).items.map(i => [i.entityRef, i.file])).toEqual([
      ['component:default/checkout', 'slo.yaml'],
      ['system:default/payments', 'reliability/objectives.yaml'],
    ]);
  });

  it('drops the files of a repository that disappears', async () => {
    fs.rmSync(path.join(repos, 'payments'), { recursive: true, force: true });
    const run = await rescan();
    expect(run.status).not.toBe('failed');
    expect((await list()).items.map(i => [i.entityRef, i.file])).toEqual([
      ['component:default/checkout', 'slo.yaml'],
    ]);
    commitFiles(path.join(repos, 'checkout'), { 'slo.yaml': null });
    await rescan({ repository: 'checkout' });
    expect(await list()).toEqual({ items: [] });
  });
});
