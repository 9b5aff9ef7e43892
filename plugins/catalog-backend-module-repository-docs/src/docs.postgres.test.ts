import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import { eventually } from '@internal/backend-test-utils';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import {
  componentDescriptor,
  createRepo,
  MANUAL_SCHEDULE,
  startIngestionBackend,
} from '@internal/plugin-catalog-backend-module-ingestion/testUtils';
import catalogModuleRepositoryDocs from './index';

// Integration test: the docs found in real git repositories are served by
// the docs API, on PostgreSQL.

jest.setTimeout(120_000);

const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d4948445200000001000000010806000000',
  'hex',
);

describe('docs from repositories', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });
  let root: string;
  let repos: string;
  let server: Awaited<ReturnType<typeof startIngestionBackend>>;
  const auth = { Authorization: mockCredentials.user.header() };

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'docs-it-'));
    repos = path.join(root, 'repos');
    createRepo(path.join(repos, 'shop'), {
      'catalog-info.yaml': componentDescriptor('shop'),
      'services/worker/catalog-info.yaml': componentDescriptor('shop-worker'),
      'README.md':
        '# Shop\n\nSee [the runbook](docs/runbook.md).\n\n![architecture](docs/arch.png)\n<script>alert(1)</script>\n',
      'docs/runbook.md': '# Runbook\n\nRestart it.\n',
      'docs/arch.png': PNG,
    });
    createRepo(path.join(repos, 'orphan'), {
      'catalog-info.yaml': `apiVersion: backstage.io/v1alpha1\nkind: API\nmetadata:\n  name: orphan-api\nspec:\n  type: openapi\n  lifecycle: production\n  owner: team-a\n  definition: "openapi: 3.0.0"\n`,
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
                globs: ['catalog-info.yaml', 'services/*/catalog-info.yaml'],
                schedule: MANUAL_SCHEDULE,
              },
            ],
          },
        },
      },
      [catalogModuleRepositoryDocs],
    );
  });

  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  const get = (url: string) => request(server).get(url).set(auth);

  it('serves the repository docs of an entity: README first, raw Markdown, images', async () => {
    await request(server).post('/api/catalog/ingestion/rescan').set(auth);
    for (const name of ['shop', 'shop-worker']) {
      await eventually(`${name} in the catalog`, async () => {
        const res = await get(
          `/api/catalog/entities/by-name/component/default/${name}`,
        );
        return res.status === 200 ? true : undefined;
      });
    }
    const list = await get(
      '/api/catalog/ingestion/docs?entityRef=component:default/shop',
    );
    expect(list.body).toMatchObject({
      repository: 'shop',
      files: [
        { path: 'README.md', title: 'Shop' },
        { path: 'docs/runbook.md', title: 'Runbook' },
      ],
    });
    const file = await get(
      '/api/catalog/ingestion/docs/file?entityRef=component:default/shop&path=docs/runbook.md',
    );
    expect(file.body).toEqual({
      path: 'docs/runbook.md',
      markdown: '# Runbook\n\nRestart it.\n',
    });
    const image = await get(
      '/api/catalog/ingestion/docs/asset?entityRef=component:default/shop&path=docs/arch.png',
    );
    expect(image.status).toBe(200);
    expect(image.headers['content-type']).toBe('image/png');
    expect(image.headers['content-security-policy']).toContain('sandbox');
    expect(Buffer.compare(image.body, PNG)).toBe(0);
    expect(
      (
        await get(
          '/api/catalog/ingestion/docs/file?entityRef=component:default/shop&path=../orphan/bom.json',
        )
      ).status,
    ).toBe(400);
    expect(
      (
        await get(
          '/api/catalog/ingestion/docs?entityRef=component:default/unknown',
        )
      ).status,
    ).toBe(404);
    // Which entities have docs (for the DX scorecards): both of the shop
    // repository, not the API of the repository without any.
    expect(
      (await get('/api/catalog/ingestion/docs/entities')).body.items,
    ).toEqual(['component:default/shop', 'component:default/shop-worker']);
  });

  it('lists every docs file for search with the entity it is shown on, page by page', async () => {
    const first = await get('/api/catalog/ingestion/docs/index?limit=1');
    expect(first.body).toEqual({
      items: [
        {
          entityRef: 'component:default/shop',
          path: 'README.md',
          title: 'Shop',
          markdown: expect.stringContaining('# Shop'),
        },
      ],
      nextOffset: 1,
    });
    const rest = await get('/api/catalog/ingestion/docs/index?offset=1');
    expect(rest.body.items.map((i: any) => i.path)).toEqual([
      'docs/runbook.md',
    ]);
    expect(rest.body.nextOffset).toBeUndefined();
    expect(
      (await get('/api/catalog/ingestion/docs/index?limit=0')).status,
    ).toBe(400);
  });

  it('drops the docs of a repository gone from its source', async () => {
    fs.rmSync(path.join(repos, 'shop'), { recursive: true });
    await request(server).post('/api/catalog/ingestion/rescan').set(auth);
    expect(
      (await get('/api/catalog/ingestion/docs/entities')).body.items,
    ).toEqual([]);
    expect((await get('/api/catalog/ingestion/docs/index')).body.items).toEqual(
      [],
    );
  });
});
