#!/usr/bin/env node
/*
 * Golden-path benchmark: from pressing Create to the new component served
 * by the catalog API, for the TypeScript service template, against stock
 * Backstage's `catalog:register` (a Location the processing loop reads),
 * in the same run, on PostgreSQL. Both flows render the same skeleton and
 * publish the same way; only how the component reaches the catalog differs.
 * Run with `yarn bench:golden-paths`; options:
 *   --samples N   creations per flow (default 10), alternating the flows
 *   --backlog N   a busy catalog: N more components, re-processed every
 *                 --interval seconds (default 10), so the processing loop
 *                 always has overdue work, as in large stock installations
 * Results are printed as Markdown and written to bench/results/.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import {
  ALLOW_ALL_KINDS,
  api,
  autovacuumOnUntilExit,
  BASE,
  machineLine,
  median,
  opt,
  p95,
  root,
  sleep,
  startBackend,
  TOKEN,
} from './lib.mjs';

const args = process.argv.slice(2);
const SAMPLES = opt('samples', 10);
const BACKLOG = opt('backlog', 0);
const INTERVAL = opt('interval', 10);

function writeBacklog(file) {
  const docs = [];
  for (let i = 0; i < BACKLOG; i++) {
    docs.push(`apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: backlog-${i}
  tags: [backlog]
spec:
  type: service
  lifecycle: production
  owner: group:default/platform-team
`);
  }
  fs.writeFileSync(file, docs.join('---\n'));
}

/** Serves files of the committed HEAD of bare repositories, like a git host's raw URLs. */
function startGitHttp(reposDir) {
  const server = http.createServer((req, res) => {
    const [, repo, ...rest] = decodeURIComponent(req.url.split('?')[0]).split(
      '/',
    );
    try {
      if (!/^[a-z0-9-]+$/.test(repo) || rest.some(p => p === '..'))
        throw new Error('bad path');
      const body = execFileSync(
        'git',
        [
          `--git-dir=${path.join(reposDir, `${repo}.git`)}`,
          'show',
          `HEAD:${rest.join('/')}`,
        ],
        { stdio: ['ignore', 'pipe', 'ignore'] },
      );
      res.writeHead(200).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise(resolve =>
    server.listen(0, '127.0.0.1', () => resolve(server)),
  );
}

/** The stock flow: same skeleton and publishing, then `catalog:register`. */
function writeStockTemplate(dir, gitBase) {
  fs.cpSync(
    path.join(root, 'templates/typescript-service/skeleton'),
    path.join(dir, 'skeleton'),
    {
      recursive: true,
    },
  );
  fs.writeFileSync(
    path.join(dir, 'template.yaml'),
    `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: stock-typescript-service
  annotations:
    portal.dev/template-version: "1.0.0"
spec:
  owner: group:default/platform-team
  type: service
  parameters:
    - properties:
        name: { type: string }
  steps:
    - id: fetch
      action: fetch:template
      input:
        url: ./skeleton
        values:
          name: \${{ parameters.name }}
          description: \${{ parameters.description }}
          owner: \${{ parameters.owner }}
          lifecycle: \${{ parameters.lifecycle }}
          runtime: \${{ parameters.runtime }}
          port: \${{ parameters.port }}
          templateName: stock-typescript-service
          templateVersion: "1.0.0"
          templateRef: template:default/stock-typescript-service
    - id: publish
      action: portal:publish:local
      input:
        repoName: \${{ parameters.name }}
    - id: register
      action: catalog:register
      input:
        catalogInfoUrl: ${gitBase}/\${{ parameters.name }}/catalog-info.yaml
`,
  );
}

async function createAndWait(templateRef, name) {
  const values = {
    name,
    description: 'Benchmark service',
    owner: 'group:default/platform-team',
    lifecycle: 'experimental',
    runtime: 'node22',
    port: 8080,
  };
  const t0 = performance.now();
  const { id } = await api('POST', '/api/scaffolder/v2/tasks', {
    templateRef,
    values,
  });
  let visibleMs;
  let taskMs;
  for (;;) {
    const now = performance.now() - t0;
    if (now > 600_000) throw new Error(`${name}: not visible after 600 s`);
    if (visibleMs === undefined) {
      const res = await fetch(
        `${BASE}/api/catalog/entities/by-name/component/default/${name}`,
        { headers: { authorization: `Bearer ${TOKEN}` } },
      );
      if (res.ok) visibleMs = performance.now() - t0;
    }
    if (taskMs === undefined) {
      const task = await api('GET', `/api/scaffolder/v2/tasks/${id}`);
      if (task.status === 'failed')
        throw new Error(`${name}: task ${id} failed`);
      if (task.status === 'completed') taskMs = performance.now() - t0;
    }
    if (visibleMs !== undefined && taskMs !== undefined)
      return { visibleMs, taskMs };
    await sleep(25);
  }
}

async function main() {
  const autovacuumBefore = autovacuumOnUntilExit();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-bench-gp-'));
  const reposDir = path.join(work, 'repos');
  fs.mkdirSync(reposDir);
  const git = await startGitHttp(reposDir);
  const gitBase = `http://127.0.0.1:${git.address().port}`;
  writeStockTemplate(path.join(work, 'stock'), gitBase);
  const backlogFile = path.join(work, 'backlog.yaml');
  if (BACKLOG) writeBacklog(backlogFile);

  const backend = await startBackend('golden', {
    catalog: {
      rules: ALLOW_ALL_KINDS,
      locations: [
        {
          type: 'file',
          target: path.join(root, 'templates/typescript-service/template.yaml'),
        },
        { type: 'file', target: path.join(work, 'stock/template.yaml') },
        { type: 'file', target: path.join(root, 'demo/org.yaml') },
        ...(BACKLOG ? [{ type: 'file', target: backlogFile }] : []),
      ],
      ...(BACKLOG ? { processingInterval: { seconds: INTERVAL } } : {}),
      ingestion: {
        sources: [
          {
            id: 'local-repos',
            type: 'local',
            path: reposDir,
            schedule: {
              frequency: 'PT1H',
              timeout: 'PT30M',
              initialDelay: 'PT1H',
            },
          },
        ],
      },
    },
    backend: {
      reading: { allow: [{ host: `127.0.0.1:${git.address().port}` }] },
    },
    goldenPaths: {
      policy: { file: path.join(root, 'templates/policy.yaml') },
      publish: { localRoot: reposDir, ingestionSource: 'local-repos' },
    },
  });
  const results = {
    date: new Date().toISOString(),
    machine: `${machineLine(autovacuumBefore)}, stock catalog engine`,
    command: `node bench/golden-paths.mjs ${args.join(' ')}`.trim(),
    backlog: BACKLOG
      ? { components: BACKLOG, intervalSeconds: INTERVAL }
      : null,
    samples: SAMPLES,
    portal: [],
    stock: [],
  };
  try {
    // Both templates and the owner group must be in the catalog first.
    for (let i = 0; ; i++) {
      const refs = await api('POST', '/api/catalog/entities/by-refs', {
        entityRefs: [
          'template:default/typescript-service',
          'template:default/stock-typescript-service',
          'group:default/platform-team',
        ],
      }).catch(() => ({ items: [] }));
      if (refs.items.length === 3 && refs.items.every(Boolean)) break;
      if (i > 600) throw new Error('templates did not reach the catalog');
      await sleep(200);
    }
    if (BACKLOG) {
      for (let i = 0; ; i++) {
        // A busy backend may drop a kept-alive connection: ask again.
        const { totalItems } = await api(
          'GET',
          '/api/catalog/entities/by-query?limit=0&filter=metadata.tags=backlog',
        ).catch(() => ({ totalItems: 0 }));
        if (totalItems >= BACKLOG) break;
        if (i > 1200) throw new Error('the backlog did not load');
        await sleep(500);
      }
      console.error(`${BACKLOG} backlog components loaded`);
    }
    // One warm-up each (first compilation of templates, connections).
    await createAndWait('template:default/typescript-service', 'warm-portal');
    await createAndWait(
      'template:default/stock-typescript-service',
      'warm-stock',
    );
    for (let i = 0; i < SAMPLES; i++) {
      const flows = [
        ['portal', 'template:default/typescript-service', `gp-svc-${i}`],
        [
          'stock',
          'template:default/stock-typescript-service',
          `stock-svc-${i}`,
        ],
      ];
      if (i % 2) flows.reverse();
      for (const [flow, ref, name] of flows) {
        const r = await createAndWait(ref, name);
        results[flow].push(r);
        console.error(
          `${flow} ${name}: visible ${r.visibleMs.toFixed(
            0,
          )} ms, task ${r.taskMs.toFixed(0)} ms`,
        );
      }
    }
  } finally {
    await backend.stop();
    git.close();
    fs.rmSync(work, { recursive: true, force: true });
  }

  const stat = (flow, key) => {
    const xs = results[flow].map(r => r[key]);
    return { median: median(xs), p95: p95(xs) };
  };
  results.summary = {
    portal: {
      visible: stat('portal', 'visibleMs'),
      task: stat('portal', 'taskMs'),
    },
    stock: {
      visible: stat('stock', 'visibleMs'),
      task: stat('stock', 'taskMs'),
    },
  };
  const readyAtEnd = flow =>
    results[flow].filter(r => r.visibleMs <= r.taskMs + 50).length;
  results.summary.visibleWhenTaskFinished = {
    portal: readyAtEnd('portal'),
    stock: readyAtEnd('stock'),
  };
  const s = results.summary;
  const fmt = x => `${(x / 1000).toFixed(2)} s`;
  console.log(
    [
      `Golden paths, ${results.date.slice(0, 10)}, ${results.machine}; \`${
        results.command
      }\`; ${
        BACKLOG
          ? `busy catalog: ${BACKLOG} more components re-processed every ${INTERVAL} s`
          : 'idle catalog'
      }`,
      '',
      '| Create → visible in the catalog API | Stock `catalog:register` | Portal (`portal:catalog:visible`) | Ratio |',
      '|---|---|---|---|',
      `| Median (n=${SAMPLES}) | ${fmt(s.stock.visible.median)} | ${fmt(
        s.portal.visible.median,
      )} | ${(s.stock.visible.median / s.portal.visible.median).toFixed(2)}x |`,
      `| p95 | ${fmt(s.stock.visible.p95)} | ${fmt(s.portal.visible.p95)} | ${(
        s.stock.visible.p95 / s.portal.visible.p95
      ).toFixed(2)}x |`,
      `| Task finished (median) | ${fmt(s.stock.task.median)} | ${fmt(
        s.portal.task.median,
      )} | |`,
    ].join('\n'),
  );
  fs.mkdirSync(path.join(root, 'bench/results'), { recursive: true });
  fs.writeFileSync(
    path.join(
      root,
      `bench/results/golden-paths-${results.date.replace(/[:.]/g, '-')}.json`,
    ),
    JSON.stringify(results, null, 2),
  );
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
