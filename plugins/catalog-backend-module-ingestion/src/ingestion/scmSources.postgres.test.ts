import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import {
  MANUAL_SCHEDULE,
  startIngestionBackend,
} from '../__testUtils__/startIngestionBackend';
import { commitFiles, createRepo } from '../__testUtils__/git';
import {
  startGithubStandIn,
  startGitlabStandIn,
} from '../__testUtils__/scmStandIns';

// Integration test: discovery of a GitHub organisation and of a GitLab group
// through @backstage/integration, against local stand-ins of their REST APIs
// that serve real git repositories, on PostgreSQL.

type StandIn = Awaited<ReturnType<typeof startGithubStandIn>>;
const hosts = [
  {
    name: 'GitHub',
    start: (dir: string) =>
      startGithubStandIn({ dir, org: 'acme', token: 'good-token' }),
    integrations: (s: StandIn) => ({
      github: [{ host: s.host, apiBaseUrl: s.apiBaseUrl, token: 'good-token' }],
    }),
    source: (s: StandIn) => ({ type: 'github', host: s.host, org: 'acme' }),
    location: (s: StandIn) =>
      `url:http://${s.host}/acme/billing/blob/main/catalog-info.yaml`,
  },
  {
    name: 'GitLab',
    start: (dir: string) =>
      startGitlabStandIn({ dir, group: 'acme', token: 'good-token' }),
    integrations: (s: StandIn) => ({
      gitlab: [{ host: s.host, apiBaseUrl: s.apiBaseUrl, token: 'good-token' }],
    }),
    source: (s: StandIn) => ({ type: 'gitlab', host: s.host, group: 'acme' }),
    location: (s: StandIn) =>
      `url:http://${s.host}/acme/billing/-/blob/main/catalog-info.yaml`,
  },
];

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

const SLO =
  'apiVersion: openslo/v1\nkind: SLO\nmetadata:\n  name: availability\n';

describe.each(hosts)('$name discovery', host => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });
  let dir: string;
  let standIn: StandIn;
  let server: Awaited<ReturnType<typeof startIngestionBackend>>;
  const auth = { Authorization: mockCredentials.user.header() };

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scm-it-'));
    for (const name of ['api-gateway', 'billing', 'checkout']) {
      createRepo(path.join(dir, name), {
        'catalog-info.yaml': component(name, 'first'),
        'slo.yaml': SLO,
      });
    }
    standIn = await host.start(dir);
    const knex = await databases.init('POSTGRES_15');
    server = await startIngestionBackend(knex, {
      integrations: host.integrations(standIn),
      catalog: {
        ingestion: {
          sources: [
            {
              id: 'acme',
              ...host.source(standIn),
              schedule: MANUAL_SCHEDULE,
            },
          ],
        },
      },
    });
  });

  afterAll(async () => {
    await standIn.close();
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
    expect(run.message).toBeUndefined();
    expect(run).toMatchObject({
      status: 'succeeded',
      repositories: 3,
      repositoriesRead: 3,
      added: 3,
    });
    const billing = await description('billing');
    expect(
      billing.metadata.annotations['backstage.io/managed-by-location'],
    ).toBe(host.location(standIn));
    // Files next to the descriptors are read through the host's API too.
    const slos = await request(server)
      .get('/api/catalog/ingestion/openslo?entityRef=component:default/billing')
      .set(auth);
    expect(slos.body.items).toEqual([
      expect.objectContaining({ file: 'slo.yaml', content: SLO }),
    ]);

    const before = standIn.state.requests;
    expect(await rescan()).toMatchObject({ repositoriesRead: 0, changed: 0 });
    // Only the two listing pages: no tree or blob requests for unchanged repositories.
    expect(standIn.state.requests - before).toBe(2);
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

  it('keeps every entity when the token is revoked or the host is unreachable', async () => {
    standIn.state.token = 'rotated';
    const revoked = await rescan();
    expect(revoked).toMatchObject({ status: 'failed', removed: 0 });
    expect(revoked.message).toContain(`${host.name} answered 401`);
    await standIn.close();
    const down = await rescan();
    expect(down).toMatchObject({ status: 'failed', removed: 0 });
    expect(await description('api-gateway')).toBeDefined();
    const sources = await request(server)
      .get('/api/catalog/ingestion/sources')
      .set(auth);
    expect(sources.body[0]).toMatchObject({
      id: 'acme',
      type: host.source(standIn).type,
      entities: 3,
    });
  });
});
