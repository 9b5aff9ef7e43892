import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import catalogModuleIngestion from '../index';
import { commitFiles, createRepo } from '../__testUtils__/git';
import { startGithubStandIn } from '../__testUtils__/githubStandIn';

// Integration test: discovery of a GitHub organisation through
// @backstage/integration, against a local stand-in of GitHub's REST API
// that serves real git repositories, on PostgreSQL.

jest.setTimeout(120_000);

const component = (
  name: string,
  description: string,
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

describe('GitHub organisation discovery', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });
  let dir: string;
  let github: Awaited<ReturnType<typeof startGithubStandIn>>;
  let server: Awaited<ReturnType<typeof startTestBackend>>['server'];
  const auth = { Authorization: mockCredentials.user.header() };

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'github-it-'));
    for (const name of ['api-gateway', 'billing', 'checkout']) {
      createRepo(path.join(dir, name), {
        'catalog-info.yaml': component(name, 'first'),
        'README.md': `# ${name}\n`,
      });
    }
    github = await startGithubStandIn({
      dir,
      org: 'acme',
      token: 'good-token',
    });
    const knex = await databases.init('POSTGRES_15');
    ({ server } = await startTestBackend({
      features: [
        catalogPlugin,
        catalogModuleIngestion,
        mockServices.database.factory({ knex }),
        mockServices.rootConfig.factory({
          data: {
            integrations: {
              github: [
                {
                  host: github.host,
                  apiBaseUrl: github.apiBaseUrl,
                  token: 'good-token',
                },
              ],
            },
            catalog: {
              processingInterval: { seconds: 1 },
              ingestion: {
                sources: [
                  {
                    id: 'acme-github',
                    type: 'github',
                    host: github.host,
                    org: 'acme',
                    schedule: {
                      frequency: { hours: 24 },
                      timeout: { minutes: 5 },
                      initialDelay: { hours: 24 },
                    },
                  },
                ],
              },
            },
          },
        }),
      ],
    }));
  });

  afterAll(async () => {
    await github.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const rescan = async (body: object = {}) => {
    const res = await request(server)
      .post('/api/catalog/ingestion/rescan')
      .set(auth)
      .send(body);
    expect(res.status).toBe(200);
    return res.body.runs[0];
  };
  async function description(name: string) {
    for (let i = 0; i < 60; i++) {
      const res = await request(server)
        .get(`/api/catalog/entities/by-name/component/default/${name}`)
        .set(auth);
      if (res.status === 200) return res.body;
      await new Promise(r => setTimeout(r, 500));
    }
    return undefined;
  }

  it('lists every page of the organisation and reads each repository once', async () => {
    const run = await rescan();
    expect(run).toMatchObject({
      status: 'succeeded',
      repositories: 3,
      repositoriesRead: 3,
      added: 3,
    });
    const billing = await description('billing');
    expect(
      billing.metadata.annotations['backstage.io/managed-by-location'],
    ).toBe(
      `url:http://${github.host}/acme/billing/blob/main/catalog-info.yaml`,
    );
    const docs = await request(server)
      .get('/api/catalog/ingestion/docs?entityRef=component:default/billing')
      .set(auth);
    expect(docs.body.files).toEqual([{ path: 'README.md', title: 'billing' }]);

    const before = github.state.requests;
    expect(await rescan()).toMatchObject({ repositoriesRead: 0, changed: 0 });
    // Only the two listing pages: no tree or blob requests for unchanged repositories.
    expect(github.state.requests - before).toBe(2);
  });

  it('re-reads a repository after a push', async () => {
    commitFiles(path.join(dir, 'checkout'), {
      'catalog-info.yaml': component('checkout', 'second'),
    });
    expect(await rescan({ repository: 'checkout' })).toMatchObject({
      repositoriesRead: 1,
      changed: 1,
    });
    for (let i = 0; i < 60; i++) {
      if ((await description('checkout'))?.metadata.description === 'second')
        return;
      await new Promise(r => setTimeout(r, 500));
    }
    throw new Error('checkout never showed the pushed description');
  });

  it('keeps every entity when the token is revoked or GitHub is unreachable', async () => {
    github.state.token = 'rotated';
    const revoked = await rescan();
    expect(revoked).toMatchObject({ status: 'failed', removed: 0 });
    expect(revoked.message).toContain('GitHub answered 401');
    await github.close();
    const down = await rescan();
    expect(down).toMatchObject({ status: 'failed', removed: 0 });
    expect(await description('api-gateway')).toBeDefined();
    const sources = await request(server)
      .get('/api/catalog/ingestion/sources')
      .set(auth);
    expect(sources.body[0]).toMatchObject({
      id: 'acme-github',
      type: 'github',
      entities: 3,
    });
  });
});
