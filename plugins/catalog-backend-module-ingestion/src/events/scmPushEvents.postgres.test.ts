import {
  mockCredentials,
  mockServices,
  startTestBackend,
  type TestBackend,
} from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import eventsBackend from '@backstage/plugin-events-backend';
import { eventsServiceFactory } from '@backstage/plugin-events-node';
import {
  dropDatabases,
  scmEventsConfig,
  scmEventsModules,
  scmWebhookHeaders,
} from '@internal/backend-test-utils';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { commitFiles, createRepo } from '../__testUtils__/git';
import { MANUAL_SCHEDULE } from '../__testUtils__/startIngestionBackend';
import catalogModuleIngestion from '../index';
import {
  startGithubStandIn,
  startGitlabStandIn,
} from '../__testUtils__/scmStandIns';

// Integration test: pushes delivered through the stock events plugin and
// its GitHub and GitLab modules (which verify the webhook) rescan the pushed
// repository, on PostgreSQL, against local stand-ins of the hosts.

jest.setTimeout(120_000);

const CONNECTION =
  process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;

type StandIn = Awaited<ReturnType<typeof startGithubStandIn>>;

const hosts = [
  {
    name: 'GitHub',
    topic: 'github',
    start: (dir: string) =>
      startGithubStandIn({ dir, org: 'acme', token: 'good-token' }),
    integrations: (s: StandIn) => ({
      github: [{ host: s.host, apiBaseUrl: s.apiBaseUrl, token: 'good-token' }],
    }),
    source: (s: StandIn) => ({ type: 'github', host: s.host, org: 'acme' }),
    push: (s: StandIn, owner: string, ref = 'refs/heads/main') => ({
      ref,
      after: `${Date.now()}`,
      repository: {
        name: 'billing',
        full_name: `${owner}/billing`,
        html_url: `http://${s.host}/${owner}/billing`,
        default_branch: 'main',
      },
    }),
    headers: (body: string, valid: boolean) =>
      scmWebhookHeaders('github', 'push', body, valid),
  },
  {
    name: 'GitLab',
    topic: 'gitlab',
    start: (dir: string) =>
      startGitlabStandIn({ dir, group: 'acme', token: 'good-token' }),
    integrations: (s: StandIn) => ({
      gitlab: [{ host: s.host, apiBaseUrl: s.apiBaseUrl, token: 'good-token' }],
    }),
    source: (s: StandIn) => ({ type: 'gitlab', host: s.host, group: 'acme' }),
    push: (s: StandIn, owner: string, ref = 'refs/heads/main') => ({
      object_kind: 'push',
      ref,
      after: `${Date.now()}`,
      project: {
        path_with_namespace: `${owner}/billing`,
        web_url: `http://${s.host}/${owner}/billing`,
        default_branch: 'main',
      },
    }),
    headers: (body: string, valid: boolean) =>
      scmWebhookHeaders('gitlab', 'Push Hook', body, valid),
  },
];

const component = (description: string) => `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: billing
  description: ${description}
spec:
  type: service
  lifecycle: production
  owner: team-a
`;

describe.each(hosts)('$name pushes through the events plugin', host => {
  // Each plugin its own database, as the events plugin keeps its own
  // migrations.
  const prefix = `portal_ev_${process.pid}_${host.topic}_`;
  let dir: string;
  let standIn: StandIn;
  let backend: TestBackend;
  let server: TestBackend['server'];
  const auth = { Authorization: mockCredentials.user.header() };

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scm-events-'));
    createRepo(path.join(dir, 'billing'), {
      'catalog-info.yaml': component('first'),
    });
    standIn = await host.start(dir);
    backend = await startTestBackend({
      features: [
        catalogPlugin,
        catalogModuleIngestion,
        eventsBackend,
        ...scmEventsModules(),
        eventsServiceFactory,
        mockServices.rootConfig.factory({
          data: {
            backend: {
              baseUrl: 'http://localhost:7007',
              database: { client: 'pg', connection: CONNECTION, prefix },
            },
            integrations: host.integrations(standIn),
            events: scmEventsConfig(),
            catalog: {
              processingInterval: { seconds: 1 },
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
          },
        }),
      ],
    });
    server = backend.server;
    const first = await request(server)
      .post('/api/catalog/ingestion/rescan')
      .set(auth)
      .send({});
    if (first.status !== 200) {
      throw new Error(`first scan answered ${first.status}: ${first.text}`);
    }
  });

  afterAll(async () => {
    await backend?.stop();
    await dropDatabases(CONNECTION!, prefix);
    await standIn.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const description = async () => {
    const res = await request(server)
      .get('/api/catalog/entities/by-name/component/default/billing')
      .set(auth);
    return res.status === 200 ? res.body.metadata.description : undefined;
  };
  const waitFor = async (expected: string) => {
    for (let i = 0; i < 100; i++) {
      if ((await description()) === expected) return expected;
      await new Promise(r => setTimeout(r, 100));
    }
    return description();
  };
  const runs = async () =>
    (
      await request(server)
        .get('/api/catalog/ingestion/runs?source=acme')
        .set(auth)
    ).body;
  const deliver = async (payload: object, valid = true) => {
    const body = JSON.stringify(payload);
    return request(server)
      .post(`/api/events/http/${host.topic}`)
      .set(await host.headers(body, valid))
      .send(body);
  };

  it('a verified push to the default branch makes the change visible', async () => {
    expect(await waitFor('first')).toBe('first');
    commitFiles(path.join(dir, 'billing'), {
      'catalog-info.yaml': component('second'),
    });
    const res = await deliver(host.push(standIn, 'acme'));
    expect(res.status).toBe(202);
    expect(await waitFor('second')).toBe('second');
    const triggers = (await runs()).items.map(
      (r: { trigger: string }) => r.trigger,
    );
    expect(triggers).toEqual(['webhook', 'api']);
  });

  it('a push with a wrong signature or token is refused and changes nothing', async () => {
    commitFiles(path.join(dir, 'billing'), {
      'catalog-info.yaml': component('third'),
    });
    const before = JSON.stringify(await runs());
    const res = await deliver(host.push(standIn, 'acme'), false);
    expect(res.status).toBe(403);
    await new Promise(r => setTimeout(r, 1500));
    expect(await description()).toBe('second');
    expect(JSON.stringify(await runs())).toBe(before);
  });

  it('pushes to another branch or another owner start no scan', async () => {
    const before = JSON.stringify(await runs());
    expect(
      (await deliver(host.push(standIn, 'acme', 'refs/heads/feature'))).status,
    ).toBe(202);
    expect((await deliver(host.push(standIn, 'someone-else'))).status).toBe(
      202,
    );
    await new Promise(r => setTimeout(r, 1500));
    expect(JSON.stringify(await runs())).toBe(before);
    expect(await description()).toBe('second');
  });
});
