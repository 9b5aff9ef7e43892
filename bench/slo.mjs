#!/usr/bin/env node
/*
 * SLO benchmark: N SLOs (default 500), each with D days (default 30) of
 * one-minute data in PostgreSQL, in the real portal backend.
 *  - Full evaluation cycle (error budget over the 30-day window, burn rates
 *    over 5 m, 30 m, 1 h, 6 h and 3 d, alert states, saved) as the
 *    scheduler runs it, against the same numbers computed from the raw
 *    minute rows in one GROUP BY scan, in the same run.
 *  - The dashboard API for one SLO (`GET /api/slo/slos/:id`: summary, burn
 *    rates, 120-point SLI and error budget series, alert history) against
 *    the same series computed from the raw rows with a window function.
 * Run with `yarn bench:slo`; options: --slos N --days D --samples S
 * (evaluation cycles, default 5) --requests R (dashboard calls, default 200).
 * Results are printed as Markdown and written to bench/results/.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pgModule from 'pg';
import {
  api,
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

const args = process.argv.slice(2);
const SLOS = opt('slos', 500);
const DAYS = opt('days', 30);
const SAMPLES = opt('samples', 5);
const REQUESTS = opt('requests', 200);
const WINDOW = 30 * 1440;
const LOOKBACKS = [5, 30, 60, 360, 4320];

const spec = i => ({
  name: `availability`,
  displayName: `Bench service ${i} availability`,
  indicator: {
    kind: 'ratio',
    counter: false,
    good: { type: 'Push', spec: {} },
    total: { type: 'Push', spec: {} },
  },
  timeWindow: { duration: '30d', rolling: true },
  budgetingMethod: 'Occurrences',
  objective: { target: 0.999 },
  objectiveIndex: 0,
  alerting: {
    defaults: true,
    rules: [
      {
        name: 'fast-burn',
        severity: 'page',
        factor: 14.4,
        op: 'gte',
        longWindowMinutes: 60,
        shortWindowMinutes: 5,
      },
      {
        name: 'medium-burn',
        severity: 'page',
        factor: 6,
        op: 'gte',
        longWindowMinutes: 360,
        shortWindowMinutes: 30,
      },
      {
        name: 'slow-burn',
        severity: 'ticket',
        factor: 1,
        op: 'gte',
        longWindowMinutes: 4320,
        shortWindowMinutes: 360,
      },
    ],
  },
});

async function main() {
  const machine = `${os.cpus().length} cores (${os
    .cpus()[0]
    .model.trim()}), ${Math.round(os.totalmem() / 2 ** 30)} GiB`;
  const command = `yarn bench:slo${args.length ? ` ${args.join(' ')}` : ''}`;
  const backend = await startBackend('slo', {
    slo: {
      evaluation: { frequencyMs: 24 * 3600_000 },
      sync: { frequencyMs: 24 * 3600_000 },
      provisioning: { frequencyMs: 24 * 3600_000 },
      prune: { frequencyMs: 24 * 3600_000 },
      probe: { enabled: false },
    },
  });
  const db = `${backend.prefix}slo`;
  const client = new pgModule.Client({ ...pg, database: db });
  try {
    for (let i = 0; i < 120; i++) {
      if (
        psql(`select count(*) from pg_database where datname = '${db}'`) ===
          '1' &&
        psql(`select to_regclass('slo_evaluation_runs') is not null`, db) ===
          't'
      )
        break;
      await sleep(500);
    }
    await client.connect();
    // Let the start-up cycle pass, then load the data.
    await sleep(8000);
    const now = Math.floor(Date.now() / 60_000);
    const first = now - DAYS * 1440;
    const loadStart = Date.now();
    const rows = [];
    for (let i = 0; i < SLOS; i++) {
      rows.push(
        `('component:default/bench-${i}/availability', 'component:default/bench-${i}', 'group:default/team-${
          i % 20
        }', 'ui', 'availability', 'Push', '${JSON.stringify(
          spec(i),
        )}'::jsonb, '[]'::jsonb, now(), now())`,
      );
    }
    await client.query(
      `insert into slo_definitions (id, entity_ref, owner_ref, origin, name, source_type, spec, problems, created_at, updated_at) values ${rows.join(
        ',',
      )}`,
    );
    // 100-150 events a minute; a few bad ones every 97 minutes, and a
    // bad hour at the end for some SLOs so alerts fire. Loaded without the
    // primary key, which is built once afterwards (much faster).
    await client.query(
      'alter table slo_buckets drop constraint slo_buckets_pkey',
    );
    for (let b = 0; b < SLOS; b += 25) {
      await client.query(
        `insert into slo_buckets (slo_id, minute, good, total, cum_good, cum_total)
         select id, m, t - bad, t, sum(t - bad) over w, sum(t) over w from (
           select d.id, m, 100 + (d.n % 50) as t,
             case when (m + d.n) % 97 = 0 then 5
                  when d.n % 10 = 0 and m >= $2 - 60 then 30 else 0 end as bad
           from (select id, (regexp_match(id, 'bench-(\\d+)/'))[1]::int as n from slo_definitions
                 where id like 'component:default/bench-%') d,
                generate_series($1::bigint, $2::bigint - 1) m
           where d.n >= $3 and d.n < $4
         ) x window w as (partition by id order by m)`,
        [first, now, b, b + 25],
      );
    }
    await client.query(
      'alter table slo_buckets add primary key (slo_id, minute)',
    );
    const buckets = Number(
      (await client.query('select count(*) from slo_buckets')).rows[0].count,
    );
    const loadSeconds = (Date.now() - loadStart) / 1000;
    await client.query('analyze slo_buckets');

    // Evaluation cycles through the scheduler, timed by the plugin itself.
    const cycles = [];
    for (let s = 0; s < SAMPLES; s++) {
      const before = Number(
        (await client.query('select count(*) from slo_evaluation_runs')).rows[0]
          .count,
      );
      const res = await fetch(
        `${BASE}/api/slo/.backstage/scheduler/v1/tasks/slo-evaluate/trigger`,
        {
          method: 'POST',
          headers: { authorization: `Bearer ${TOKEN}` },
        },
      );
      if (!res.ok)
        throw new Error(`trigger: ${res.status} ${await res.text()}`);
      for (;;) {
        const r = await client.query(
          'select duration_ms, evaluated, failed from slo_evaluation_runs order by id desc limit 1',
        );
        const count = Number(
          (await client.query('select count(*) from slo_evaluation_runs'))
            .rows[0].count,
        );
        if (count > before) {
          cycles.push({
            ms: r.rows[0].duration_ms,
            evaluated: r.rows[0].evaluated,
            failed: r.rows[0].failed,
          });
          break;
        }
        await sleep(200);
      }
    }
    // The same numbers from the raw rows: one scan, every window a FILTER.
    const end = now;
    const filters = [WINDOW, ...LOOKBACKS]
      .map(
        (w, i) =>
          `sum(good) filter (where minute >= ${
            end - w
          }) as g${i}, sum(total) filter (where minute >= ${end - w}) as t${i}`,
      )
      .join(', ');
    const raw = [];
    let rawResult;
    for (let s = 0; s < SAMPLES; s++) {
      const t0 = performance.now();
      rawResult = await client.query(
        `select slo_id, ${filters} from slo_buckets where minute >= ${
          end - WINDOW
        } and minute < ${end} group by slo_id`,
      );
      raw.push(performance.now() - t0);
    }
    // Both must agree on one SLO's window totals.
    const check = await api(
      'GET',
      `/api/slo/slos/${encodeURIComponent(
        'component:default/bench-10/availability',
      )}`,
    );
    const checkEnd = Math.floor(Date.parse(check.evaluatedAt) / 60_000) + 1;
    const rawCheck = (
      await client.query(
        'select sum(good) as g, sum(total) as t from slo_buckets where slo_id = $1 and minute >= $2 and minute < $3',
        [
          'component:default/bench-10/availability',
          checkEnd - WINDOW,
          checkEnd,
        ],
      )
    ).rows[0];
    const agree =
      rawResult.rows.length === SLOS &&
      Number(rawCheck.t) === check.budget.total &&
      Number(rawCheck.g) === check.budget.good;

    // Dashboard: one SLO's detail through the API, against the raw series.
    const api_ = [];
    const rawSeries = [];
    const step = Math.ceil(WINDOW / 120);
    for (let r = 0; r < REQUESTS; r++) {
      const i = (r * 37) % SLOS;
      const id = `component:default/bench-${i}/availability`;
      let t0 = performance.now();
      const res = await fetch(
        `${BASE}/api/slo/slos/${encodeURIComponent(id)}`,
        {
          headers: { authorization: `Bearer ${TOKEN}` },
        },
      );
      const body = await res.json();
      if (!res.ok || body.series.length !== 120)
        throw new Error(`detail: ${res.status}`);
      api_.push(performance.now() - t0);
      t0 = performance.now();
      const from = end - WINDOW;
      await client.query(
        `with r as (
           select minute, good, total, sum(good) over w as wg, sum(total) over w as wt
           from slo_buckets where slo_id = $1 and minute >= $2::bigint - $4::bigint and minute < $3::bigint
           window w as (order by minute range between ${
             WINDOW - 1
           } preceding and current row))
         select (minute - $2::bigint) / $5::bigint as i, sum(good) as g, sum(total) as t,
           (array_agg(wg order by minute desc))[1] as wg, (array_agg(wt order by minute desc))[1] as wt
         from r where minute >= $2::bigint group by 1 order by 1`,
        [id, from, end, WINDOW, step],
      );
      rawSeries.push(performance.now() - t0);
    }

    const results = {
      date: new Date().toISOString(),
      machine,
      command,
      slos: SLOS,
      days: DAYS,
      buckets,
      loadSeconds,
      cycles,
      raw,
      api: api_,
      rawSeries,
      agree,
    };
    const ms = x => `${Math.round(x)} ms`;
    const cycleMs = cycles.map(c => c.ms);
    console.log(
      [
        `SLOs, ${results.date.slice(
          0,
          10,
        )}, ${machine}; \`${command}\`; ${SLOS} SLOs × ${DAYS} days of one-minute data (${buckets.toLocaleString(
          'en-US',
        )} rows, loaded in ${loadSeconds.toFixed(
          0,
        )} s); raw and portal answers agree: ${agree}`,
        '',
        '| | Portal (running sums) | From raw minute rows | Ratio |',
        '|---|---|---|---|',
        `| Full evaluation cycle, median of ${SAMPLES} | ${ms(
          median(cycleMs),
        )} | ${ms(median(raw))} | ${(median(raw) / median(cycleMs)).toFixed(
          1,
        )}x |`,
        `| Full evaluation cycle, worst | ${ms(Math.max(...cycleMs))} | ${ms(
          Math.max(...raw),
        )} | |`,
        `| Dashboard for one SLO, median of ${REQUESTS} | ${ms(
          median(api_),
        )} | ${ms(median(rawSeries))} | ${(
          median(rawSeries) / median(api_)
        ).toFixed(1)}x |`,
        `| Dashboard for one SLO, p95 | ${ms(p95(api_))} | ${ms(
          p95(rawSeries),
        )} | ${(p95(rawSeries) / p95(api_)).toFixed(1)}x |`,
        '',
        'Portal cycle: as the scheduler runs it (read buckets, compute, save status and alert changes for every SLO). Raw: only the window sums, one GROUP BY scan, nothing saved. Portal dashboard: over HTTP with auth; raw: the SQL alone.',
      ].join('\n'),
    );
    fs.mkdirSync(path.join(root, 'bench/results'), { recursive: true });
    fs.writeFileSync(
      path.join(
        root,
        `bench/results/slo-${results.date.replace(/[:.]/g, '-')}.json`,
      ),
      JSON.stringify(results, null, 2),
    );
    if (!agree) process.exitCode = 1;
  } finally {
    await client.end().catch(() => {});
    await backend.stop();
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
