import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mockCredentials } from '@backstage/backend-test-utils';
import request from 'supertest';
import { parseAllDocuments } from 'yaml';
import { runRealTemplate, templatesDir } from '../__testUtils__/realTemplates';
import {
  eventually,
  startGoldenPathsBackend,
  taskLog,
  type GoldenPathsTestBackend,
} from '../__testUtils__/startGoldenPathsBackend';

// The default of `./portal start`: every plugin on SQLite. A golden path,
// then an edit of the new repository's catalog-info.yaml picked up by a
// targeted rescan (the webhook path), then a second golden path: the
// catalog must keep processing through all of it.
const ALICE = 'user:default/alice';
const as = (user: string) => mockCredentials.user.header(user);

jest.setTimeout(240_000);

let backend: GoldenPathsTestBackend;

async function component(name: string) {
  const res = await request(backend.server)
    .get(`/api/catalog/entities/by-name/component/default/${name}`)
    .set('Authorization', as(ALICE));
  return res.status === 200 ? res.body : undefined;
}

async function createService(name: string) {
  const { task } = await runRealTemplate(backend.server, {
    name: 'typescript-service',
    user: ALICE,
    answers: {
      owner: 'group:default/team-a',
      description: 'Created on SQLite',
      lifecycle: 'experimental',
      name,
      runtime: 'node22',
    },
  });
  expect({
    status: task.status,
    log: task.status === 'completed' ? '' : taskLog(task),
  }).toEqual({ status: 'completed', log: '' });
  return task;
}

function git(cwd: string, ...args: string[]) {
  return execFileSync('git', args, { cwd, encoding: 'utf8' });
}

beforeAll(async () => {
  backend = await startGoldenPathsBackend({
    database: 'sqlite',
    locations: [
      path.resolve(__dirname, '../__fixtures__/org.yaml'),
      path.join(templatesDir, 'typescript-service', 'template.yaml'),
    ],
    config: {
      goldenPaths: { policy: { file: path.join(templatesDir, 'policy.yaml') } },
    },
  });
  await eventually('the template in the catalog', async () => {
    const res = await request(backend.server)
      .get('/api/catalog/entities/by-name/template/default/typescript-service')
      .set('Authorization', as(ALICE));
    return res.status === 200 ? true : undefined;
  });
});
afterAll(async () => backend?.stop());

describe('on SQLite, the default database', () => {
  it('a created service opens in the catalog, and an edit to its descriptor shows after a rescan', async () => {
    const task = await createService('sqlite-orders');
    expect(task.output.links[0].entityRef).toBe(
      'component:default/sqlite-orders',
    );
    // The task waits for the catalog: the component is there when it ends.
    expect((await component('sqlite-orders'))?.spec.owner).toBe(
      'group:default/team-a',
    );

    const checkout = fs.mkdtempSync(path.join(os.tmpdir(), 'sqlite-edit-'));
    try {
      git(
        os.tmpdir(),
        'clone',
        '-q',
        path.join(backend.reposDir, 'sqlite-orders.git'),
        checkout,
      );
      const file = path.join(checkout, 'catalog-info.yaml');
      const documents = parseAllDocuments(fs.readFileSync(file, 'utf8'));
      const main = documents.find(d => d.get('kind') === 'Component')!;
      main.setIn(['metadata', 'description'], 'Edited after creation');
      main.setIn(['metadata', 'tags'], ['edited']);
      fs.writeFileSync(file, documents.map(d => d.toString()).join('---\n'));
      git(
        checkout,
        '-c',
        'user.name=Alice',
        '-c',
        'user.email=a@example.com',
        'commit',
        '-qam',
        'Describe the service',
      );
      git(checkout, 'push', '-q', 'origin', 'HEAD');
    } finally {
      fs.rmSync(checkout, { recursive: true, force: true });
    }

    const rescanned = Date.now();
    const rescan = await request(backend.server)
      .post('/api/catalog/ingestion/rescan')
      .set('Authorization', as(ALICE))
      .send({ source: 'local-repos', repository: 'sqlite-orders' });
    expect(rescan.status).toBe(200);
    expect(rescan.body.runs[0]).toMatchObject({ changed: 1 });

    const edited = await eventually('the edit in the catalog', async () => {
      const entity = await component('sqlite-orders');
      return entity?.metadata.description === 'Edited after creation'
        ? entity
        : undefined;
    });
    expect(edited.metadata.tags).toContain('edited');
    // Generous for a loaded CI machine; the benchmark measures the median.
    expect(Date.now() - rescanned).toBeLessThan(15_000);
  });

  it('the catalog keeps processing after golden paths and rescans: a second service opens too', async () => {
    await createService('sqlite-payments');
    expect((await component('sqlite-payments'))?.metadata.description).toBe(
      'Created on SQLite',
    );
    // And the first is still served, edited.
    expect((await component('sqlite-orders'))?.metadata.description).toBe(
      'Edited after creation',
    );
  });
});
