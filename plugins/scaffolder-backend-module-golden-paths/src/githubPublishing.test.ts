import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mockCredentials } from '@backstage/backend-test-utils';
// The GitHub stand-in of catalog ingestion's tests: REST API, repository
// creation and git push over HTTP, all served from a local directory.
// eslint-disable-next-line @backstage/no-forbidden-package-imports
import { startGithubStandIn } from '@internal/plugin-catalog-backend-module-ingestion/src/__testUtils__/scmStandIns';
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
let backend: GoldenPathsTestBackend;
let standIn: Awaited<ReturnType<typeof startGithubStandIn>>;
let githubDir: string;

beforeAll(async () => {
  githubDir = fs.mkdtempSync(path.join(os.tmpdir(), 'github-stand-in-'));
  standIn = await startGithubStandIn({
    dir: githubDir,
    org: 'acme',
    token: 'good-token',
  });
  const fixtures = path.join(__dirname, '__fixtures__');
  backend = await startGoldenPathsBackend({
    locations: [
      path.join(fixtures, 'org.yaml'),
      path.join(fixtures, 'github-path/template.yaml'),
    ],
    sources: [
      {
        id: 'acme-github',
        type: 'github',
        host: standIn.host,
        org: 'acme',
        schedule: MANUAL_SCHEDULE,
      },
    ],
    config: {
      integrations: {
        github: [
          {
            host: standIn.host,
            apiBaseUrl: standIn.apiBaseUrl,
            token: 'good-token',
          },
        ],
      },
      goldenPaths: {
        publish: {
          target: 'github',
          github: { host: standIn.host, org: 'acme' },
          ingestionSource: 'acme-github',
        },
      },
    },
  });
  await eventually('the template in the catalog', async () => {
    const res = await request(backend.server)
      .get('/api/catalog/entities/by-name/template/default/github-service')
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
  if (githubDir) fs.rmSync(githubDir, { recursive: true, force: true });
});

describe('publishing to a GitHub organisation', () => {
  it('creates the repository on GitHub, pushes the commit, and discovery shows the component at once', async () => {
    const task = await runTemplate(backend.server, {
      templateRef: 'template:default/github-service',
      user: ALICE,
      values: { name: 'gh-orders', owner: 'group:default/team-a' },
    });
    expect(task.status).toBe('completed');
    expect(task.output.links[0].entityRef).toBe('component:default/gh-orders');
    // The repository exists on the (stand-in) host with the generated files.
    const file = execFileSync(
      'git',
      [
        `--git-dir=${path.join(githubDir, 'gh-orders.git')}`,
        'show',
        'main:catalog-info.yaml',
      ],
      { encoding: 'utf8' },
    );
    expect(file).toContain('name: gh-orders');
    const entity = await request(backend.server)
      .get('/api/catalog/entities/by-name/component/default/gh-orders')
      .set('Authorization', mockCredentials.user.header(ALICE));
    expect(
      entity.body.metadata.annotations['portal.dev/ingestion-repository'],
    ).toBe('acme-github/gh-orders');
    // Nothing was published locally.
    expect(fs.readdirSync(backend.reposDir)).toEqual([]);
  });

  it('a name taken on GitHub is a clear error', async () => {
    const task = await runTemplate(backend.server, {
      templateRef: 'template:default/github-service',
      user: ALICE,
      values: { name: 'gh-orders', owner: 'group:default/team-a' },
    });
    expect(task.status).toBe('failed');
    const log = task.events
      .filter(e => e.type === 'log')
      .map(e => e.body.message)
      .join('\n');
    expect(log).toContain(
      `repository "gh-orders" already exists in ${standIn.host}/acme`,
    );
  });
});
