import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import catalogModuleScaffolderEntityModel from '@backstage/plugin-catalog-backend-module-scaffolder-entity-model';
import request from 'supertest';
import { createRepo } from '../__testUtils__/git';
import {
  MANUAL_SCHEDULE,
  startIngestionBackend,
} from '../__testUtils__/startIngestionBackend';

// Integration test on PostgreSQL: a repository cannot define who people
// are, which groups exist, golden paths, or locations to elsewhere; what it
// may define is kept, the rest is a named problem.

jest.setTimeout(120_000);

const doc = (kind: string, name: string, spec: string, extra = '') =>
  `apiVersion: ${
    kind === 'Template'
      ? 'scaffolder.backstage.io/v1beta3'
      : 'backstage.io/v1alpha1'
  }\nkind: ${kind}\nmetadata:\n  name: ${name}\n${extra}spec:\n${spec}`;

const HOSTILE = [
  doc(
    'Component',
    'shop',
    '  type: service\n  lifecycle: production\n  owner: team-a\n',
  ),
  doc(
    'Template',
    'sneaky',
    '  type: service\n  owner: team-a\n  steps:\n    - id: log\n      action: debug:log\n      input:\n        message: hi\n',
  ),
  doc(
    'User',
    'mallory',
    '  profile:\n    email: alice@example.com\n  memberOf: [platform-team]\n',
  ),
  doc('Group', 'platform-team', '  type: team\n  children: []\n'),
  doc(
    'Location',
    'elsewhere',
    '  type: url\n  target: https://example.com/catalog-info.yaml\n',
  ),
].join('---\n');

describe('kinds a repository may define', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });
  let root: string;
  let server: Awaited<ReturnType<typeof startIngestionBackend>>;
  const auth = { Authorization: mockCredentials.user.header() };

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'kinds-'));
    for (const name of ['shop', 'golden']) {
      createRepo(path.join(root, name), {
        'catalog-info.yaml': HOSTILE.replace(/name: shop/, `name: ${name}`)
          .replace('name: sneaky', `name: ${name}-template`)
          .replace('name: mallory', `name: ${name}-mallory`)
          .replace('name: platform-team', `name: ${name}-platform`)
          .replace('name: elsewhere', `name: ${name}-elsewhere`),
      });
    }
    const knex = await databases.init('POSTGRES_15');
    server = await startIngestionBackend(
      knex,
      {
        catalog: {
          rules: [
            { allow: ['Component', 'Template', 'User', 'Group', 'Location'] },
          ],
          ingestion: {
            sources: [
              {
                id: 'repos',
                type: 'local',
                path: root,
                templateRepositories: ['golden'],
                schedule: MANUAL_SCHEDULE,
              },
            ],
          },
        },
      },
      [catalogModuleScaffolderEntityModel],
    );
  });

  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  const entity = async (ref: string) =>
    request(server)
      .get(`/api/catalog/entities/by-name/${ref}`)
      .set(auth)
      .then(r => r.status);

  it('keeps the allowed entities and names every refused one', async () => {
    const rescan = await request(server)
      .post('/api/catalog/ingestion/rescan')
      .set(auth)
      .send({});
    expect(rescan.status).toBe(200);
    expect(rescan.body.runs[0]).toMatchObject({
      repositoriesRead: 2,
      added: 3,
    });

    const problems = (
      await request(server)
        .get('/api/catalog/ingestion/problems?source=repos&repository=shop')
        .set(auth)
    ).body.items as Array<{ entityRef: string; message: string; line: number }>;
    expect(
      problems.map(p => [p.entityRef, p.message.split(' (')[0], p.line]),
    ).toEqual([
      [
        'template:default/shop-template',
        'kind Template is not accepted from source "repos"',
        10,
      ],
      [
        'user:default/shop-mallory',
        'kind User is not accepted from source "repos"',
        23,
      ],
      [
        'group:default/shop-platform',
        'kind Group is not accepted from source "repos"',
        32,
      ],
      [
        'location:default/shop-elsewhere',
        'kind Location is not accepted from source "repos"',
        40,
      ],
    ]);
    expect(problems[0].message).toContain('templateRepositories');

    // What the catalog serves: the components of both repositories, the
    // Template only from the repository listed for Templates, and no User,
    // Group or Location from either.
    for (let i = 0; i < 60; i++) {
      if ((await entity('template/default/golden-template')) === 200) break;
      await new Promise(r => setTimeout(r, 500));
    }
    expect(await entity('component/default/shop')).toBe(200);
    expect(await entity('component/default/golden')).toBe(200);
    expect(await entity('template/default/golden-template')).toBe(200);
    expect(await entity('template/default/shop-template')).toBe(404);
    expect(await entity('user/default/shop-mallory')).toBe(404);
    expect(await entity('user/default/golden-mallory')).toBe(404);
    expect(await entity('group/default/shop-platform')).toBe(404);
    expect(await entity('location/default/shop-elsewhere')).toBe(404);
  });
});
