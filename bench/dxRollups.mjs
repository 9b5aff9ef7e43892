#!/usr/bin/env node
/*
 * DX roll-up benchmark, on the real backend (sources, overlay config,
 * PostgreSQL, roll-ups every second):
 * (a) monorepo: one component with --mono events (default 100,000, over a
 *     year, through the batch API), rolled up; then --runs times one new
 *     event (a change, a deployment or an incident, in turn) and the time
 *     the roll-up run that took it needed (and from the POST to rolled up),
 *     against the same runs recomputing the whole entity (the behaviour
 *     before day marks: the entity marked whole) in the same run;
 * (b) organisation: --events events (default 10,000,000) of --components
 *     components (default 10,000, teams of 20, over a year) written into
 *     dx_events with PostgreSQL COPY (COPY's own time is the baseline),
 *     rolled up whole, then --requests GETs (default 30) of
 *     /api/dx/metrics/dora (last 90 days) for the organisation and for a
 *     team, p50/p95 against the 200 ms target, and SQL over the copied rows
 *     for scale; then (a)'s one-event runs again beside the 10M events.
 * The catalog is processed once (processingInterval 6 h), so that its
 * periodic reprocessing of 10,000 entities does not share the cores with
 * the runs. Run with `yarn bench:dx-rollups`; small first:
 *   yarn bench:dx-rollups --events 200000 --components 500 --mono 10000 --runs 3
 * Results are printed as Markdown and written to bench/results/.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  BASE,
  median,
  opt,
  p95,
  pg,
  psql,
  root,
  sleep,
  startBackend,
  TOKEN,
} from './lib.mjs';
import { benchEvents, postEvents } from './dxEvents.mjs';

const EVENTS = opt('events', 10_000_000);
const COMPONENTS = opt('components', 10_000);
const MONO = opt('mono', 100_000);
const RUNS = opt('runs', 10);
const REQUESTS = opt('requests', 30);
const DAY = 86_400_000;
const YEAR_MS = 365 * DAY;
const TARGET_MS = 200;
const MONOREPO = 'component:default/monorepo-0';

const headers = { authorization: `Bearer ${TOKEN}` };
const fmt = n => Math.round(n).toLocaleString('en-US');

async function main() {
  const machine = `${os.cpus().length} cores (${os
    .cpus()[0]
    .model.trim()}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${
    process.version
  }, PostgreSQL ${psql('show server_version')}`;
  const command = `yarn bench:dx-rollups${
    process.argv.length > 2 ? ` ${process.argv.slice(2).join(' ')}` : ''
  }`;
  const stamp = Date.now();
  const prefix = `portal_rollup_${stamp}_`;
  // The components (teams of 20) and the monorepo.
  const catalogFile = path.join(os.tmpdir(), `dx-rollups-${stamp}.yaml`);
  const component = (name, owner) => `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ${name}
  labels: { bench: dx-rollups }
spec: { type: service, lifecycle: production, owner: ${owner} }
`;
  fs.writeFileSync(
    catalogFile,
    [
      component('monorepo-0', 'group:default/monorepo-team'),
      ...Array.from({ length: COMPONENTS }, (_, c) =>
        component(`org-${c}`, `group:default/org-team-${Math.floor(c / 20)}`),
      ),
    ].join('---\n'),
  );
  const backend = await startBackend('dxrollups', {
    slo: { probe: { enabled: false } },
    dx: { demo: { enabled: false }, rollups: { frequencySeconds: 1 } },
    // Processed once, not again every few minutes during the runs.
    catalog: {
      locations: [{ type: 'file', target: catalogFile }],
      processingInterval: { hours: 6 },
    },
    backend: { database: { prefix } },
  });
  const db = `${prefix}dx`;
  const sql = q => psql(q, db);
  try {
    for (let i = 0; ; i++) {
      const r = await fetch(
        `${BASE}/api/catalog/entities/by-query?filter=metadata.labels.bench=dx-rollups&limit=1`,
        { headers },
      );
      if (r.ok && (await r.json()).totalItems === COMPONENTS + 1) break;
      if (i > 1800) throw new Error('the components did not reach the catalog');
      await sleep(1000);
    }

    /** The last run that recomputed anything, from dx_rollup_state. */
    const lastWork = () => {
      const [at, ms, entities, days] = sql(
        'select coalesce(extract(epoch from worked_at) * 1000, 0), work_ms, work_entities, work_days from dx_rollup_state where id = 1',
      ).split('|');
      return {
        at: Number(at || 0),
        ms: Number(ms),
        entities: Number(entities),
        days: Number(days),
      };
    };
    const pending = () =>
      Number(
        sql(
          'select (select count(*) from dx_rollup_dirty) + (select count(*) from dx_rollup_dirty_days)',
        ),
      );
    /** Waits for a run that recomputed something after `since`. */
    const rolledUp = async since => {
      for (let i = 0; ; i++) {
        const w = lastWork();
        if (w.at > since && pending() === 0) return w;
        if (i > 36_000) throw new Error('the roll-ups did not catch up');
        await sleep(50);
      }
    };

    // (a) The monorepo: MONO events over a year through the batch API.
    const mono = benchEvents(MONO, 1, {
      spacingMs: Math.floor(YEAR_MS / MONO),
      name: 'monorepo',
    });
    let loadFrom = Date.now();
    for (let i = 0; i < MONO; i += 10_000)
      await postEvents(
        Array.from({ length: Math.min(10_000, MONO - i) }, (_, k) =>
          mono(i + k),
        ),
      );
    const monoLoadSeconds = (Date.now() - loadFrom) / 1000;
    const monoFirst = await rolledUp(loadFrom);
    // Statistics, as autovacuum would gather them after such a load (it is
    // off on some benchmark machines; without them the planner guesses).
    sql('analyze dx_events');
    let n = 0;
    const oneEvent = () => {
      n += 1;
      const at = new Date(Date.now() - 60_000).toISOString();
      const base = {
        id: `mono-new-${stamp}-${n}`,
        timestamp: at,
        entityRef: MONOREPO,
      };
      const kind = n % 3;
      if (kind === 0)
        return {
          ...base,
          type: 'change',
          action: 'merged',
          commitSha: (0x10000000 + n).toString(16),
        };
      if (kind === 1)
        return {
          ...base,
          type: 'deployment',
          action: 'deployed',
          environment: 'production',
        };
      return {
        ...base,
        type: 'incident',
        action: 'reported',
        environment: 'production',
        incidentId: `MONO-${stamp}-${n}`,
      };
    };
    const incrementalRuns = async () => {
      const runs = [];
      for (let r = 0; r < RUNS; r++) {
        const t = Date.now();
        await postEvents([oneEvent()]);
        const w = await rolledUp(t);
        runs.push({ ...w, wallMs: Date.now() - t });
      }
      return runs;
    };
    const wholeRuns = async () => {
      const runs = [];
      for (let r = 0; r < RUNS; r++) {
        const t = Date.now();
        sql(
          `insert into dx_rollup_dirty (entity_ref, marked_at) values ('${MONOREPO}', now())`,
        );
        const w = await rolledUp(t);
        runs.push({ ...w, wallMs: Date.now() - t });
      }
      return runs;
    };
    const monoIncremental = await incrementalRuns();
    const monoWhole = await wholeRuns();
    // Each phase as it ends, so that a failure later loses nothing.
    const progress = (phase, value) =>
      console.error(`${phase}: ${JSON.stringify(value)}`);
    progress('monorepo', {
      loadSeconds: monoLoadSeconds,
      first: monoFirst,
      incremental: monoIncremental,
      whole: monoWhole,
    });

    // (b) The organisation: EVENTS events of COMPONENTS components, COPY.
    const org = benchEvents(EVENTS, COMPONENTS, {
      spacingMs: YEAR_MS / EVENTS,
      name: 'org',
    });
    const file = path.join(os.tmpdir(), `dx-rollups-${stamp}.tsv`);
    const out = fs.createWriteStream(file);
    const now = new Date().toISOString();
    const esc = v =>
      v === undefined || v === null
        ? '\\N'
        : String(v).replace(/\\/g, '\\\\').replace(/\t/g, '\\t');
    for (let i = 0; i < EVENTS; i++) {
      const e = org(i);
      const line = [
        `generic:${e.id}`,
        'generic',
        `generic.${e.type}`,
        e.type,
        e.action,
        e.timestamp,
        now,
        e.entityRef,
        e.environment,
        e.type === 'deployment' ? e.outcome ?? 'success' : undefined,
        e.commitSha,
        e.incidentId,
        e.commits ? JSON.stringify(e.commits) : undefined,
        JSON.stringify(e),
      ]
        .map(esc)
        .join('\t');
      if (!out.write(`${line}\n`)) await new Promise(r => out.once('drain', r));
    }
    await new Promise(r => out.end(r));
    const copyFrom = performance.now();
    execFileSync(
      'psql',
      [
        '-h',
        pg.host,
        '-p',
        pg.port,
        '-U',
        pg.user,
        '-d',
        db,
        '-c',
        `\\copy dx_events (key, source, type, kind, action, occurred_at, received_at, entity_ref, environment, outcome, commit_sha, incident_id, commits, raw) from '${file}'`,
      ],
      { env: { ...process.env, PGPASSWORD: pg.password } },
    );
    const copySeconds = (performance.now() - copyFrom) / 1000;
    fs.rmSync(file, { force: true });
    const analyzeFrom = performance.now();
    sql('analyze dx_events');
    const analyzeSeconds = (performance.now() - analyzeFrom) / 1000;
    const tableGiB =
      Number(sql("select pg_total_relation_size('dx_events')")) / 2 ** 30;

    // Rolled up whole, as after a bulk load or the first run.
    loadFrom = Date.now();
    sql(
      "insert into dx_rollup_dirty (entity_ref, marked_at) select distinct entity_ref, now() from dx_events where entity_ref like 'component:default/org-%'",
    );
    const orgRollup = await rolledUp(loadFrom);
    const orgRollupSeconds = (Date.now() - loadFrom) / 1000;
    const rows = Number(sql('select count(*) from dx_dora_daily'));
    progress('organisation', {
      copySeconds,
      analyzeSeconds,
      tableGiB,
      orgRollupSeconds,
      orgRollup,
      rows,
    });

    // The dashboard API, last 90 whole days (and the previous 90 beside).
    const to = new Date((Math.floor(Date.now() / DAY) + 1) * DAY);
    const from = new Date(to.getTime() - 90 * DAY);
    const range = `from=${from.toISOString()}&to=${to.toISOString()}`;
    const time = async (query, runs, warm = 2) => {
      const times = [];
      let body;
      for (let i = 0; i < runs + warm; i++) {
        const t = performance.now();
        const r = await fetch(`${BASE}/api/dx/metrics/dora?${query}`, {
          headers,
        });
        body = await r.json();
        if (!r.ok) throw new Error(`${query}: ${JSON.stringify(body)}`);
        if (i >= warm) times.push(performance.now() - t);
      }
      return { median: median(times), p95: p95(times), runs, body };
    };
    const team = `owner=group:default/org-team-0&${range}`;
    const queries = {
      org: await time(range, REQUESTS),
      team: await time(team, REQUESTS),
      teamEvents: await time(`${team}&source=events`, 5, 1),
    };
    // A small run's team may be answered exactly (500 records or fewer):
    // its roll-ups are then asked for by name for the check.
    const x =
      queries.team.body.source === 'rollup'
        ? queries.team.body
        : (await time(`${team}&source=rollup`, 1, 0)).body;
    const y = queries.teamEvents.body;
    if (
      x.source !== 'rollup' ||
      queries.org.body.source !== 'rollup' ||
      x.deploymentFrequency.deployments !== y.deploymentFrequency.deployments ||
      x.changeFailureRate.failed !== y.changeFailureRate.failed ||
      x.leadTime.changes !== y.leadTime.changes ||
      x.reworkRate?.rework !== y.reworkRate?.rework
    )
      throw new Error(
        `the team's roll-ups and events disagree: ${JSON.stringify([
          x.source,
          x.deploymentFrequency,
          x.changeFailureRate.failed,
          y.deploymentFrequency,
          y.changeFailureRate.failed,
        ])}`,
      );
    // For scale: PostgreSQL counting the organisation's production
    // deployments of the 90 days over the copied rows (one number of the
    // twelve, no linking).
    const sqlTimes = [];
    for (let i = 0; i < 7; i++) {
      const t = execFileSync(
        'psql',
        [
          '-h',
          pg.host,
          '-p',
          pg.port,
          '-U',
          pg.user,
          '-d',
          db,
          '-Atc',
          '\\timing on',
          '-c',
          `select count(*) from dx_events where kind = 'deployment' and action = 'deployed' and outcome = 'success' and occurred_at >= '${from.toISOString()}' and occurred_at < '${to.toISOString()}'`,
        ],
        { env: { ...process.env, PGPASSWORD: pg.password }, encoding: 'utf8' },
      );
      const ms = Number(/Time: ([\d.]+) ms/.exec(t)?.[1]);
      if (i >= 2) sqlTimes.push(ms);
    }

    progress('queries', {
      queries: Object.fromEntries(
        Object.entries(queries).map(([k, v]) => [
          k,
          { median: v.median, p95: v.p95, source: v.body.source },
        ]),
      ),
      sqlTimes,
    });
    // (a) again, beside the organisation's events.
    const bigIncremental = await incrementalRuns();

    const summary = runs => ({
      medianMs: median(runs.map(r => r.ms)),
      p95Ms: p95(runs.map(r => r.ms)),
      medianWallMs: median(runs.map(r => r.wallMs)),
      entityDays: median(runs.map(r => r.days)),
      runs: runs.length,
    });
    const results = {
      date: new Date().toISOString(),
      machine,
      command,
      monorepo: {
        events: MONO,
        loadSeconds: monoLoadSeconds,
        firstRollupMs: monoFirst.ms,
        incremental: summary(monoIncremental),
        whole: summary(monoWhole),
        incrementalBesideOrg: summary(bigIncremental),
      },
      organisation: {
        events: EVENTS,
        components: COMPONENTS,
        copySeconds,
        analyzeSeconds,
        tableGiB,
        rollupSeconds: orgRollupSeconds,
        rollupRunMs: orgRollup.ms,
        rollupEntities: orgRollup.entities,
        dailyRows: rows,
        queries: Object.fromEntries(
          Object.entries(queries).map(([k, v]) => [
            k,
            {
              median: v.median,
              p95: v.p95,
              runs: v.runs,
              source: v.body.source,
              deployments: v.body.deploymentFrequency.deployments,
              changes: v.body.leadTime.changes,
            },
          ]),
        ),
        sqlCountMedianMs: median(sqlTimes),
      },
    };
    const ms = v => `${Math.round(v).toLocaleString('en-US')} ms`;
    const m = results.monorepo;
    const o = results.organisation;
    console.log(
      [
        `DX roll-ups, ${results.date.slice(0, 10)}, ${machine}; \`${command}\``,
        '',
        `(a) One component with ${fmt(
          MONO,
        )} events over a year (a monorepo; loaded through the batch API in ${m.loadSeconds.toFixed(
          1,
        )} s, first roll-up ${ms(
          m.firstRollupMs,
        )}), then one new event per run, ${RUNS} runs each:`,
        '',
        '| Roll-up run after one new event | Entity days recomputed | Run, median | Run, p95 | POST to rolled up, median |',
        '|---|---|---|---|---|',
        `| Days the event can change (now) | ${m.incremental.entityDays} | ${ms(
          m.incremental.medianMs,
        )} | ${ms(m.incremental.p95Ms)} | ${ms(m.incremental.medianWallMs)} |`,
        `| Whole entity (before) | ${m.whole.entityDays} | ${ms(
          m.whole.medianMs,
        )} | ${ms(m.whole.p95Ms)} | ${ms(m.whole.medianWallMs)} |`,
        `| Days the event can change, beside ${fmt(EVENTS)} events of ${fmt(
          COMPONENTS,
        )} components | ${m.incrementalBesideOrg.entityDays} | ${ms(
          m.incrementalBesideOrg.medianMs,
        )} | ${ms(m.incrementalBesideOrg.p95Ms)} | ${ms(
          m.incrementalBesideOrg.medianWallMs,
        )} |`,
        '',
        `Whole / days: ${(m.whole.medianMs / m.incremental.medianMs).toFixed(
          1,
        )}× (run medians).`,
        '',
        `(b) ${fmt(EVENTS)} events of ${fmt(
          COMPONENTS,
        )} components over a year (${o.tableGiB.toFixed(1)} GiB with indexes):`,
        '',
        '| Step | Seconds | Events/s |',
        '|---|---|---|',
        `| PostgreSQL COPY into dx_events (baseline) | ${o.copySeconds.toFixed(
          1,
        )} | ${fmt(EVENTS / o.copySeconds)} |`,
        `| ANALYZE | ${o.analyzeSeconds.toFixed(1)} | |`,
        `| Roll-up of every component, whole (${fmt(
          o.dailyRows,
        )} daily rows) | ${o.rollupSeconds.toFixed(1)} | ${fmt(
          EVENTS / o.rollupSeconds,
        )} |`,
        '',
        `Roll-up / COPY: ${(o.rollupSeconds / o.copySeconds).toFixed(2)}×.`,
        '',
        `Dashboard API, last 90 days (and the previous 90), ${REQUESTS} requests after 2 warm-up (target p95 under ${TARGET_MS} ms):`,
        '',
        '| Scope | Answered from | p50 | p95 | Requests | Deployments counted |',
        '|---|---|---|---|---|---|',
        ...[
          [`Organisation (${fmt(COMPONENTS)} components)`, queries.org],
          ['One team (20 components)', queries.team],
          ['One team (20 components), source=events', queries.teamEvents],
        ].map(
          ([scope, q]) =>
            `| ${scope} | ${q.body.source} | ${ms(q.median)} | ${ms(q.p95)} | ${
              q.runs
            } | ${fmt(q.body.deploymentFrequency.deployments)} |`,
        ),
        '',
        `For scale: PostgreSQL counting the 90 days' successful deployments over the copied rows (one number, no linking), median of 5: ${ms(
          o.sqlCountMedianMs,
        )}.`,
      ].join('\n'),
    );
    fs.mkdirSync(path.join(root, 'bench/results'), { recursive: true });
    fs.writeFileSync(
      path.join(
        root,
        `bench/results/dx-rollups-${results.date.replace(/[:.]/g, '-')}.json`,
      ),
      JSON.stringify(results, null, 2),
    );
  } finally {
    await backend.stop({ keepDatabases: true });
    for (const name of psql(
      `select datname from pg_database where datname like '${prefix}%'`,
    )
      .split('\n')
      .filter(Boolean))
      psql(`drop database if exists "${name}" with (force)`);
    fs.rmSync(catalogFile, { force: true });
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
