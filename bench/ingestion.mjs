#!/usr/bin/env node
/*
 * Catalog ingestion benchmark, all on stock @backstage/plugin-catalog-backend
 * and PostgreSQL with autovacuum on (switched on for the run with ALTER
 * SYSTEM if the server has it off, and restored at exit), in one run:
 *   1. stock Backstage reading the entities from `file` locations;
 *   2. the portal's repository discovery (one backend);
 *   3. the same with two backend replicas on one database (the catalog
 *      shares its processing queue between them).
 * Run with `./portal yarn bench:ingestion`; options:
 *   --repos N            repositories (default 1000)
 *   --per-repo N         entities per repository (default 10)
 *   --changes N          change-to-visible samples per portal run (default 15)
 *   --stock-changes N    change-to-visible samples for stock (default 1; each waits for its processing interval)
 *   --queries N          samples per query type (default 30)
 *   --no-stock           skip run 1
 *   --no-replicas        skip run 3
 *   --keep-db            keep the last portal run's databases
 * Results are printed as Markdown and written to bench/results/ingestion-<date>.json.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  ALLOW_ALL_KINDS,
  api,
  autovacuumOnUntilExit,
  machineLine,
  median,
  opt,
  p95,
  psql,
  root,
  sleep,
  startBackend,
} from './lib.mjs';

const args = process.argv.slice(2);
const REPOS = opt('repos', 1000);
const PER_REPO = opt('per-repo', 10);
const CHANGES = opt('changes', 15);
const STOCK_CHANGES = opt('stock-changes', 1);
const QUERIES = opt('queries', 30);
const STOCK = !args.includes('--no-stock');
const REPLICAS = !args.includes('--no-replicas');
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

/** Times each query QUERIES times: median and p95. */
async function queryTimes() {
  const out = {};
  for (const [name, url] of Object.entries(QUERY_URLS)) {
    const times = [];
    for (let i = 0; i < QUERIES; i++) {
      const t = performance.now();
      await api('GET', url);
      times.push(performance.now() - t);
    }
    out[name] = { median: median(times), p95: p95(times) };
  }
  return out;
}

const FAST_MS = 200;

/**
 * From the moment a bulk load is visible: every 5 s, list, count and facets
 * and PostgreSQL's counters for the catalog database's tables, until
 * three rounds in a row are all under FAST_MS (or 5 minutes). Shows how
 * long the catalog page is slow after a load, until autovacuum caught up.
 */
async function queriesAfterLoad(db) {
  const start = performance.now();
  const rounds = [];
  let fastInARow = 0;
  while (fastInARow < 3 && performance.now() - start < 5 * 60_000) {
    const round = { atSeconds: (performance.now() - start) / 1000 };
    for (const name of ['list', 'count', FACETS]) {
      const t0 = performance.now();
      await api('GET', QUERY_URLS[name]);
      round[name] = performance.now() - t0;
    }
    const [dead, vacuums, autovacuums] = psql(
      `select coalesce(sum(n_dead_tup), 0), coalesce(sum(vacuum_count), 0), coalesce(sum(autovacuum_count), 0) from pg_stat_user_tables where ${NOT_OURS}`,
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

/**
 * PostgreSQL's counters summed over every table of the catalog's database
 * except those of our catalog modules (ingestion and docs `ingestion_*`,
 * inventory `inventory_*`, their `*__knex_migrations`): what the catalog
 * and the services sharing its database wrote, without naming their tables.
 */
const NOT_OURS = [
  "relname not like 'ingestion\\_%'",
  "relname not like 'inventory\\_%'",
  "relname not like '%\\_\\_knex\\_migrations%'",
].join(' and ');

/** Rows written to the catalog database's tables that are not ours. */
function catalogWrites(db) {
  return Number(
    psql(
      `select coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) from pg_stat_user_tables where ${NOT_OURS}`,
      db,
    ),
  );
}

/** Waits until PostgreSQL's write counters stood still for 11 s. */
async function writesSettled(db) {
  // A connection's table statistics are published up to 10 s late
  // (PGSTAT_IDLE_INTERVAL).
  for (let k = 0, last = -1; k < 20; k++) {
    const now = catalogWrites(db);
    if (now === last) return;
    last = now;
    await sleep(11_000);
  }
}

async function stockRun(reposDir, total) {
  console.error('1. Stock Backstage: file locations ...');
  const stock = await startBackend('stock', {
    // A catalog benchmark: no DX demo history written at startup.
    dx: { demo: { enabled: false } },
    catalog: {
      // Stock stitching (the portal polls every 200 ms).
      stitchingStrategy: { pollingInterval: { seconds: 1 } },
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
    const [quiet, afterLoad] = await Promise.all([
      waitQuiet(t0, 30 * 60_000),
      queriesAfterLoad(`${stock.prefix}catalog`),
    ]);
    const queries = await queryTimes();
    const changes = [];
    for (let k = 0; k < STOCK_CHANGES; k++) {
      const i = (k * 37) % REPOS;
      const description = `stock-change-${k}`;
      const t1 = Date.now();
      edit(reposDir, i, description);
      const seen = await waitForDescription(
        `svc-${i}`,
        description,
        10 * 60_000,
      );
      changes.push(Number.isNaN(seen) ? NaN : Date.now() - t1);
    }
    console.error(`   ${total} entities visible in ${bulk.toFixed(1)} s`);
    return {
      replicas: 1,
      bulkSeconds: bulk,
      quietSeconds: quiet,
      afterLoad,
      queries,
      changeToVisibleMs: summary(changes),
      peakRssMb: stock.peak(),
      peakRssTotalMb: stock.peakTotal(),
    };
  } finally {
    await stock.stop();
    // Reset the descriptors the stock run edited.
    for (let k = 0; k < STOCK_CHANGES; k++)
      edit(reposDir, (k * 37) % REPOS, 'benchmark service');
  }
}

async function portalRun(reposDir, total, replicas, offset) {
  console.error(
    `${
      replicas === 1 ? 2 : 3
    }. Portal: repository discovery, ${replicas} replica(s) ...`,
  );
  const ours = await startBackend(
    `portal${replicas}`,
    {
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
        // As in app-config.production.yaml: entities come from providers
        // that push their changes, so the periodic re-processing can be slow.
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
    },
    { replicas },
  );
  const db = `${ours.prefix}catalog`;
  try {
    const t = Date.now();
    const scan = await api('POST', '/api/catalog/ingestion/rescan', {
      source: 'bench',
    });
    const scanSeconds = (Date.now() - t) / 1000;
    const bulk = scanSeconds + (await waitForCount(total, 30 * 60_000));
    console.error(`   ${total} entities visible in ${bulk.toFixed(1)} s`);
    const [quiet, afterLoad] = await Promise.all([
      waitQuiet(t, 30 * 60_000),
      queriesAfterLoad(db),
    ]);
    // No-op rescans, once the load's writes are counted: the catalog itself
    // may write meanwhile (its refresh loop), so compare with an idle
    // window of the same length.
    await writesSettled(db);
    const noops = [];
    const before = catalogWrites(db);
    const windowStart = Date.now();
    for (let k = 0; k < 5; k++) {
      const t0 = performance.now();
      const r = await api('POST', '/api/catalog/ingestion/rescan', {
        source: 'bench',
      });
      noops.push({ wallMs: performance.now() - t0, run: r.runs[0] });
    }
    await sleep(11_000);
    const windowMs = Date.now() - windowStart;
    const noopWrites = catalogWrites(db) - before;
    const idleBefore = catalogWrites(db);
    await sleep(windowMs);
    const idleWrites = catalogWrites(db) - idleBefore;
    // Edits one repository at a time, rescanned as a push would: how long
    // until the API shows the edit, and the first list, count and facets
    // after it.
    const changes = [];
    const firstAfterChange = { list: [], count: [], [FACETS]: [] };
    for (let k = offset; k < offset + CHANGES; k++) {
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
    const queries = await queryTimes();
    return {
      replicas,
      scanSeconds,
      bulkSeconds: bulk,
      quietSeconds: quiet,
      afterLoad,
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
      firstAfterChange: summaries(firstAfterChange),
      queries,
      peakRssMb: ours.peak(),
      peakRssTotalMb: ours.peakTotal(),
    };
  } finally {
    await ours.stop({ keepDatabases: KEEP_DB });
    if (KEEP_DB) console.error(`--keep-db: databases kept (${ours.prefix}*)`);
  }
}

const s1 = x => (Number.isFinite(x) ? x.toFixed(1) : 'n/a');
const ms = x => (Number.isFinite(x) ? x.toFixed(0) : 'n/a');

function report(results) {
  const runs = [results.stock, results.portal, results.portal2];
  const total = results.entities;
  const cell = (run, f) => (run ? f(run) : 'not run');
  const row = (what, f) =>
    `| ${what} | ${runs.map(r => cell(r, f)).join(' | ')} |`;
  const p = results.portal;
  const lines = [
    `### ${results.date.slice(0, 10)}: ${
      results.repos
    } repositories, ${total} entities, stock catalog engine`,
    '',
    `- Machine: ${results.machine}`,
    `- Command: \`${results.command}\``,
    '',
    '| Measure | 1. Stock (file locations) | 2. Portal, 1 replica | 3. Portal, 2 replicas |',
    '| --- | ---: | ---: | ---: |',
    row(
      `Bulk: nothing to all ${total} visible`,
      r => `${s1(r.bulkSeconds)} s (${ms(total / r.bulkSeconds)}/s)`,
    ),
    row(
      'Bulk: until every relation is stitched both ways',
      r => `${s1(r.quietSeconds)} s`,
    ),
    row(
      'Change to visible, median / p95 (portal: push + targeted rescan; stock: its processing interval)',
      r =>
        `${(r.changeToVisibleMs.median / 1000).toFixed(2)} / ${(
          r.changeToVisibleMs.p95 / 1000
        ).toFixed(2)} s (n=${r.changeToVisibleMs.samples.length})`,
    ),
    row(`No-op rescan of ${results.repos} repositories, median of 5`, r =>
      r.noopRescan
        ? `${r.noopRescan.runMsMedian} ms (wall ${ms(
            r.noopRescan.wallMsMedian,
          )} ms); ${
            r.noopRescan.mutationsSent
          } entities sent; catalog row writes ${
            r.noopRescan.catalogRowWrites
          } (idle window: ${r.noopRescan.idleWindowRowWrites})`
        : 'n/a',
    ),
    row(
      `Right after the load: first list / count / facets; all under ${FAST_MS} ms from`,
      r =>
        `${['list', 'count', FACETS]
          .map(q => ms(r.afterLoad.first[q]))
          .join(' / ')} ms; from ${s1(
          r.afterLoad.fastAfterSeconds,
        )} s (autovacuum runs on the catalog database's tables: ${
          r.afterLoad.rounds[r.afterLoad.rounds.length - 1].autovacuums
        })`,
    ),
    ...Object.keys(QUERY_URLS).map(q =>
      row(
        `Query: ${q}, median / p95 of ${QUERIES}`,
        r => `${ms(r.queries[q].median)} / ${ms(r.queries[q].p95)} ms`,
      ),
    ),
    ...['list', 'count', FACETS].map(q =>
      row(`First ${q} after each change, median / p95`, r =>
        r.firstAfterChange
          ? `${ms(r.firstAfterChange[q].median)} / ${ms(
              r.firstAfterChange[q].p95,
            )} ms`
          : 'n/a',
      ),
    ),
    row(
      'Peak RSS (largest replica; all replicas)',
      r => `${ms(r.peakRssMb)} MB; ${ms(r.peakRssTotalMb)} MB`,
    ),
    '',
    results.stock && p
      ? `Bulk, portal with 1 replica against stock: ${(
          results.stock.bulkSeconds / p.bulkSeconds
        ).toFixed(2)}x.`
      : '',
    results.portal2 && p
      ? ` 2 replicas against 1: ${(
          p.bulkSeconds / results.portal2.bulkSeconds
        ).toFixed(2)}x.`
      : '',
  ];
  return lines.join('\n');
}

async function main() {
  const autovacuumBefore = autovacuumOnUntilExit();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-bench-'));
  const reposDir = path.join(work, 'repos');
  const total = REPOS * PER_REPO;
  console.error(
    `Creating ${REPOS} git repositories with ${PER_REPO} entities each in ${reposDir} ...`,
  );
  const t = Date.now();
  makeRepos(reposDir);
  console.error(`  done in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  const results = {
    date: new Date().toISOString(),
    machine: machineLine(autovacuumBefore),
    command: `node bench/ingestion.mjs ${args.join(' ')}`.trim(),
    repos: REPOS,
    entities: total,
  };
  try {
    if (STOCK) results.stock = await stockRun(reposDir, total);
    results.portal = await portalRun(reposDir, total, 1, 0);
    if (REPLICAS)
      results.portal2 = await portalRun(reposDir, total, 2, CHANGES);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  console.log(report(results));
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
