import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mockCredentials } from '@backstage/backend-test-utils';
import eventsBackend from '@backstage/plugin-events-backend';
import {
  scmEventsConfig,
  scmEventsModules,
  scmWebhookHeaders,
} from '@internal/backend-test-utils';
// The GitHub and GitLab stand-ins: REST API (pull and merge requests
// included) and git over HTTP, served from a local directory.
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

jest.setTimeout(240_000);

const ALICE = 'user:default/alice';
const auth = mockCredentials.user.header(ALICE);
const fixtures = path.join(__dirname, '__fixtures__');
const BRANCH = 'portal/upgrade-upgrade-service-1.1.0';
const TEMPLATE_CHANGES = [
  'Makefile.old',
  'catalog-info.yaml',
  'deploy/probes.yaml',
  'service.yaml',
];

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'Team A',
      GIT_AUTHOR_EMAIL: 'team-a@example.com',
      GIT_COMMITTER_NAME: 'Team A',
      GIT_COMMITTER_EMAIL: 'team-a@example.com',
    },
  }).trim();
}

/** Copies a version of the upgrade-path template over the last one. */
function writeTemplate(dir: string, version: 'v1' | 'v2') {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.cpSync(path.join(fixtures, 'upgrade-path', version), dir, {
    recursive: true,
  });
}

type StandIn = Awaited<ReturnType<typeof startGithubStandIn>>;

/** Where services live: local repositories (both databases), GitHub, GitLab. */
const cases: Array<{
  name: string;
  database: 'postgres' | 'sqlite';
  host: 'local' | 'github' | 'gitlab';
}> = [
  {
    name: 'local repositories, PostgreSQL',
    database: 'postgres',
    host: 'local',
  },
  { name: 'local repositories, SQLite', database: 'sqlite', host: 'local' },
  { name: 'the GitHub stand-in', database: 'postgres', host: 'github' },
  { name: 'the GitLab stand-in', database: 'postgres', host: 'gitlab' },
];

describe.each(cases)(
  'template upgrades as change requests ($name)',
  ({ database, host }) => {
    let backend: GoldenPathsTestBackend;
    let templateDir: string;
    let work: string;
    let hostDir: string;
    let standIn: StandIn | undefined;
    const heads: Record<string, string> = {};

    const bare = (name: string) =>
      path.join(standIn ? hostDir : backend.reposDir, `${name}.git`);

    /** Where the host publishes and ingestion reads: the stand-in's org. */
    function remoteConfig(s: StandIn) {
      return {
        sources: [
          {
            id: 'acme',
            type: host,
            host: s.host,
            ...(host === 'github' ? { org: 'acme' } : { group: 'acme' }),
            schedule: MANUAL_SCHEDULE,
          },
        ],
        config: {
          integrations: {
            [host]: [
              {
                host: s.host,
                apiBaseUrl: s.apiBaseUrl,
                ...(host === 'gitlab' && { baseUrl: `http://${s.host}` }),
                token: 'good-token',
              },
            ],
          },
          // The hosts' webhooks through the stock events modules, and no
          // poll: a merge is seen only if its webhook is followed.
          events: scmEventsConfig(),
          goldenPaths: {
            upgrades: { pollMinutes: 0 },
            publish: {
              target: host,
              [host]:
                host === 'github'
                  ? { host: s.host, org: 'acme' }
                  : { host: s.host, group: 'acme' },
              ingestionSource: 'acme',
            },
          },
        },
      };
    }

    /** A commit of the team's own on the default branch of a service. */
    function teamCommit(name: string, edit: (dir: string) => void) {
      const dir = path.join(work, name);
      git(work, 'clone', '-q', bare(name), dir);
      edit(dir);
      git(dir, 'add', '-A');
      git(dir, 'commit', '-q', '-m', `Team A's own change to ${name}`);
      git(dir, 'push', '-q', 'origin', 'HEAD');
      heads[name] = git(dir, 'rev-parse', 'HEAD');
    }

    /** The host's review merges a proposal (a person, for a local branch). */
    async function merge(proposal: { number?: number }) {
      if (standIn) {
        await standIn.mergeChangeRequest('orders-api', proposal.number!);
        return;
      }
      const dir = path.join(work, 'orders-api');
      git(dir, 'fetch', '-q', 'origin');
      git(dir, 'merge', '-q', '--ff-only', `origin/${BRANCH}`);
      git(dir, 'push', '-q', 'origin', 'HEAD');
    }

    /**
     * How the plugin learns of a merge: a refresh where there is no host
     * to tell (the page's button, the schedule), else the host's webhook,
     * verified by the stock events module (a forged one first).
     */
    async function tellOfMerge(number: number) {
      if (host === 'local') {
        const refreshed = await request(backend.server)
          .post('/api/golden-paths/upgrades/refresh')
          .set('Authorization', auth);
        return { refreshed: refreshed.status, changed: refreshed.body.changed };
      }
      const body = JSON.stringify(
        host === 'github'
          ? {
              action: 'closed',
              number,
              pull_request: {
                number,
                merged: true,
                head: { ref: BRANCH },
                base: { ref: 'main' },
              },
              repository: { full_name: 'acme/orders-api' },
            }
          : {
              object_kind: 'merge_request',
              object_attributes: {
                iid: number,
                action: 'merge',
                state: 'merged',
                source_branch: BRANCH,
                target_branch: 'main',
              },
              project: { path_with_namespace: 'acme/orders-api' },
            },
      );
      const event = host === 'github' ? 'pull_request' : 'Merge Request Hook';
      const deliver = async (valid: boolean) =>
        (
          await request(backend.server)
            .post(`/api/events/http/${host}`)
            .set(await scmWebhookHeaders(host, event, body, valid))
            .send(body)
        ).status;
      const forged = await deliver(false);
      const afterForged = (
        await request(backend.server)
          .get('/api/golden-paths/upgrades')
          .query({ entityRef: 'component:default/orders-api' })
          .set('Authorization', auth)
      ).body.items.map((p: any) => p.state);
      return {
        forgedRefused: forged >= 400,
        afterForged,
        delivered: await deliver(true),
      };
    }

    beforeAll(async () => {
      templateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'upgrade-template-'));
      work = fs.mkdtempSync(path.join(os.tmpdir(), 'upgrade-work-'));
      hostDir = fs.mkdtempSync(path.join(os.tmpdir(), 'upgrade-host-'));
      writeTemplate(templateDir, 'v1');
      if (host === 'github')
        standIn = await startGithubStandIn({
          dir: hostDir,
          org: 'acme',
          token: 'good-token',
        });
      if (host === 'gitlab')
        standIn = await startGitlabStandIn({
          dir: hostDir,
          group: 'acme',
          token: 'good-token',
        });
      backend = await startGoldenPathsBackend({
        database,
        locations: [
          path.join(fixtures, 'org.yaml'),
          path.join(templateDir, 'template.yaml'),
        ],
        ...(standIn ? remoteConfig(standIn) : {}),
        ...(standIn && { features: [eventsBackend, ...scmEventsModules()] }),
      });
      await eventually('the template in the catalog', async () => {
        const res = await request(backend.server)
          .get('/api/catalog/entities/by-name/template/default/upgrade-service')
          .set('Authorization', auth);
        const group = await request(backend.server)
          .get('/api/catalog/entities/by-name/group/default/team-a')
          .set('Authorization', auth);
        return res.status === 200 && group.status === 200 ? true : undefined;
      });
      // Two services made from 1.0.0, each with a commit of the team's own.
      for (const [name, replicas] of [
        ['orders-api', 3],
        ['billing-api', 2],
      ] as const) {
        const task = await runTemplate(backend.server, {
          templateRef: 'template:default/upgrade-service',
          user: ALICE,
          values: { name, owner: 'group:default/team-a', replicas },
        });
        if (task.status !== 'completed')
          throw new Error(`${name} was not created: ${task.status}`);
      }
      teamCommit('orders-api', dir => {
        fs.appendFileSync(
          path.join(dir, 'README.md'),
          '\n## Our notes\n\nOrders are kept for 30 days.\n',
        );
        fs.mkdirSync(path.join(dir, 'src'));
        fs.writeFileSync(path.join(dir, 'src/server.js'), 'console.log(1);\n');
      });
      // billing-api changes the very line the template changes next.
      teamCommit('billing-api', dir => {
        const file = path.join(dir, 'service.yaml');
        fs.writeFileSync(
          file,
          fs
            .readFileSync(file, 'utf8')
            .replace('logLevel: info', 'logLevel: debug'),
        );
      });
      // The template author releases 1.1.0.
      writeTemplate(templateDir, 'v2');
      await eventually('version 1.1.0 in the catalog', async () => {
        await request(backend.server)
          .post('/api/catalog/refresh')
          .set('Authorization', auth)
          .send({ entityRef: 'template:default/upgrade-service' });
        const res = await request(backend.server)
          .get('/api/catalog/entities/by-name/template/default/upgrade-service')
          .set('Authorization', auth);
        return res.body?.metadata?.annotations?.[
          'portal.dev/template-version'
        ] === '1.1.0'
          ? true
          : undefined;
      });
    });

    afterAll(async () => {
      await backend?.stop();
      await standIn?.close();
      for (const d of [templateDir, work, hostDir])
        if (d) fs.rmSync(d, { recursive: true, force: true });
    });

    it('proposes the template change as a branch on top of the team commit', async () => {
      const res = await request(backend.server)
        .post('/api/golden-paths/upgrades')
        .set('Authorization', auth)
        .send({ entityRef: 'component:default/orders-api' });
      expect(res.body.error).toBeUndefined();
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        entityRef: 'component:default/orders-api',
        templateRef: 'template:default/upgrade-service',
        fromVersion: '1.0.0',
        toVersion: '1.1.0',
        state: 'open',
        host,
        branch: BRANCH,
        conflicts: [],
        needsPerson: true,
        requestedBy: ALICE,
      });
      expect(res.body.notes).toEqual([
        expect.objectContaining({ version: '1.1.0', needsPerson: true }),
      ]);
      expect(
        res.body.changed.map((c: { path: string }) => c.path).sort(),
      ).toEqual(TEMPLATE_CHANGES);

      const repo = bare('orders-api');
      // The default branch is where the team left it.
      expect(git(repo, 'rev-parse', 'main')).toBe(heads['orders-api']);
      // The branch is the team's head plus exactly the template's changes.
      expect(git(repo, 'rev-parse', `${BRANCH}~1`)).toBe(heads['orders-api']);
      expect(
        git(repo, 'diff', '--name-only', 'main', BRANCH).split('\n').sort(),
      ).toEqual(TEMPLATE_CHANGES);
      expect(git(repo, 'show', `${BRANCH}:README.md`)).toContain(
        '## Our notes',
      );
      expect(git(repo, 'show', `${BRANCH}:src/server.js`)).toBe(
        'console.log(1);',
      );
      const service = git(repo, 'show', `${BRANCH}:service.yaml`);
      expect(service).toContain('logLevel: warn');
      expect(service).toContain('readinessCheck: /readyz');
      // Rendered with the values the service was made with.
      expect(service).toContain('replicas: 3');
      expect(git(repo, 'show', `${BRANCH}:catalog-info.yaml`)).toContain(
        "portal.dev/template-version: '1.1.0'",
      );

      // Asking again gives the same proposal.
      const again = await request(backend.server)
        .post('/api/golden-paths/upgrades')
        .set('Authorization', auth)
        .send({ entityRef: 'component:default/orders-api' });
      expect(again.body.id).toBe(res.body.id);
    });

    if (host !== 'local')
      it('opens the pull or merge request with the upgrade notes', async () => {
        const list = await request(backend.server)
          .get('/api/golden-paths/upgrades')
          .query({ entityRef: 'component:default/orders-api' })
          .set('Authorization', auth);
        const { number, url } = list.body.items[0];
        expect(url).toMatch(/^http:/);
        const api =
          host === 'github'
            ? `${standIn!.apiBaseUrl}/repos/acme/orders-api/pulls/${number}`
            : `${
                standIn!.apiBaseUrl
              }/projects/acme%2Forders-api/merge_requests/${number}`;
        const cr = await fetch(api, {
          headers:
            host === 'github'
              ? { authorization: 'Bearer good-token' }
              : { 'private-token': 'good-token' },
        }).then(r => r.json());
        const description = host === 'github' ? cr.body : cr.description;
        expect(description).toContain('This upgrade needs a person');
        expect(description).toContain('Adds a readiness probe');
        expect(host === 'github' ? cr.head.ref : cr.source_branch).toBe(BRANCH);
      });

    it('lists conflicts, keeps the team version of them, and pushes nothing to main', async () => {
      const res = await request(backend.server)
        .post('/api/golden-paths/upgrades')
        .set('Authorization', auth)
        .send({ templateRef: 'template:default/upgrade-service' });
      expect(res.status).toBe(201);
      const byEntity = Object.fromEntries(
        res.body.items.map((p: any) => [p.entityRef, p]),
      );
      expect(byEntity['component:default/orders-api'].state).toBe('open');
      const billing = byEntity['component:default/billing-api'];
      expect(billing.error).toBeUndefined();
      expect(billing.state).toBe('conflicts');
      expect(billing.conflicts).toEqual([
        expect.objectContaining({ path: 'service.yaml' }),
      ]);
      const repo = bare('billing-api');
      expect(git(repo, 'rev-parse', 'main')).toBe(heads['billing-api']);
      expect(git(repo, 'show', `${BRANCH}:service.yaml`)).toContain(
        'logLevel: debug',
      );
      expect(git(repo, 'show', `${BRANCH}:deploy/probes.yaml`)).toContain(
        'readiness: /readyz',
      );
    });

    it('follows a merge, and counts it in the adoption metrics', async () => {
      const list0 = await request(backend.server)
        .get('/api/golden-paths/upgrades')
        .query({ entityRef: 'component:default/orders-api' })
        .set('Authorization', auth);
      const proposal = list0.body.items[0];
      // A pull or merge request on the hosts, the branch of a local one.
      const where = standIn
        ? `http://${standIn.host}/acme/orders-api/`
        : `git:${bare('orders-api')}#${BRANCH}`;
      expect(String(proposal.url).slice(0, where.length)).toBe(where);
      await merge(proposal);
      const states = async () =>
        (
          await request(backend.server)
            .get('/api/golden-paths/upgrades')
            .query({ entityRef: 'component:default/orders-api' })
            .set('Authorization', auth)
        ).body.items.map((p: any) => p.state);
      expect(await tellOfMerge(proposal.number)).toEqual(
        host === 'local'
          ? { refreshed: 200, changed: 1 }
          : { forgedRefused: true, afterForged: ['open'], delivered: 202 },
      );
      await eventually('the merge followed', async () =>
        (await states())[0] === 'merged' ? true : undefined,
      );
      expect(await states()).toEqual(['merged']);
      const metrics = await request(backend.server)
        .get('/api/golden-paths/metrics/upgrades')
        .set('Authorization', auth);
      expect(metrics.body).toMatchObject({
        opened: 2,
        merged: 1,
        open: 1,
        withConflicts: 1,
      });
      expect(metrics.body.timeToMerge.medianHours).toBeGreaterThanOrEqual(0);
    });
  },
);
