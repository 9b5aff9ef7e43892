#!/usr/bin/env node
/*
 * Advisory matching at scale, on the inventory's own store code
 * (DatabaseAdvisoryStore, run from source by bench/advisories-runner.ts)
 * and PostgreSQL, in one run on its own database (bench_adv_<stamp>):
 *   1. components with one SBOM each, packages with a realistic skew (a few
 *      hundred popular npm, PyPI, Maven and Go names in most components, in
 *      varied versions, and a long tail of rare ones) and OSV advisories
 *      over the same names with ranges, all written with SQL in the row
 *      shapes the stores write (the advisories bulk-inserted: 50,000 upserts
 *      would each match on their own);
 *   2. the full match, DatabaseAdvisoryStore.matchAll(), from an empty
 *      match table, then again over the matches it made: wall time, peak
 *      RSS and heap of the process;
 *   3. fresh advisories, each through upsert() (stored and matched, the
 *      time from the call until the matches are stored), and one on the
 *      most popular package affecting every version (the worst case).
 * Run with `yarn bench:advisories`; options:
 *   --components N   components (default 10000)
 *   --packages N     packages per component (default 500)
 *   --advisories N   advisories (default 50000)
 *   --fresh N        fresh advisories through upsert (default 20)
 *   --keep-db        keep the database
 * Results are printed as Markdown and written to
 * bench/results/advisories-<date>.json.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  autovacuumOnUntilExit,
  machineLine,
  median,
  opt,
  p95,
  psql,
  psqlAsync,
  root,
} from './lib.mjs';

const args = process.argv.slice(2);
const COMPONENTS = opt('components', 10000);
const PACKAGES = opt('packages', 500);
const ADVISORIES = opt('advisories', 50000);
const FRESH = opt('fresh', 20);
const KEEP_DB = args.includes('--keep-db');
const TARGET_MS = 1000;
/** Popular names (used by most components) and the long tail. */
const POPULAR = 400;
const TAIL = 20000;
const DB = `bench_adv_${Date.now()}`;

/** Runs a command of the runner in its own Node process; its JSON line. */
function runner(...a) {
  return new Promise((resolve, reject) =>
    execFile(
      process.execPath,
      [
        '--max-old-space-size=4096',
        ...(process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean),
        '--require',
        path.join(root, 'node_modules/@backstage/cli/config/nodeTransform.cjs'),
        path.join(root, 'bench/advisories-runner.ts'),
        ...a,
      ],
      { cwd: root, maxBuffer: 64 * 2 ** 20, encoding: 'utf8' },
      (error, stdout, stderr) =>
        error
          ? reject(new Error(`${a[0]}: ${error.message}\n${stderr}`))
          : resolve(JSON.parse(stdout.trim().split('\n').pop())),
    ),
  );
}

const sql = s => psqlAsync(s, DB);
const seconds = async fn => {
  const t = performance.now();
  await fn();
  return (performance.now() - t) / 1000;
};

/*
 * Names: index i of POPULAR + TAIL, the ecosystem by i % 10 (5 npm, 2 PyPI,
 * 2 Maven, 1 Go). A version is one of 100 ranks, 1.0.0 up to 4.4.4 in
 * every ecosystem's order (Go with its `v`).
 */
const NAMES_SQL = `
create table bench_names as
select i,
  i < ${POPULAR} as popular,
  e.eco, e.type,
  case e.type when 'maven' then 'org.bench' || (i % 50)
              when 'golang' then 'github.com/bench' || (i % 50) end as namespace,
  case when i < ${POPULAR} then 'pop' else 'lib' end || '-' || e.type || '-' || i as name
from generate_series(0, ${POPULAR + TAIL - 1}) i
cross join lateral (select case
  when i % 10 < 5 then 'npm' when i % 10 < 7 then 'PyPI'
  when i % 10 < 9 then 'Maven' else 'Go' end as eco) e0
cross join lateral (select e0.eco, case e0.eco when 'npm' then 'npm'
  when 'PyPI' then 'pypi' when 'Maven' then 'maven' else 'golang' end as type) e;
alter table bench_names add column osv_key text;
update bench_names set osv_key = eco || ':' || case type
  when 'maven' then namespace || ':' || name
  when 'golang' then namespace || '/' || name
  else name end;
create unique index on bench_names (i);
create or replace function bench_version(eco text, r int) returns text
  language sql immutable as $$
  select case when eco = 'Go' then 'v' else '' end
    || (1 + r / 25) || '.' || ((r % 25) / 5) || '.' || (r % 5) $$;
`;

/*
 * Packages: slot s of a component holds popular name s - 1 with a chance
 * falling from 95 % (about 190 popular names per component at 500
 * packages), else a tail name, the lower indexes more common. Versions
 * lean to the newest ranks.
 */
const POP_SLOTS = Math.min(POPULAR, Math.round(PACKAGES * 0.8));
const PACKAGES_SQL = `
select setseed(0.21);
insert into ingestion_sboms (id, entity_ref, origin, format, stored_at, packages)
select c, 'component:default/bench-' || c, 'upload', 'cyclonedx', now(), ${PACKAGES}
from generate_series(1, ${COMPONENTS}) c;
select setval(pg_get_serial_sequence('ingestion_sboms', 'id'), ${COMPONENTS});
drop index ingestion_packages_name_idx, ingestion_packages_sbom_idx,
  ingestion_packages_entity_idx, ingestion_packages_osv_key_idx;
insert into ingestion_packages
  (sbom_id, entity_ref, purl, type, namespace, name, version, direct, osv_key)
select c, 'component:default/bench-' || c,
  'pkg:' || n.type || '/' || coalesce(n.namespace || '/', '') || n.name || '@' || v.version,
  n.type, n.namespace, n.name, v.version, s <= 50, n.osv_key
from generate_series(1, ${COMPONENTS}) c
cross join generate_series(1, ${PACKAGES}) s
cross join lateral (select case
  when s <= ${POP_SLOTS} and random() < 0.95 * exp(-(s - 1) / 250.0) then s - 1
  else ${POPULAR} + floor(${TAIL} * random() ^ 2)::int end as i, c as c_) pick
join bench_names n on n.i = pick.i
cross join lateral (select bench_version(n.eco,
  99 - floor(100 * random() ^ 6)::int) as version, pick.c_) v;
create index ingestion_packages_name_idx on ingestion_packages (name);
create index ingestion_packages_sbom_idx on ingestion_packages (sbom_id);
create index ingestion_packages_entity_idx on ingestion_packages (entity_ref);
create index ingestion_packages_osv_key_idx on ingestion_packages (osv_key);
`;

/*
 * Advisories: 40 % on popular names (the most popular the most often),
 * 60 % on the tail; one range each (SEMVER for npm and Go, ECOSYSTEM for
 * PyPI and Maven), fixed mostly in old versions, introduced at 0 or a few
 * ranks below the fix; one in ten also lists two versions.
 */
const ADVISORIES_SQL = `
select setseed(0.42);
create table bench_adv as
select a, n.osv_key, n.eco, f.fixed, f.intro, random() < 0.1 as listed
from generate_series(1, ${ADVISORIES}) a
cross join lateral (select case when random() < 0.4
  then floor(${POPULAR} * random() ^ 2)::int
  else ${POPULAR} + floor(${TAIL} * random() ^ 1.5)::int end as i, a as a_) pick
join bench_names n on n.i = pick.i
cross join lateral (select floor(100 * random() ^ 10)::int + 1 as fixed, a as a_) f0
cross join lateral (select f0.fixed,
  case when random() < 0.5 then -1
       else greatest(0, f0.fixed - 1 - floor(20 * random())::int) end as intro,
  f0.a_) f;
insert into inventory_advisories (id, vuln_key, aliases, modified, published,
  summary, severity, refs, content_hash, source_id, imported_at)
select 'BENCH-' || a, 'CVE-2026-' || (100000 + a), '["CVE-2026-' || (100000 + a) || '"]',
  now(), now(), 'Benchmark advisory ' || a,
  (array['critical','high','medium','low'])[1 + a % 4], '[]',
  encode(sha256(('BENCH-' || a)::bytea), 'hex'), 'bench', now()
from bench_adv;
insert into inventory_advisory_packages (advisory_id, osv_key, ranges, versions)
select 'BENCH-' || a, osv_key,
  json_build_array(json_build_object(
    'type', case when eco in ('npm', 'Go') then 'SEMVER' else 'ECOSYSTEM' end,
    'events', json_build_array(
      json_build_object('introduced',
        case when intro < 0 then '0' else bench_version(eco, intro) end),
      json_build_object('fixed', bench_version(eco, fixed)))))::text,
  case when listed then json_build_array(bench_version(eco, a % 40),
    bench_version(eco, 40 + a % 10))::text else '[]' end
from bench_adv;
`;

/** Fresh advisories in OSV form, on names picked like the bulk ones. */
function freshAdvisories(names) {
  let seed = 7;
  const rand = () => {
    seed = (seed * 16807) % 2147483647;
    return seed / 2147483647;
  };
  const version = (eco, r) =>
    `${eco === 'Go' ? 'v' : ''}${1 + Math.floor(r / 25)}.${Math.floor(
      (r % 25) / 5,
    )}.${r % 5}`;
  const popular = names.filter(n => n.popular);
  const tail = names.filter(n => !n.popular);
  const advisory = (id, n, events) => ({
    id,
    aliases: [],
    modified: new Date().toISOString(),
    summary: `Fresh benchmark advisory ${id}`,
    severity: 'high',
    references: [],
    affected: [
      {
        ecosystem: n.eco,
        name: n.osv_key.slice(n.osv_key.indexOf(':') + 1),
        ranges: [
          {
            type: n.eco === 'npm' || n.eco === 'Go' ? 'SEMVER' : 'ECOSYSTEM',
            events,
          },
        ],
        versions: [],
      },
    ],
  });
  const out = [];
  for (let k = 0; k < FRESH; k++) {
    const n =
      rand() < 0.4
        ? popular[Math.floor(popular.length * rand() ** 2)]
        : tail[Math.floor(tail.length * rand() ** 1.5)];
    const fixed = Math.floor(100 * rand() ** 10) + 1;
    out.push(
      advisory(`BENCH-NEW-${k}`, n, [
        { introduced: '0' },
        { fixed: version(n.eco, fixed) },
      ]),
    );
  }
  const top = popular.find(n => n.i === 0);
  return {
    // First, excluded from the figures: loads the code paths and opens the
    // connections, as in a backend that has been running.
    warmUp: advisory('BENCH-WARM-UP', tail[tail.length - 1], [
      { introduced: '0' },
      { fixed: version(tail[tail.length - 1].eco, 1) },
    ]),
    fresh: out,
    worst: advisory('BENCH-WORST', top, [{ introduced: '0' }]),
  };
}

async function main() {
  const autovacuumBefore = autovacuumOnUntilExit();
  const machine = machineLine(autovacuumBefore);
  const command = `yarn bench:advisories${
    args.length ? ` ${args.join(' ')}` : ''
  }`;
  psql(`create database ${DB}`);
  try {
    await runner('migrate', DB);
    const load = {};
    load.names = await seconds(() => sql(NAMES_SQL));
    load.packages = await seconds(() => sql(PACKAGES_SQL));
    load.advisories = await seconds(() => sql(ADVISORIES_SQL));
    load.vacuum = await seconds(() => sql('vacuum analyze'));
    const counts = Object.fromEntries(
      [
        'ingestion_packages',
        'inventory_advisories',
        'inventory_advisory_packages',
      ].map(t => [t, Number(psql(`select count(*) from ${t}`, DB))]),
    );
    const keys = Number(
      psql('select count(distinct osv_key) from ingestion_packages', DB),
    );
    const sharedKeys = Number(
      psql(
        `select count(*) from (select distinct osv_key from ingestion_packages
         intersect select distinct osv_key from inventory_advisory_packages) k`,
        DB,
      ),
    );
    console.error(
      `loaded in ${Object.values(load)
        .reduce((a, b) => a + b, 0)
        .toFixed(0)} s: ${JSON.stringify(counts)}; matching...`,
    );

    const first = await runner('match-all', DB);
    console.error(`first full match: ${(first.ms / 1000).toFixed(1)} s`);
    await sql('vacuum analyze inventory_vulnerabilities');
    const again = await runner('match-all', DB);
    console.error(`again: ${(again.ms / 1000).toFixed(1)} s`);
    const perComponent = psql(
      `select percentile_disc(array[0.5, 0.95]) within group (order by n), max(n), count(*)
       from (select entity_ref, count(*) n from inventory_vulnerabilities group by 1) x`,
      DB,
    );

    const names = psql(
      'select i, popular, eco, osv_key from bench_names order by i',
      DB,
    )
      .split('\n')
      .map(line => {
        const [i, popular, eco, osvKey] = line.split('|');
        return { i: Number(i), popular: popular === 't', eco, osv_key: osvKey };
      });
    const { warmUp, fresh, worst } = freshAdvisories(names);
    const file = path.join(os.tmpdir(), `${DB}-fresh.json`);
    fs.writeFileSync(file, JSON.stringify([warmUp, ...fresh, worst]));
    const upserted = await runner('upsert', DB, file);
    fs.rmSync(file);
    const freshRuns = upserted.upserts.slice(1, 1 + fresh.length);
    const worstRun = upserted.upserts[1 + fresh.length];
    const times = freshRuns.map(u => u.ms);
    const worstComponents = Number(
      psql(
        `select count(distinct entity_ref) from ingestion_packages where osv_key = '${worst.affected[0].ecosystem}:${worst.affected[0].name}'`,
        DB,
      ),
    );

    const results = {
      date: new Date().toISOString(),
      machine,
      command,
      options: { COMPONENTS, PACKAGES, ADVISORIES, FRESH, POPULAR, TAIL },
      advisoriesStoredBy:
        'bulk SQL insert in the store row shapes, then matchAll',
      load,
      counts,
      keys,
      sharedKeys,
      matchAll: { first, again },
      matchesPerComponent: perComponent,
      fresh: {
        runs: freshRuns,
        median: median(times),
        p95: p95(times),
        max: Math.max(...times),
      },
      warmUp: upserted.upserts[0],
      worst: { ...worstRun, components: worstComponents },
      targetMs: TARGET_MS,
    };
    const n = x => Math.round(x).toLocaleString('en-US');
    const s = ms => `${(ms / 1000).toFixed(1)} s`;
    const ms = x => `${n(x)} ms`;
    const ratio = x => `${(x / TARGET_MS).toFixed(2)}x of target`;
    const [pcMedian, pcP95, pcMax, pcCount] = perComponent
      .replace(/[{}]/g, '')
      .split(/[|,]/);
    const matchCounts = freshRuns.map(u => u.matches);
    console.log(
      [
        `Advisory matching, ${results.date.slice(
          0,
          10,
        )}, ${machine}; \`${command}\`; ${n(COMPONENTS)} components × ${n(
          PACKAGES,
        )} packages (${n(counts.ingestion_packages)} package rows, ${n(
          keys,
        )} package keys, ${n(sharedKeys)} of them with advisories), ${n(
          counts.inventory_advisories,
        )} advisories (bulk-inserted in the store's row shapes, matched by matchAll); loaded in ${Object.values(
          load,
        )
          .reduce((a, b) => a + b, 0)
          .toFixed(0)} s`,
        '',
        '| | Wall time | Matches | Peak RSS | Peak heap |',
        '|---|---|---|---|---|',
        `| matchAll, empty match table | ${s(first.ms)} | ${n(
          first.matches,
        )} | ${n(first.peakRssMb)} MiB (${n(first.rssBeforeMb)} before) | ${n(
          first.peakHeapMb,
        )} MiB (${n(first.heapBeforeMb)} before) |`,
        `| matchAll again, every match in place | ${s(again.ms)} | ${n(
          again.matches,
        )} | ${n(again.peakRssMb)} MiB | ${n(again.peakHeapMb)} MiB |`,
        '',
        `Matches per component with any: median ${pcMedian}, p95 ${pcP95}, max ${pcMax} (${n(
          Number(pcCount),
        )} components).`,
        '',
        `| New advisory through upsert (target ${ms(
          TARGET_MS,
        )}) | Time | vs target | Matches |`,
        '|---|---|---|---|',
        `| Median of ${FRESH} | ${ms(median(times))} | ${ratio(
          median(times),
        )} | ${Math.min(...matchCounts)} to ${Math.max(
          ...matchCounts,
        )} (median ${median(matchCounts)}) |`,
        `| p95 of ${FRESH} | ${ms(p95(times))} | ${ratio(p95(times))} | |`,
        `| Slowest of ${FRESH} | ${ms(Math.max(...times))} | ${ratio(
          Math.max(...times),
        )} | |`,
        `| Most popular package, every version (${n(
          worstComponents,
        )} components use it) | ${ms(worstRun.ms)} | ${ratio(
          worstRun.ms,
        )} | ${n(worstRun.matches)} |`,
      ].join('\n'),
    );
    fs.mkdirSync(path.join(root, 'bench/results'), { recursive: true });
    fs.writeFileSync(
      path.join(
        root,
        `bench/results/advisories-${results.date.replace(/[:.]/g, '-')}.json`,
      ),
      JSON.stringify(results, null, 2),
    );
  } finally {
    if (KEEP_DB) console.error(`kept database ${DB}`);
    else psql(`drop database if exists ${DB} with (force)`);
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
