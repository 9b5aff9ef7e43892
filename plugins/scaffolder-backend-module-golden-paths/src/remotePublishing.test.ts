import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mockCredentials } from '@backstage/backend-test-utils';
// The GitHub and GitLab stand-ins of catalog ingestion's tests: REST API,
// repository creation and git push over HTTP, served from a local directory.
import {
  startGithubStandIn,
  startGitlabStandIn,
} from '@internal/plugin-catalog-backend-module-ingestion/testUtils';
import request from 'supertest';
import {
  eventually,
  MANUAL_SCHEDULE,
  runTemplate,
  startGoldenPathsBackend,
  type GoldenPathsTestBackend,
} from './__testUtils__/startGoldenPathsBackend';

jest.setTimeout(120_000);

const ALICE = 'user:default/alice';
type StandIn = Awaited<ReturnType<typeof startGithubStandIn>>;

const hosts = [
  {
    kind: 'github',
    start: (dir: string) =>
      startGithubStandIn({ dir, org: 'acme', token: 'good-token' }),
    source: (s: StandIn) => ({ type: 'github', host: s.host, org: 'acme' }),
    publish: (s: StandIn) => ({ github: { host: s.host, org: 'acme' } }),
  },
  {
    kind: 'gitlab',
    start: (dir: string) =>
      startGitlabStandIn({ dir, group: 'acme', token: 'good-token' }),
    source: (s: StandIn) => ({ type: 'gitlab', host: s.host, group: 'acme' }),
    publish: (s: StandIn) => ({ gitlab: { host: s.host, group: 'acme' } }),
  },
];

describe.each(hosts)('publishing to $kind', host => {
  let backend: GoldenPathsTestBackend;
  let standIn: StandIn;
  let hostDir: string;

  beforeAll(async () => {
    hostDir = fs.mkdtempSync(path.join(os.tmpdir(), `${host.kind}-stand-in-`));
    standIn = await host.start(hostDir);
    const fixtures = path.join(__dirname, '__fixtures__');
    backend = await startGoldenPathsBackend({
      locations: [
        path.join(fixtures, 'org.yaml'),
        path.join(fixtures, 'remote-path/template.yaml'),
      ],
      sources: [
        { id: 'acme', ...host.source(standIn), schedule: MANUAL_SCHEDULE },
      ],
      config: {
        integrations: {
          [host.kind]: [
            {
              host: standIn.host,
              apiBaseUrl: standIn.apiBaseUrl,
              ...(host.kind === 'gitlab' && {
                baseUrl: `http://${standIn.host}`,
              }),
              token: 'good-token',
            },
          ],
        },
        goldenPaths: {
          publish: {
            target: host.kind,
            ...host.publish(standIn),
            ingestionSource: 'acme',
          },
        },
      },
    });
    await eventually('the template in the catalog', async () => {
      const res = await request(backend.server)
        .get('/api/catalog/entities/by-name/template/default/remote-service')
        .set('Authorization', mockCredentials.user.header(ALICE));
      const group = await request(backend.server)
        .get('/api/catalog/entities/by-name/group/default/team-a')
        .set('Authorization', mockCredentials.user.header(ALICE));
      return res.status === 200 && group.status === 200 ? true : undefined;
    });
  });

  afterAll(async () => {
    await backend?.stop();
    await standIn?.close();
    if (hostDir) fs.rmSync(hostDir, { recursive: true, force: true });
  });

  it('creates the repository on the host, pushes the commit, and discovery shows the component at once', async () => {
    const task = await runTemplate(backend.server, {
      templateRef: 'template:default/remote-service',
      user: ALICE,
      values: { name: 'remote-orders', owner: 'group:default/team-a' },
    });
    expect(task.status).toBe('completed');
    expect(task.output.links[0].entityRef).toBe(
      'component:default/remote-orders',
    );
    // The repository exists on the (stand-in) host with the generated files.
    const file = execFileSync(
      'git',
      [
        `--git-dir=${path.join(hostDir, 'remote-orders.git')}`,
        'show',
        'main:catalog-info.yaml',
      ],
      { encoding: 'utf8' },
    );
    expect(file).toContain('name: remote-orders');
    // Committed by the stock action with the portal's author and branch.
    const author = execFileSync(
      'git',
      [
        `--git-dir=${path.join(hostDir, 'remote-orders.git')}`,
        'log',
        '-1',
        '--format=%an <%ae>',
        'main',
      ],
      { encoding: 'utf8' },
    );
    expect(author.trim()).toBe('Portal Test <portal@example.com>');
    const entity = await request(backend.server)
      .get('/api/catalog/entities/by-name/component/default/remote-orders')
      .set('Authorization', mockCredentials.user.header(ALICE));
    expect(
      entity.body.metadata.annotations['portal.dev/ingestion-repository'],
    ).toBe('acme/remote-orders');
    // Nothing was published locally.
    expect(fs.readdirSync(backend.reposDir)).toEqual([]);
  });

  it('a name taken on the host is a clear error', async () => {
    const task = await runTemplate(backend.server, {
      templateRef: 'template:default/remote-service',
      user: ALICE,
      values: { name: 'remote-orders', owner: 'group:default/team-a' },
    });
    expect(task.status).toBe('failed');
    const log = task.events
      .filter(e => e.type === 'log')
      .map(e => e.body.message)
      .join('\n');
    expect(log).toContain(
      `publish:${host.kind} could not publish "remote-orders" to ${standIn.host}/acme`,
    );
  });
});
