#!/usr/bin/env node
/*
 * DX ingestion benchmark: N events (default 1,000,000: deployments, changes
 * and incidents of 1,000 components, generic format) sent to the portal
 * backend's batch API (POST /api/dx/events, 10,000 per batch, 2 batches in
 * flight), stored in PostgreSQL; against PostgreSQL's own COPY of the same
 * number of JSONB rows with a unique key, in the same run. Then the
 * dashboard API (DORA, last 90 days) for one team of 20 components and for
 * the organisation, from the daily roll-ups and from the events.
 * Run with `yarn bench:dx`; options: --events N --batch B --parallel P.
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
  startBackend,
  TOKEN,
} from './lib.mjs';
import { benchEvents, postEvents } from './dxEvents.mjs';

const EVENTS = opt('events', 1_000_000);
const BATCH = opt('batch', 10_000);
const PARALLEL = opt('parallel', 2);
const COMPONENTS = 1000;

const event = benchEvents(EVENTS, COMPONENTS);
const post = postEvents;

async function main() {
  const machine = `${os.cpus().length} cores (${os
    .cpus()[0]
    .model.trim()}), ${Math.round(os.totalmem() / 2 ** 30)} GiB`;
  const command = `yarn bench:dx${
    process.argv.length > 2 ? ` ${process.argv.slice(2).join(' ')}` : ''
  }`;
  // The 1,000 components the events are about, 50 teams of 20.
  const catalogFile = path.join(
    os.tmpdir(),
    `dx-bench-catalog-${Date.now()}.yaml`,
  );
  fs.writeFileSync(
    catalogFile,
    Array.from(
      { length: COMPONENTS },
      (_, c) => `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: bench-${c}
  labels: { bench: dx }
spec: { type: service, lifecycle: production, owner: group:default/bench-team-${Math.floor(
        c / 20,
      )} }
`,
    ).join('---\n'),
  );
  const backend = await startBackend('dx', {
    slo: { probe: { enabled: false } },
    dx: { demo: { enabled: false } },
    catalog: { locations: [{ type: 'file', target: catalogFile }] },
  });
  try {
    const headers = { authorization: `Bearer ${TOKEN}` };
    for (let i = 0; ; i++) {
      const r = await fetch(
        `${BASE}/api/catalog/entities/by-query?filter=metadata.labels.bench=dx&limit=1`,
        { headers },
      );
      if (r.ok && (await r.json()).totalItems === COMPONENTS) break;
      if (i > 600)
        throw new Error('the bench components did not reach the catalog');
      await new Promise(resolve => setTimeout(resolve, 1000));
    }
    // Warm-up batch (not counted): JIT, connection pool, catalog index.
    await post(
      Array.from({ length: 1000 }, (_, i) => ({
        ...event(i),
        id: `warm-${i}`,
      })),
    );
    let next = 0;
    let accepted = 0;
    const started = performance.now();
    const worker = async () => {
      while (next < EVENTS) {
        const from = next;
        next = Math.min(EVENTS, next + BATCH);
        const events = [];
        for (let i = from; i < next; i++) events.push(event(i));
        const result = await post(events);
        accepted += result.accepted;
      }
    };
    await Promise.all(Array.from({ length: PARALLEL }, worker));
    const apiSeconds = (performance.now() - started) / 1000;

    // Baseline: COPY of the same number of JSONB rows with a unique key.
    const db = `${backend.prefix}copy`;
    psql(`create database "${db}"`);
    psql(
      'create table copy_events (key text primary key, payload jsonb not null)',
      db,
    );
    const file = path.join(os.tmpdir(), `dx-bench-${Date.now()}.tsv`);
    const out = fs.createWriteStream(file);
    for (let i = 0; i < EVENTS; i++) {
      const e = event(i);
      const line = `generic:${e.id}\t${JSON.stringify(e).replace(
        /\\/g,
        '\\\\',
      )}\n`;
      if (!out.write(line)) await new Promise(r => out.once('drain', r));
    }
    await new Promise(r => out.end(r));
    const t0 = performance.now();
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
        `\\copy copy_events from '${file}'`,
      ],
      { env: { ...process.env, PGPASSWORD: pg.password } },
    );
    const copySeconds = (performance.now() - t0) / 1000;
    fs.rmSync(file, { force: true });

    // Dashboard API over the stored events: the daily roll-ups brought up
    // to date, then one team (20 components) and the organisation (1,000)
    // over the last 90 whole days, from the roll-ups and from the events.
    const caughtUpFrom = performance.now();
    for (;;) {
      const r = await fetch(`${BASE}/api/dx/rollups/status`, { headers });
      const status = await r.json();
      if (
        status.pendingEntities === 0 &&
        status.rolledUpAt &&
        Date.parse(status.rolledUpAt) > Date.now() - 4000
      )
        break;
      await new Promise(resolve => setTimeout(resolve, 1000));
    }
    const rollupCatchUpSeconds = (performance.now() - caughtUpFrom) / 1000;
    const DAY = 86_400_000;
    const to = new Date((Math.floor(Date.now() / DAY) + 1) * DAY);
    const range = `from=${new Date(
      to.getTime() - 90 * DAY,
    ).toISOString()}&to=${to.toISOString()}`;
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
        if (i >= warm) times.push(performance.now() - t); // warm-up calls
      }
      return { median: median(times), p95: p95(times), runs, body };
    };
    const team = `owner=group:default/bench-team-0&${range}`;
    const queries = {
      teamRollup: await time(team, 50),
      teamEvents: await time(`${team}&source=events`, 10),
      orgRollup: await time(range, 50),
      orgEvents: await time(`${range}&source=events`, 3, 1),
    };
    for (const [a, b] of [
      ['teamRollup', 'teamEvents'],
      ['orgRollup', 'orgEvents'],
    ]) {
      const x = queries[a].body;
      const y = queries[b].body;
      if (
        y.source !== 'events' ||
        x.deploymentFrequency.deployments !==
          y.deploymentFrequency.deployments ||
        x.changeFailureRate.failed !== y.changeFailureRate.failed ||
        x.leadTime.changes !== y.leadTime.changes ||
        Math.abs(x.leadTime.medianMs - y.leadTime.medianMs) >
          0.01 * y.leadTime.medianMs
      )
        throw new Error(
          `${a} and ${b} disagree: ${JSON.stringify([
            x.source,
            x.deploymentFrequency,
            x.leadTime,
            y.deploymentFrequency,
            y.leadTime,
          ])}`,
        );
    }

    const results = {
      date: new Date().toISOString(),
      machine,
      command,
      events: EVENTS,
      batch: BATCH,
      parallel: PARALLEL,
      accepted,
      apiSeconds,
      apiPerSecond: EVENTS / apiSeconds,
      copySeconds,
      copyPerSecond: EVENTS / copySeconds,
      rollupCatchUpSeconds,
      queries: Object.fromEntries(
        Object.entries(queries).map(([k, v]) => [
          k,
          {
            median: v.median,
            p95: v.p95,
            runs: v.runs,
            deployments: v.body.deploymentFrequency.deployments,
            changes: v.body.leadTime.changes,
          },
        ]),
      ),
    };
    const ms = x => `${Math.round(x)} ms`;
    console.log(
      [
        `DX ingestion, ${results.date.slice(
          0,
          10,
        )}, ${machine}; \`${command}\``,
        '',
        '| | Events | Seconds | Events/s |',
        '|---|---|---|---|',
        `| Portal batch API (${BATCH} per batch, ${PARALLEL} in flight; normalised, mapped, stored with raw payload) | ${EVENTS.toLocaleString(
          'en-US',
        )} (${accepted.toLocaleString(
          'en-US',
        )} accepted) | ${apiSeconds.toFixed(1)} | ${Math.round(
          results.apiPerSecond,
        ).toLocaleString('en-US')} |`,
        `| PostgreSQL COPY of the same events (key + JSONB) | ${EVENTS.toLocaleString(
          'en-US',
        )} | ${copySeconds.toFixed(1)} | ${Math.round(
          results.copyPerSecond,
        ).toLocaleString('en-US')} |`,
        '',
        `Dashboard API, last 90 days, ${EVENTS.toLocaleString(
          'en-US',
        )} events stored (roll-ups up to date ${rollupCatchUpSeconds.toFixed(
          1,
        )} s after the last batch):`,
        '',
        '| Scope | Query | Answered from | Median | p95 | Runs | Deployments counted |',
        '|---|---|---|---|---|---|---|',
        ...[
          [
            'One team (20 components)',
            'the dashboard API as is',
            queries.teamRollup,
          ],
          ['One team (20 components)', 'source=events', queries.teamEvents],
          [
            'Organisation (1,000 components)',
            'the dashboard API as is',
            queries.orgRollup,
          ],
          [
            'Organisation (1,000 components)',
            'source=events',
            queries.orgEvents,
          ],
        ].map(
          ([scope, from, q]) =>
            `| ${scope} | ${from} | ${q.body.source} | ${ms(q.median)} | ${ms(
              q.p95,
            )} | ${
              q.runs
            } | ${q.body.deploymentFrequency.deployments.toLocaleString(
              'en-US',
            )} |`,
        ),
      ].join('\n'),
    );
    fs.mkdirSync(path.join(root, 'bench/results'), { recursive: true });
    fs.writeFileSync(
      path.join(
        root,
        `bench/results/dx-${results.date.replace(/[:.]/g, '-')}.json`,
      ),
      JSON.stringify(results, null, 2),
    );
  } finally {
    await backend.stop();
    fs.rmSync(catalogFile, { force: true });
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
