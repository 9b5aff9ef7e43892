import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EntityMapper } from '../mapping/EntityMapper';
import { ingest } from '../service/ingest';
import { DxStore } from '../store/DxStore';
import { Backfill } from './Backfill';
import { GithubHistoryReader } from './github';
import { GitlabHistoryReader } from './gitlab';
import { LocalGitHistoryReader } from './localGit';
import {
  ago,
  checkout,
  DAY,
  ledger,
  NOW,
  sha,
  TOKEN,
} from './__testUtils__/historyFixtures';
import {
  startGithubHistoryStandIn,
  startGitlabHistoryStandIn,
  type StandIn,
} from './__testUtils__/historyStandIns';

jest.setTimeout(120_000);

// History backfill against local stand-ins of GitHub and GitLab and a real
// git repository, on both databases the README offers: pages, the range,
// a rate limit, a restart in the middle, and the webhook path storing the
// same events once.

const entity = (name: string, slug: string) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name,
    namespace: 'default',
    annotations: { 'github.com/project-slug': slug },
  },
  spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
});

const integrations = (github: string, gitlab?: string) =>
  ScmIntegrations.fromConfig(
    new ConfigReader({
      integrations: {
        github: [
          { host: 'github.test', apiBaseUrl: `${github}/api/v3`, token: TOKEN },
        ],
        ...(gitlab
          ? {
              gitlab: [
                {
                  host: 'gitlab.test',
                  apiBaseUrl: `${gitlab}/api/v4`,
                  token: 'glpat-test',
                },
              ],
            }
          : {}),
      },
    }),
  );

async function until(what: string, fn: () => Promise<boolean>) {
  for (let i = 0; i < 100; i++) {
    if (await fn()) return;
    await new Promise(r => setTimeout(r, 200));
  }
  throw new Error(`never: ${what}`);
}

describe('history backfill', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
  let github: StandIn;

  afterEach(async () => {
    await github?.close();
  });

  it.each(databases.eachSupportedId())(
    'reads 90 days of a GitHub organisation, through a rate limit and a restart, on %s',
    async id => {
      const knex = await databases.init(id);
      const store = await DxStore.create({ knex });
      const mapper = new EntityMapper(
        catalogServiceMock({
          entities: [
            entity('checkout', 'acme/checkout'),
            entity('ledger', 'acme/ledger'),
          ],
        }),
        mockServices.auth(),
      );
      github = await startGithubHistoryStandIn({
        org: 'acme',
        token: TOKEN,
        repos: [checkout(), ledger()],
      });
      const reader = new GithubHistoryReader({
        integrations: integrations(github.url),
        host: 'github.test',
        org: 'acme',
        incidentLabels: ['incident'],
        deploymentsFallback: 'releases',
        perPage: 5,
      });
      const make = () =>
        new Backfill({
          knex,
          store,
          mapper,
          readers: new Map([['acme-github', reader]]),
          logger: mockServices.logger.mock(),
        });

      // Pull request #3 and its push arrived by webhook before the backfill,
      // when #3 had not been commented on yet.
      const pr3 = checkout().pulls[2];
      const webhook = await ingest(
        [
          {
            format: 'github',
            githubEvent: 'pull_request',
            payload: {
              action: 'closed',
              number: 3,
              pull_request: { ...pr3, merged: true, updated_at: pr3.merged_at },
              repository: {
                full_name: 'acme/checkout',
                default_branch: 'main',
              },
            },
          },
          {
            format: 'github',
            githubEvent: 'push',
            payload: {
              ref: 'refs/heads/main',
              before: sha(4),
              after: sha(3),
              head_commit: { id: sha(3), timestamp: pr3.merged_at },
              commits: [{ id: sha(1003), timestamp: ago(13) }],
              repository: {
                full_name: 'acme/checkout',
                default_branch: 'main',
              },
            },
          },
        ],
        { store, mapper },
      );
      expect(webhook.accepted).toBe(2);

      github.rateLimitOnce.set(
        '/pulls?state=closed&sort=updated&direction=desc&per_page=5&page=2',
        403,
      );
      github.rateLimitOnce.set('/deployments/5004/statuses', 429);

      const first = make();
      const run = await first.start({
        sourceId: 'acme-github',
        from: new Date(NOW - 90 * DAY),
        to: new Date(NOW),
      });
      expect(run).toMatchObject({ state: 'listing' });
      // Three pages, then the process "stops".
      await first.work({ maxPages: 3 });
      const asked = github.requests.length;
      expect(asked).toBeGreaterThan(3);

      // A new process goes on from where the last one saved its place.
      const second = make();
      await until('the backfill is done', async () => {
        await second.work({ budgetMs: 5_000 });
        return (await second.runs())[0].state === 'done';
      });
      const [done] = await second.runs();
      expect(done).toMatchObject({
        sourceId: 'acme-github',
        state: 'done',
        repositories: { total: 2, done: 2, failed: 0 },
        failures: [],
      });

      // Only what a rate limit interrupted was read again: the page of pull
      // requests it refused, and the page of deployments whose statuses it
      // refused half-way (with the statuses read before).
      const listings = github.requests.filter(r =>
        /\/(pulls|deployments|releases|issues)(\?|\/\d+\/statuses)/.test(r),
      );
      const twice = listings.filter((r, i) => listings.indexOf(r) !== i);
      expect(twice.sort()).toEqual([
        '/api/v3/repos/acme/checkout/deployments/5001/statuses?per_page=100',
        '/api/v3/repos/acme/checkout/deployments/5002/statuses?per_page=100',
        '/api/v3/repos/acme/checkout/deployments/5003/statuses?per_page=100',
        '/api/v3/repos/acme/checkout/deployments/5004/statuses?per_page=100',
        '/api/v3/repos/acme/checkout/deployments?per_page=5',
        '/api/v3/repos/acme/checkout/pulls?state=closed&sort=updated&direction=desc&per_page=5&page=2',
      ]);
      // Pull requests older than the range stop the listing: not every page.
      expect(listings.filter(r => r.includes('/checkout/pulls?'))).toHaveLength(
        6,
      );

      const rows = await knex('dx_events').select(
        'type',
        'kind',
        'action',
        'entity_ref',
        'change_id',
        'commit_sha',
        'outcome',
      );
      const count = (f: (r: any) => boolean) => rows.filter(f).length;
      // 22 merges in range, each as its pull request and its push, once.
      expect(count(r => r.type === 'github.pull_request.closed')).toBe(22);
      expect(count(r => r.type === 'github.push')).toBe(22);
      expect(
        count(
          r => r.type === 'github.pull_request.closed' && r.change_id === '3',
        ),
      ).toBe(1);
      expect(
        count(r => r.type === 'github.push' && r.commit_sha === sha(3)),
      ).toBe(1);
      // Deployments (10, one failed) with their statuses; ledger's releases.
      expect(count(r => r.type === 'github.deployment.created')).toBe(10);
      expect(
        count(
          r =>
            r.kind === 'deployment' &&
            r.action === 'deployed' &&
            r.outcome === 'failure',
        ),
      ).toBe(1);
      expect(
        rows
          .filter(r => r.entity_ref === 'component:default/ledger')
          .map(r => [r.kind, r.action, r.commit_sha])
          .sort(),
      ).toEqual([
        ['deployment', 'deployed', sha(3000)],
        ['deployment', 'deployed', sha(3001)],
      ]);
      // The incident issue opened and closed; not the bug, not the PR.
      expect(
        rows
          .filter(r => r.kind === 'incident')
          .map(r => r.action)
          .sort(),
      ).toEqual(['reported', 'resolved']);
      // Everything is mapped to its component.
      expect(count(r => !r.entity_ref)).toBe(0);
      expect(done.events).toBe(rows.length - 2);

      // Backfilled again: nothing new is stored.
      await second.start({
        sourceId: 'acme-github',
        repository: 'checkout',
        from: new Date(NOW - 90 * DAY),
        to: new Date(NOW),
      });
      await until('the second run is done', async () => {
        await second.work({ budgetMs: 5_000 });
        return (await second.runs())[0].state === 'done';
      });
      const [again] = await second.runs();
      expect(again.repositories).toEqual({ total: 1, done: 1, failed: 0 });
      expect(again.events).toBe(0);
      expect(Number((await knex('dx_events').count({ n: '*' }))[0].n)).toBe(
        rows.length,
      );
    },
  );

  it.each(databases.eachSupportedId())(
    'reads a GitLab group and local git repositories on %s',
    async id => {
      const knex = await databases.init(id);
      const store = await DxStore.create({ knex });
      const mapper = new EntityMapper(
        catalogServiceMock({ entities: [] }),
        mockServices.auth(),
      );
      const gitlab = await startGitlabHistoryStandIn({
        group: 'acme',
        token: 'glpat-test',
        projects: [
          {
            id: 7,
            path: 'acme/platform/billing',
            defaultBranch: 'main',
            mergeRequests: [1, 2, 3].map(iid => ({
              iid,
              title: `MR ${iid}`,
              merged_at: ago(iid * 10),
              merge_commit_sha: sha(4000 + iid),
              merged_by: { username: 'pat' },
            })),
            mrCommits: { 1: [{ id: sha(4100), authored_date: ago(12) }] },
            deployments: [
              {
                id: 31,
                status: 'success',
                sha: sha(4001),
                created_at: ago(9),
                updated_at: ago(9, 600_000),
                environment: { name: 'production' },
              },
              {
                id: 32,
                status: 'failed',
                sha: sha(4002),
                created_at: ago(19),
                updated_at: ago(19, 600_000),
                environment: { name: 'production' },
              },
            ],
            issues: [
              {
                iid: 5,
                title: 'Billing down',
                issue_type: 'incident',
                labels: [],
                created_at: ago(15),
                closed_at: ago(14),
              },
              {
                iid: 6,
                title: 'A feature',
                issue_type: 'issue',
                labels: ['feature'],
                created_at: ago(15),
              },
            ],
          },
        ],
      });
      github = gitlab;

      // A local repository: a commit outside the range, one inside, a
      // branch merged, a release tag on each, and a tag that is not one.
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dx-backfill-git-'));
      const repo = path.join(dir, 'shop');
      const git = (date: string, ...args: string[]) =>
        execFileSync('git', args, {
          cwd: repo,
          env: {
            ...process.env,
            GIT_AUTHOR_NAME: 'pat',
            GIT_AUTHOR_EMAIL: 'pat@example.test',
            GIT_COMMITTER_NAME: 'pat',
            GIT_COMMITTER_EMAIL: 'pat@example.test',
            GIT_AUTHOR_DATE: date,
            GIT_COMMITTER_DATE: date,
          },
        });
      fs.mkdirSync(repo);
      git(ago(100), 'init', '-q', '-b', 'main');
      git(ago(100), 'commit', '-q', '--allow-empty', '-m', 'first');
      git(ago(10), 'commit', '-q', '--allow-empty', '-m', 'second');
      git(ago(10), 'tag', 'v1.0.0');
      git(ago(8), 'checkout', '-q', '-b', 'feature');
      git(ago(8), 'commit', '-q', '--allow-empty', '-m', 'feature one');
      git(ago(7), 'commit', '-q', '--allow-empty', '-m', 'feature two');
      git(ago(5), 'checkout', '-q', 'main');
      git(ago(5), 'merge', '-q', '--no-ff', '-m', 'Merge feature', 'feature');
      git(ago(5), 'tag', '-a', '-m', 'release', 'v1.1.0');
      git(ago(4), 'tag', 'nightly');

      const backfill = new Backfill({
        knex,
        store,
        mapper,
        readers: new Map<string, any>([
          [
            'acme-gitlab',
            new GitlabHistoryReader({
              integrations: integrations('http://127.0.0.1:1', gitlab.url),
              host: 'gitlab.test',
              group: 'acme',
              incidentLabels: ['incident'],
              perPage: 2,
            }),
          ],
          [
            'local-repos',
            new LocalGitHistoryReader({
              sourceId: 'local-repos',
              dir,
              tagPattern: /^v\d+\.\d+\.\d+$/,
            }),
          ],
        ]),
        logger: mockServices.logger.mock(),
      });
      for (const sourceId of ['acme-gitlab', 'local-repos'])
        await backfill.start({
          sourceId,
          from: new Date(NOW - 90 * DAY),
          to: new Date(NOW),
        });
      await until('both runs are done', async () => {
        await backfill.work({ budgetMs: 5_000 });
        return (await backfill.runs()).every(r => r.state === 'done');
      });
      const rows = await knex('dx_events')
        .orderBy(['occurred_at', 'kind'])
        .select(
          'key',
          'kind',
          'action',
          'outcome',
          'repository',
          'commit_sha',
          'commits',
        );
      const of = (repoName: string) =>
        rows
          .filter(r => r.repository === repoName)
          .map(r => [r.kind, r.action, r.outcome ?? null]);
      expect(of('acme/platform/billing')).toEqual([
        ['change', 'merged', null],
        ['change', 'merged', null],
        ['deployment', 'deployed', 'failure'],
        ['incident', 'reported', null],
        ['incident', 'resolved', null],
        ['change', 'merged', null],
        ['deployment', 'deployed', 'success'],
      ]);
      expect(of('local-repos/shop')).toEqual([
        ['change', 'merged', null],
        ['deployment', 'deployed', 'success'],
        ['change', 'merged', null],
        ['deployment', 'deployed', 'success'],
      ]);
      const lastChange = rows
        .filter(r => r.repository === 'local-repos/shop' && r.kind === 'change')
        .pop();
      const commits =
        typeof lastChange.commits === 'string'
          ? JSON.parse(lastChange.commits)
          : lastChange.commits;
      // The merge carries what it merged: two commits and itself.
      expect(commits).toHaveLength(3);
      await gitlab.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  );
  it.each(databases.eachSupportedId())(
    'sums up each run from its repositories, the first 20 failures in order, on %s',
    async id => {
      const knex = await databases.init(id);
      const store = await DxStore.create({ knex });
      const backfill = new Backfill({
        knex,
        store,
        mapper: new EntityMapper(catalogServiceMock(), mockServices.auth()),
        readers: new Map(),
        logger: mockServices.logger.mock(),
      });
      const now = Date.now();
      const [older, newer] = [0, 1].map(() => ({
        source_id: 'acme-github',
        from: new Date(now - 90 * DAY),
        to: new Date(now),
        state: 'running',
        created_at: new Date(now - 100_000),
      }));
      const [{ id: olderId }] = await knex('dx_backfill_runs')
        .insert(older)
        .returning('id');
      const [{ id: newerId }] = await knex('dx_backfill_runs')
        .insert(newer)
        .returning('id');
      const job = (run: unknown, n: number, over: object) => ({
        run_id: run,
        repository: `acme/repo-${String(n).padStart(2, '0')}`,
        phase: 'changes',
        pages: 2,
        events: 10,
        updated_at: new Date(now),
        ...over,
      });
      const pauses = [now + 60_000, now + 120_000];
      await knex('dx_backfill_jobs').insert([
        ...[0, 1, 2].map(n => job(newerId, n, { state: 'done' })),
        ...Array.from({ length: 22 }, (_, i) =>
          job(newerId, 3 + i, { state: 'failed', error: `error ${3 + i}` }),
        ),
        ...pauses.map((t, i) =>
          job(newerId, 25 + i, { state: 'pending', not_before: new Date(t) }),
        ),
        job(olderId, 0, { state: 'pending', not_before: new Date(now - 1) }),
      ]);

      const runs = await backfill.runs();
      expect(runs.map(r => r.id)).toEqual([String(newerId), String(olderId)]);
      const [run, other] = runs;
      expect(run).toMatchObject({
        repositories: { total: 27, done: 3, failed: 22 },
        events: 270,
        pages: 54,
        pausedUntil: new Date(pauses[1]).toISOString(),
      });
      // 100 s for 25 finished: 4 s each for the 2 pending.
      expect(run.secondsLeft).toBeGreaterThanOrEqual(8);
      expect(run.secondsLeft).toBeLessThanOrEqual(9);
      expect(run.failures).toHaveLength(20);
      expect(run.failures[0]).toEqual({
        repository: 'acme/repo-03',
        error: 'error 3',
      });
      expect(run.failures[19].repository).toBe('acme/repo-22');
      // A pause that is over is no pause; nothing finished: no estimate.
      expect(other).toMatchObject({
        repositories: { total: 1, done: 0, failed: 0 },
        failures: [],
      });
      expect(other.pausedUntil).toBeUndefined();
      expect(other.secondsLeft).toBeUndefined();
      expect(await backfill.runs({ id: String(olderId) })).toEqual([other]);
    },
  );
});
