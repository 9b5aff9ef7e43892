import type { GithubHistoryRepo } from './historyStandIns';

// Delivery history written for the backfill tests: two repositories of an
// organisation, one with pull requests, deployments and incidents, one with
// releases only.

export const DAY = 86_400_000;
export const NOW = Date.now() - (Date.now() % 1000);
export const ago = (days: number, plusMs = 0) =>
  new Date(NOW - days * DAY + plusMs).toISOString().replace('.000Z', 'Z');
export const sha = (n: number) => n.toString(16).padStart(40, 'a');
export const TOKEN = 'ghp-history-test';

export function checkout(): GithubHistoryRepo {
  const repo: GithubHistoryRepo = {
    name: 'checkout',
    defaultBranch: 'main',
    pulls: [],
    pullCommits: {},
    commits: {},
    deployments: [],
    statuses: {},
    releases: [],
    issues: [],
  };
  // 24 merged pull requests, one every 4 days: 22 of them in 90 days.
  for (let i = 1; i <= 24; i++) {
    const merged = ago(i * 4);
    repo.pulls.push({
      number: i,
      state: 'closed',
      title: `Change ${i}`,
      merged_at: merged,
      closed_at: merged,
      created_at: ago(i * 4 + 2),
      // #3 was commented on after its merge.
      updated_at: i === 3 ? ago(1) : ago(i * 4, 3_600_000),
      merge_commit_sha: sha(i),
      head: { sha: sha(1000 + i) },
      base: { ref: 'main', repo: { default_branch: 'main' } },
    });
    repo.pullCommits[i] = [
      { sha: sha(2000 + i), commit: { author: { date: ago(i * 4 + 2) } } },
      { sha: sha(1000 + i), commit: { author: { date: ago(i * 4 + 1) } } },
    ];
    repo.commits[sha(i)] = {
      sha: sha(i),
      parents: [{ sha: sha(i + 1) }],
      commit: { committer: { date: merged }, message: `Merge #${i}` },
    };
  }
  repo.pulls.push({
    number: 100,
    state: 'closed',
    merged_at: null,
    closed_at: ago(3),
    created_at: ago(5),
    updated_at: ago(3),
    base: { ref: 'main', repo: { default_branch: 'main' } },
  });
  // 10 deployments, one every 8 days, each an hour after a merge.
  for (let k = 1; k <= 10; k++) {
    const id = 5000 + k;
    repo.deployments.push({
      id,
      sha: sha(2 * k),
      environment: 'production',
      created_at: ago(8 * k, 3_600_000),
    });
    repo.statuses[String(id)] = [
      {
        id: 9000 + k,
        state: k === 3 ? 'failure' : 'success',
        environment: 'production',
        created_at: ago(8 * k, 4_200_000),
      },
    ];
  }
  repo.issues = [
    {
      number: 501,
      title: 'Checkout down',
      labels: [{ name: 'incident' }],
      created_at: ago(20),
      closed_at: ago(19),
      updated_at: ago(19),
    },
    {
      number: 502,
      title: 'A bug',
      labels: [{ name: 'bug' }],
      created_at: ago(10),
      updated_at: ago(10),
    },
    {
      number: 503,
      title: 'A pull request labelled incident',
      labels: [{ name: 'incident' }],
      pull_request: {},
      created_at: ago(9),
      updated_at: ago(9),
    },
  ];
  return repo;
}

export function ledger(): GithubHistoryRepo {
  // No GitHub deployments: releases stand for them.
  return {
    name: 'ledger',
    defaultBranch: 'main',
    pulls: [],
    pullCommits: {},
    deployments: [],
    statuses: {},
    issues: [],
    releases: [10, 40, 100].map((d, i) => ({
      id: 700 + i,
      tag_name: `v1.${i}.0`,
      name: `Release 1.${i}`,
      draft: false,
      published_at: ago(d),
      created_at: ago(d),
    })),
    commits: Object.fromEntries(
      [0, 1, 2].map(i => [`v1.${i}.0`, { sha: sha(3000 + i) }]),
    ),
  };
}
