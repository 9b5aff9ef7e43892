#!/usr/bin/env node
/*
 * Catalog ingestion benchmark: the portal's repository discovery against
 * stock Backstage reading the same entities from `file` locations, in the
 * same run, on PostgreSQL. Run with `yarn bench:ingestion` (or
 * `./portal yarn bench:ingestion`); options:
 *   --repos N            repositories (default 1000)
 *   --per-repo N         entities per repository (default 10)
 *   --changes N          change-to-visible samples for the portal (default 15)
 *   --stock-changes N    change-to-visible samples for stock (default 1; each waits for its processing interval)
 *   --no-stock           skip the stock baseline (e.g. for --per-repo 100)
 *   --queries N          query samples per query type (default 50)
 *   --no-portal          only the stock baseline
 *   --keep-db            keep the portal's databases (to study its queries)
 *   --no-maintenance     the portal without its catalog table maintenance
 *                        (catalog.tableMaintenance.enabled: false), for comparison
 * Results are printed as Markdown and written to bench/results/ingestion-<date>.json.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  ALLOW_ALL_KINDS,
  api,
  median,
  opt,
  p95,
  psql,
  psqlAsync,
  root,
  sleep,
  startBackend,
} from './lib.mjs';

const args = process.argv.slice(2);
const REPOS = opt('repos', 1000);
const PER_REPO = opt('per-repo', 10);
const CHANGES = opt('changes', 15);
const STOCK_CHANGES = opt('stock-changes', 1);
const QUERIES = opt('queries', 50);
const STOCK = !args.includes('--no-stock');
const MAINTENANCE = !args.includes('--no-maintenance');
const PORTAL = !args.includes('--no-portal');
const KEEP_DB = args.includes('--keep-db');
const gitEnv = {
  ...process.env,
  GIT_AUTHOR_NAME: 'b',
  GIT_AUTHOR_EMAIL: 'b@example.com',
  GIT_COMMITTER_NAME: 'b',
  GIT_COMMITTER_EMAIL: 'b@example.com',
};
const git = (cwd, ...a) =>
  execFileSync('git', ['-c', 'init.defaultBranch=main', ...a], {
    cwd,
    env: gitEnv,
    stdio: 'pipe',
  });

function descriptor(i, description = 'benchmark service') {
  const docs = [];
  for (let j = 0; j < PER_REPO; j++) {
    const name = j === 0 ? `svc-${i}` : `svc-${i}-part-${j}`;
    docs.push(`apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ${name}
  description: ${j === 0 ? description : 'part'}
  tags: [bench, team-${i % 50}]
spec:
  type: service
  lifecycle: ${['production', 'experimental', 'deprecated'][j % 3]}
  owner: group:default/team-${i % 50}
  system: system-${i % 100}
  dependsOn: [component:default/svc-${(i + 1) % REPOS}]
`);
  }
  return docs.join('---\n');
}

function makeRepos(dir) {
  fs.mkdirSync(dir, { recursive: true });
  for (let i = 0; i < REPOS; i++) {
    const repo = path.join(dir, `repo-${i}`);
    fs.mkdirSync(repo);
    fs.writeFileSync(path.join(repo, 'catalog-info.yaml'), descriptor(i));
    git(repo, 'init', '-q');
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'init');
  }
}

async function countComponents() {
  const r = await api(
    'GET',
    '/api/catalog/entities/by-query?limit=1&filter=kind=component,metadata.tags=bench',
  );
  return r.totalItems;
}

async function waitForCount(target, timeoutMs) {
  const start = Date.now();
  let n = 0;
  while (Date.now() - start < timeoutMs) {
    n = await countComponents().catch(() => 0);
    if (n >= target) return (Date.now() - start) / 1000;
    await sleep(250);
  }
  throw new Error(
    `only ${n} of ${target} entities visible after ${timeoutMs / 1000} s`,
  );
}

/**
 * Seconds from `t0` until the catalog has stitched everything, as its API
 * shows it: every component with its system (partOf) and every service a
 * repository's components depend on with the reverse relation
 * (dependencyOf), which lands last, when both ends are processed.
 * "Visible" (waitForCount) can be reached while relations are still being
 * stitched; this cannot.
 */
async function waitQuiet(t0, timeoutMs) {
  const count = async filter =>
    (
      await api(
        'GET',
        `/api/catalog/entities/by-query?limit=1&filter=kind=component,metadata.tags=bench,${filter}`,
      )
    ).totalItems;
  while (Date.now() - t0 < timeoutMs) {
    const [parts, dependencies] = await Promise.all([
      count('relations.partof'),
      count('relations.dependencyof'),
    ]).catch(() => [0, 0]);
    if (parts >= REPOS * PER_REPO && dependencies >= REPOS)
      return (Date.now() - t0) / 1000;
    await sleep(250);
  }
  throw new Error(`the catalog still had work after ${timeoutMs / 1000} s`);
}

async function waitForDescription(name, description, timeoutMs) {
  const start = Date.now();
  while (Date.now() - start < timeoutMs) {
    const e = await api(
      'GET',
      `/api/catalog/entities/by-name/component/default/${name}`,
    ).catch(() => undefined);
    if (e?.metadata?.description === description) return Date.now() - start;
    await sleep(50);
  }
  return NaN;
}

function edit(reposDir, i, description) {
  const repo = path.join(reposDir, `repo-${i}`);
  fs.writeFileSync(
    path.join(repo, 'catalog-info.yaml'),
    descriptor(i, description),
  );
  git(repo, 'commit', '-q', '-am', description);
}

const FACETS = 'facets (kind, owner, lifecycle, tags)';

/** Samples with their median and p95; per query name for `summaries`. */
const summary = xs => ({ samples: xs, median: median(xs), p95: p95(xs) });
const summaries = byName =>
  Object.fromEntries(Object.entries(byName).map(([q, xs]) => [q, summary(xs)]));
const QUERY_URLS = {
  list: '/api/catalog/entities/by-query?limit=20&filter=kind=component&orderField=metadata.name,asc',
  count: '/api/catalog/entities/by-query?limit=0&filter=kind=component',
  'list by owner':
    '/api/catalog/entities/by-query?limit=20&filter=kind=component,relations.ownedBy=group:default/team-7',
  [FACETS]:
    '/api/catalog/entity-facets?facet=kind&facet=relations.ownedBy&facet=spec.lifecycle&facet=metadata.tags',
};

/**
 * Times each query QUERIES times. `uncached` sends Cache-Control: no-cache,
 * so every answer is the catalog's own SQL; otherwise the portal's catalog
 * read cache answers what did not change since the first request.
 */
async function queryTimes({ uncached = false } = {}) {
  const headers = uncached ? { 'cache-control': 'no-cache' } : {};
  const out = {};
  for (const [name, url] of Object.entries(QUERY_URLS)) {
    const times = [];
    for (let i = 0; i < QUERIES; i++) {
      const t = performance.now();
      await api('GET', url, undefined, headers);
      times.push(performance.now() - t);
    }
    out[name] = { median: median(times), p95: p95(times) };
  }
  return out;
}

const FAST_MS = 200;

/**
 * From the moment a bulk load is visible: every 5 s, the catalog's own SQL
 * for list, count and facets (no read cache) and the state of
 * final_entities, until three rounds in a row are all under FAST_MS (or
 * 5 minutes). Shows how long the catalog page is slow after a load, and
 * who vacuumed: the ingestion module's maintenance task (vacuum_count) or
 * autovacuum.
 */
async function queriesAfterLoad(db) {
  const start = performance.now();
  const rounds = [];
  let fastInARow = 0;
  while (fastInARow < 3 && performance.now() - start < 5 * 60_000) {
    const round = { atSeconds: (performance.now() - start) / 1000 };
    for (const name of ['list', 'count', FACETS]) {
      const t0 = performance.now();
      await api('GET', QUERY_URLS[name], undefined, {
        'cache-control': 'no-cache',
      });
      round[name] = performance.now() - t0;
    }
    const [dead, vacuums, autovacuums] = psql(
      "select n_dead_tup, vacuum_count, autovacuum_count from pg_stat_user_tables where relname = 'final_entities'",
      db,
    )
      .split('|')
      .map(Number);
    Object.assign(round, { dead, vacuums, autovacuums });
    rounds.push(round);
    const fast = ['list', 'count', FACETS].every(q => round[q] < FAST_MS);
    fastInARow = fast ? fastInARow + 1 : 0;
    if (fastInARow < 3) await sleep(5000);
  }
  const slow = rounds.filter(r =>
    ['list', 'count', FACETS].some(q => r[q] >= FAST_MS),
  );
  return {
    rounds,
    first: rounds[0],
    // Until the last slow round (0 when the first round was fast).
    slowForSeconds: slow.length ? slow[slow.length - 1].atSeconds : 0,
    fastAfterSeconds:
      fastInARow >= 3 ? rounds[rounds.length - 3].atSeconds : NaN,
  };
}

async function main() {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-bench-'));
  const reposDir = path.join(work, 'repos');
  const total = REPOS * PER_REPO;
  console.error(
    `Creating ${REPOS} git repositories with ${PER_REPO} entities each in ${reposDir} ...`,
  );
  let t = Date.now();
  makeRepos(reposDir);
  console.error(`  done in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  const results = {
    date: new Date().toISOString(),
    machine: `${os.cpus().length} x ${os.cpus()[0]?.model}, ${(
      os.totalmem() /
      2 ** 30
    ).toFixed(0)} GiB, Node ${process.version}, PostgreSQL ${psql(
      'show server_version',
    )} (autovacuum ${psql('show autovacuum')})`,
    command: `node bench/ingestion.mjs ${args.join(' ')}`.trim(),
    repos: REPOS,
    entities: total,
  };

  if (STOCK) {
    console.error('Stock Backstage: file locations ...');
    const stock = await startBackend('stock', {
      // A catalog benchmark: no DX demo history written at startup.
      dx: { demo: { enabled: false } },
      catalog: {
        // The catalog engine as stock Backstage ships it: the portal's
        // stitching settings (app-config.yaml) are reset to the defaults.
        stitchingStrategy: { pollingInterval: { seconds: 1 }, batchSize: 1 },
        processingBatchSize: 1,
        rules: ALLOW_ALL_KINDS,
        locations: Array.from({ length: REPOS }, (_, i) => ({
          type: 'file',
          target: path.join(reposDir, `repo-${i}`, 'catalog-info.yaml'),
        })),
        ingestion: { sources: [] },
      },
    });
    try {
      const t0 = Date.now();
      const bulk = await waitForCount(total, 30 * 60_000);
      const quiet = await waitQuiet(t0, 30 * 60_000);
      const changes = [];
      for (let k = 0; k < STOCK_CHANGES; k++) {
        const i = (k * 37) % REPOS;
        const description = `stock-change-${k}`;
        const t0 = Date.now();
        edit(reposDir, i, description);
        const seen = await waitForDescription(
          `svc-${i}`,
          description,
          10 * 60_000,
        );
        changes.push(Number.isNaN(seen) ? NaN : Date.now() - t0);
      }
      results.stock = {
        bulkSeconds: bulk,
        quietSeconds: quiet,
        entitiesPerSecond: total / bulk,
        changeToVisibleMs: changes,
        peakRssMb: stock.peak(),
      };
      console.error(
        `  ${total} entities in ${bulk.toFixed(
          1,
        )} s; change visible after ${changes
          .map(c => (c / 1000).toFixed(1))
          .join(', ')} s`,
      );
    } finally {
      await stock.stop();
    }
    // Reset the descriptors the stock run edited.
    for (let k = 0; k < STOCK_CHANGES; k++)
      edit(reposDir, (k * 37) % REPOS, 'benchmark service');
  }

  if (!PORTAL) {
    console.log(JSON.stringify(results, null, 2));
    fs.rmSync(work, { recursive: true, force: true });
    return;
  }
  console.error('Portal: repository discovery ...');
  const ours = await startBackend('portal', {
    // As in app-config.production.yaml: the catalog's queries without
    // parallel workers.
    backend: {
      database: {
        plugin: {
          catalog: {
            connection: { options: '-c max_parallel_workers_per_gather=0' },
          },
        },
      },
    },
    dx: { demo: { enabled: false } },
    catalog: {
      tableMaintenance: { enabled: MAINTENANCE },
      // As in app-config.production.yaml: entities come from providers that
      // push their changes, so the periodic re-processing can be slow.
      processingInterval: { minutes: 30 },
      locations: [],
      ingestion: {
        sources: [
          {
            id: 'bench',
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
  });
  try {
    t = Date.now();
    const scan = await api('POST', '/api/catalog/ingestion/rescan', {
      source: 'bench',
    });
    const scanSeconds = (Date.now() - t) / 1000;
    const bulk = scanSeconds + (await waitForCount(total, 30 * 60_000));
    // Also the time until the catalog is quiet, and the no-op rescans are
    // measured only from then on. Meanwhile, the catalog's own SQL from the
    // moment all entities are visible, until it is fast.
    const [quiet, afterLoad] = await Promise.all([
      waitQuiet(t, 30 * 60_000),
      queriesAfterLoad(`${ours.prefix}catalog`),
    ]);
    const writes = () =>
      Number(
        psql(
          "select coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) from pg_stat_user_tables where relname in ('refresh_state', 'final_entities', 'relations', 'search')",
          `${ours.prefix}catalog`,
        ),
      );
    // PostgreSQL publishes a connection's table statistics up to 10 s late
    // (PGSTAT_IDLE_INTERVAL): wait until the counters stood still for 11 s,
    // so the load's last writes are not counted as the no-op rescans'.
    for (let k = 0, last = -1; k < 20; k++) {
      const now = writes();
      if (now === last) break;
      last = now;
      await sleep(11_000);
    }
    // The catalog itself keeps writing (its refresh loop re-processes
    // entities on its interval), so compare the rows written during five
    // no-op rescans with an idle window of the same length.
    const noops = [];
    const before = writes();
    const windowStart = Date.now();
    for (let k = 0; k < 5; k++) {
      const t0 = performance.now();
      const r = await api('POST', '/api/catalog/ingestion/rescan', {
        source: 'bench',
      });
      noops.push({ wallMs: performance.now() - t0, run: r.runs[0] });
    }
    await sleep(1500);
    const windowMs = Date.now() - windowStart;
    const noopWrites = writes() - before;
    const idleBefore = writes();
    await sleep(windowMs);
    const idleWrites = writes() - idleBefore;
    // Edits one repository at a time: how long until the API shows the
    // edit, and how long the first list and count take after it (the read
    // cache cannot answer those: the catalog changed).
    const changeRound = async (count, offset) => {
      const changes = [];
      const firstAfterChange = { list: [], count: [], [FACETS]: [] };
      for (let k = offset; k < offset + count; k++) {
        const i = (k * 53 + 11) % REPOS;
        const description = `portal-change-${k}`;
        const t0 = performance.now();
        edit(reposDir, i, description);
        await api('POST', '/api/catalog/ingestion/rescan', {
          source: 'bench',
          repository: `repo-${i}`,
        });
        const seen = await waitForDescription(`svc-${i}`, description, 120_000);
        changes.push(Number.isNaN(seen) ? NaN : performance.now() - t0);
        for (const name of ['list', 'count', FACETS]) {
          const t1 = performance.now();
          await api('GET', QUERY_URLS[name]);
          firstAfterChange[name].push(performance.now() - t1);
        }
      }
      return { changes, firstAfterChange };
    };
    const { changes, firstAfterChange } = await changeRound(CHANGES, 0);
    const queries = await queryTimes();
    // Right after a bulk load PostgreSQL's statistics are stale until
    // autovacuum analyzes the tables; measure again once they are fresh.
    psql('analyze', `${ours.prefix}catalog`);
    const queriesAnalyzed = await queryTimes();
    const queriesUncached = await queryTimes({ uncached: true });
    // Once the load has settled: autovacuum has cleared the dead rows the
    // load left (about one per entity in final_entities) and set the
    // visibility map, so the catalog's queries can use index-only scans.
    // VACUUM ANALYZE does now what autovacuum does minutes later.
    const vacuumStart = performance.now();
    await psqlAsync('vacuum (analyze)', `${ours.prefix}catalog`);
    const vacuumSeconds = (performance.now() - vacuumStart) / 1000;
    const queriesVacuumedUncached = await queryTimes({ uncached: true });
    const settled = await changeRound(CHANGES, CHANGES);
    results.portal = {
      scanSeconds,
      bulkSeconds: bulk,
      quietSeconds: quiet,
      afterLoad,
      entitiesPerSecond: total / bulk,
      firstRun: scan.runs[0],
      noopRescan: {
        wallMsMedian: median(noops.map(n => n.wallMs)),
        runMsMedian: median(noops.map(n => n.run.durationMs)),
        repositoriesRead: noops.map(n => n.run.repositoriesRead),
        catalogRowWrites: noopWrites,
        idleWindowRowWrites: idleWrites,
        mutationsSent: noops.reduce(
          (n, x) => n + x.run.added + x.run.changed + x.run.removed,
          0,
        ),
      },
      changeToVisibleMs: summary(changes),
      queries,
      queriesAnalyzed,
      queriesUncached,
      vacuumSeconds,
      queriesVacuumedUncached,
      settledChangeToVisibleMs: summary(settled.changes),
      settledFirstAfterChange: summaries(settled.firstAfterChange),
      firstAfterChange: summaries(firstAfterChange),
      peakRssMb: ours.peak(),
    };
  } finally {
    await ours.stop({ keepDatabases: KEEP_DB });
    if (KEEP_DB)
      console.error(
        `--keep-db: the portal's databases are kept (${ours.prefix}*)`,
      );
  }
  fs.rmSync(work, { recursive: true, force: true });

  const p = results.portal;
  const lines = [
    `### ${results.date.slice(
      0,
      10,
    )}: ${REPOS} repositories, ${total} entities`,
    '',
    `- Machine: ${results.machine}`,
    `- Command: \`${results.command}\``,
    '',
    '| Measure | Stock Backstage (file locations) | Portal (repository discovery) | Ratio |',
    '| --- | ---: | ---: | ---: |',
    results.stock
      ? `| Bulk: nothing to all ${total} visible | ${results.stock.bulkSeconds.toFixed(
          1,
        )} s (${results.stock.entitiesPerSecond.toFixed(
          0,
        )}/s) | ${p.bulkSeconds.toFixed(1)} s (${p.entitiesPerSecond.toFixed(
          0,
        )}/s) | ${(results.stock.bulkSeconds / p.bulkSeconds).toFixed(
          2,
        )}x faster |`
      : `| Bulk: nothing to all ${total} visible | not run | ${p.bulkSeconds.toFixed(
          1,
        )} s (${p.entitiesPerSecond.toFixed(0)}/s) | |`,
    results.stock
      ? `| Bulk: until the catalog is quiet (stitch queue empty, every entity processed) | ${results.stock.quietSeconds.toFixed(
          1,
        )} s | ${p.quietSeconds.toFixed(1)} s | ${(
          results.stock.quietSeconds / p.quietSeconds
        ).toFixed(2)}x faster |`
      : `| Bulk: until the catalog is quiet (stitch queue empty, every entity processed) | not run | ${p.quietSeconds.toFixed(
          1,
        )} s | |`,
    results.stock
      ? `| Change to visible (median) | ${(
          median(results.stock.changeToVisibleMs) / 1000
        ).toFixed(1)} s (n=${results.stock.changeToVisibleMs.length}) | ${(
          p.changeToVisibleMs.median / 1000
        ).toFixed(2)} s (p95 ${(p.changeToVisibleMs.p95 / 1000).toFixed(
          2,
        )} s, n=${CHANGES}) | ${(
          median(results.stock.changeToVisibleMs) / p.changeToVisibleMs.median
        ).toFixed(0)}x faster |`
      : `| Change to visible (median) | not run | ${(
          p.changeToVisibleMs.median / 1000
        ).toFixed(2)} s (p95 ${(p.changeToVisibleMs.p95 / 1000).toFixed(
          2,
        )} s) | |`,
    `| No-op rescan of ${REPOS} repositories (median of 5) | n/a | ${
      p.noopRescan.runMsMedian
    } ms in the run, ${p.noopRescan.wallMsMedian.toFixed(
      0,
    )} ms wall; repositories read: ${p.noopRescan.repositoriesRead.join(
      ', ',
    )}; entities sent to the catalog: ${
      p.noopRescan.mutationsSent
    }; catalog row writes ${p.noopRescan.catalogRowWrites} vs ${
      p.noopRescan.idleWindowRowWrites
    } in an idle window of the same length (the catalog's own refresh loop) | |`,
    `| Right after the load, the catalog's own SQL (no cache): first list / count / facets; then every 5 s until three rounds in a row are under ${FAST_MS} ms | | ${[
      'list',
      'count',
      FACETS,
    ]
      .map(q => p.afterLoad.first[q].toFixed(0))
      .join(
        ' / ',
      )} ms; all under ${FAST_MS} ms from ${p.afterLoad.fastAfterSeconds.toFixed(
      0,
    )} s after the load (final_entities then: ${
      p.afterLoad.rounds[p.afterLoad.rounds.length - 1].dead
    } dead rows, vacuumed ${
      p.afterLoad.rounds[p.afterLoad.rounds.length - 1].vacuums
    } times by the maintenance task, ${
      p.afterLoad.rounds[p.afterLoad.rounds.length - 1].autovacuums
    } by autovacuum) | |`,
    ...Object.entries(p.queries).map(
      ([q, v]) =>
        `| Query: ${q} (median / p95 of ${QUERIES}): right after the load; after ANALYZE; after ANALYZE with Cache-Control: no-cache (the catalog's own SQL) | | ${v.median.toFixed(
          0,
        )} / ${v.p95.toFixed(0)} ms; ${p.queriesAnalyzed[q].median.toFixed(
          0,
        )} / ${p.queriesAnalyzed[q].p95.toFixed(0)} ms; ${p.queriesUncached[
          q
        ].median.toFixed(0)} / ${p.queriesUncached[q].p95.toFixed(0)} ms | |`,
    ),
    ...Object.entries(p.firstAfterChange).map(
      ([q, v]) =>
        `| Query: ${q}, first request after each change (median / p95 of ${
          v.samples.length
        }) | | ${v.median.toFixed(0)} / ${v.p95.toFixed(0)} ms | |`,
    ),
    `| Once settled: VACUUM ANALYZE of the catalog (what autovacuum does minutes after the load) | | ${p.vacuumSeconds.toFixed(
      1,
    )} s | |`,
    ...Object.entries(p.queriesVacuumedUncached).map(
      ([q, v]) =>
        `| Once settled: ${q} with Cache-Control: no-cache (median / p95 of ${QUERIES}) | | ${v.median.toFixed(
          0,
        )} / ${v.p95.toFixed(0)} ms | |`,
    ),
    `| Once settled: change to visible (median / p95 of ${
      p.settledChangeToVisibleMs.samples.length
    }) | | ${(p.settledChangeToVisibleMs.median / 1000).toFixed(2)} s / ${(
      p.settledChangeToVisibleMs.p95 / 1000
    ).toFixed(2)} s | |`,
    ...Object.entries(p.settledFirstAfterChange).map(
      ([q, v]) =>
        `| Once settled: ${q}, first request after each change (median / p95 of ${
          v.samples.length
        }) | | ${v.median.toFixed(0)} / ${v.p95.toFixed(0)} ms | |`,
    ),
    `| Peak backend RSS | ${
      results.stock ? `${results.stock.peakRssMb.toFixed(0)} MB` : ''
    } | ${p.peakRssMb.toFixed(0)} MB | |`,
  ];
  console.log(lines.join('\n'));
  fs.mkdirSync(path.join(root, 'bench/results'), { recursive: true });
  fs.writeFileSync(
    path.join(
      root,
      `bench/results/ingestion-${results.date.replace(/[:.]/g, '-')}.json`,
    ),
    JSON.stringify(results, null, 2),
  );
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
