#!/usr/bin/env node
/*
 * Probes a running portal backend (started here on its own databases, as
 * the other benchmarks do) the way the trust review of issue 19 did:
 *
 *   1. replay: a signed GitHub push, then the same bytes under new
 *      X-GitHub-Delivery ids (catalog ingestion), and a signed DX
 *      deployment_status resent the same way: each acted on once;
 *   2. bogus-header burst: posts to the public DX webhook, each with a
 *      different made-up Authorization header: 429 once the limit is spent;
 *   3. rescan loop: a signed-in user outside the platform groups asks for
 *      whole-source rescans (403) and for one repository (200).
 *
 * Prints what each probe saw and exits 1 when any is not as it should be.
 *
 *   ./portal yarn node bench/security-probe.mjs [--limit 30]
 */
import { sign } from '@octokit/webhooks-methods';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { api, BASE, opt, startBackend } from './lib.mjs';

const LIMIT = Number(opt('limit', 30));
const SECRET = 'probe-webhook-secret';

const repos = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-probe-repos-'));
const repo = path.join(repos, 'probe-svc');
fs.mkdirSync(repo);
fs.writeFileSync(
  path.join(repo, 'catalog-info.yaml'),
  'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: probe-svc\nspec:\n  type: service\n  lifecycle: production\n  owner: group:default/platform-team\n',
);
const git = (...args) =>
  execFileSync('git', args, {
    cwd: repo,
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'probe',
      GIT_AUTHOR_EMAIL: 'probe@example.com',
      GIT_COMMITTER_NAME: 'probe',
      GIT_COMMITTER_EMAIL: 'probe@example.com',
    },
  });
git('init', '-q', '-b', 'main');
git('add', '.');
git('commit', '-qm', 'probe');

const backend = await startBackend('probe', {
  catalog: {
    ingestion: {
      sources: [
        {
          id: 'local-repos',
          type: 'local',
          path: repos,
          schedule: {
            frequency: { hours: 24 },
            timeout: { minutes: 5 },
            initialDelay: { hours: 24 },
          },
        },
      ],
      webhooks: { github: { secret: SECRET } },
    },
  },
  dx: { github: { webhookSecret: SECRET }, demo: { enabled: false } },
  portal: {
    limits: { requestsPerMinute: LIMIT },
    // The guest is nobody's platform member here: a plain developer.
    permissions: { platformGroups: ['group:default/probe-platform'] },
  },
});

const results = [];
const check = (probe, saw, ok) => {
  results.push({ probe, saw, ok });
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${probe}: ${saw}`);
};
const post = (url, body, headers) =>
  fetch(`${BASE}${url}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });

try {
  // 1. Replays.
  const push = JSON.stringify({
    ref: 'refs/heads/main',
    after: 'a'.repeat(40),
    repository: { name: 'probe-svc', default_branch: 'main' },
  });
  const pushHeaders = async id => ({
    'x-github-event': 'push',
    'x-github-delivery': id,
    'x-hub-signature-256': await sign(SECRET, push),
  });
  const runs = async () =>
    (await api('GET', '/api/catalog/ingestion/runs?limit=500')).items.length;
  const runsBefore = await runs();
  const pushes = [];
  for (const id of ['push-1', 'push-1-forged', 'push-1-forged-again'])
    pushes.push(
      (
        await post(
          '/api/catalog/ingestion/webhooks/github',
          push,
          await pushHeaders(id),
        )
      ).status,
    );
  const runsAdded = (await runs()) - runsBefore;
  check(
    'replayed push (new delivery ids)',
    `statuses ${pushes.join(', ')}; runs started ${runsAdded}`,
    pushes[0] === 200 &&
      pushes.slice(1).every(s => s === 202) &&
      runsAdded === 1,
  );

  const status = JSON.stringify({
    deployment_status: {
      id: 990001,
      state: 'success',
      environment: 'production',
      created_at: new Date().toISOString(),
      updated_at: new Date().toISOString(),
    },
    deployment: {
      id: 880001,
      sha: 'b'.repeat(40),
      ref: 'main',
      environment: 'production',
      created_at: new Date().toISOString(),
    },
    repository: { full_name: 'acme/probe-svc', default_branch: 'main' },
    sender: { login: 'probe' },
  });
  const dx = [];
  for (const id of ['dx-1', 'dx-1-forged', 'dx-1-forged-again']) {
    const r = await post('/api/dx/webhooks/github', status, {
      'x-github-event': 'deployment_status',
      'x-github-delivery': id,
      'x-hub-signature-256': await sign(SECRET, status),
    });
    dx.push(await r.json());
  }
  const accepted = dx.reduce((n, b) => n + (b.accepted ?? 0), 0);
  const duplicates = dx.reduce((n, b) => n + (b.duplicates ?? 0), 0);
  check(
    'replayed deployment_status (new delivery ids)',
    `accepted ${accepted}, duplicates ${duplicates}`,
    accepted === 1 && duplicates === 2,
  );

  // 2. Bogus-header burst on a public route.
  const statuses = [];
  for (let i = 0; i < LIMIT + 20; i++)
    statuses.push(
      (
        await post('/api/dx/webhooks/github', '{}', {
          'x-github-event': 'ping',
          'x-hub-signature-256': `sha256=${'0'.repeat(64)}`,
          authorization: `Bearer made-up-${i}`,
        })
      ).status,
    );
  const first429 = statuses.indexOf(429);
  check(
    `bogus-header burst (${statuses.length} posts, limit ${LIMIT}/min)`,
    `first 429 at post ${first429 + 1}; ${
      statuses.filter(s => s === 429).length
    } answered 429`,
    first429 >= 0 && first429 <= LIMIT,
  );

  // 3. Rescan loop by a developer.
  const guest = await (
    await fetch(`${BASE}/api/auth/guest/refresh?env=development`, {
      headers: { 'x-requested-with': 'XMLHttpRequest' },
    })
  ).json();
  const token = guest.backstageIdentity?.token;
  const rescan = async body =>
    (
      await post('/api/catalog/ingestion/rescan', JSON.stringify(body), {
        authorization: `Bearer ${token}`,
      })
    ).status;
  const whole = [];
  for (let i = 0; i < 5; i++) whole.push(await rescan({}));
  const one = await rescan({ repository: 'probe-svc' });
  check(
    'rescan loop by a developer',
    `whole source ${whole.join(', ')}; one repository ${one}`,
    Boolean(token) && whole.every(s => s === 403) && one === 200,
  );
} finally {
  await backend.stop();
  fs.rmSync(repos, { recursive: true, force: true });
}

const failed = results.filter(r => !r.ok).length;
console.log(
  `\n${results.length - failed} of ${results.length} probes as they should be`,
);
process.exit(failed ? 1 : 0);
