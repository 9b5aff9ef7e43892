#!/usr/bin/env node
/*
 * DX ingestion benchmark: N events (default 1,000,000: deployments, changes
 * and incidents of 1,000 components, generic format) sent to the portal
 * backend's batch API (POST /api/dx/events, 10,000 per batch, 2 batches in
 * flight), stored in PostgreSQL; against PostgreSQL's own COPY of the same
 * number of JSONB rows with a unique key, in the same run.
 * Run with `yarn bench:dx`; options: --events N --batch B --parallel P.
 * Results are printed as Markdown and written to bench/results/.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BASE, opt, pg, psql, root, startBackend, TOKEN } from './lib.mjs';

const EVENTS = opt('events', 1_000_000);
const BATCH = opt('batch', 10_000);
const PARALLEL = opt('parallel', 2);
const COMPONENTS = 1000;

/** The i-th event: 60 % changes, 30 % deployments, 10 % incidents. */
function event(i) {
  const c = i % COMPONENTS;
  const at = new Date(Date.UTC(2026, 8, 1) + i * 7_000).toISOString();
  const base = {
    id: `bench-${i}`,
    timestamp: at,
    entityRef: `component:default/bench-${c}`,
  };
  const kind = i % 10;
  if (kind < 6)
    return {
      ...base,
      type: 'change',
      action: 'merged',
      commitSha: ((i * 2654435761) >>> 0).toString(16).padStart(8, '0'),
      commits: [
        { sha: ((i * 2654435761) >>> 0).toString(16).padStart(8, '0'), at },
      ],
    };
  if (kind < 9)
    return {
      ...base,
      type: 'deployment',
      action: 'deployed',
      environment: 'production',
      outcome: i % 17 === 0 ? 'failure' : 'success',
    };
  return {
    ...base,
    type: 'incident',
    action: 'reported',
    environment: 'production',
    incidentId: `INC-${i}`,
  };
}

async function post(events) {
  const res = await fetch(`${BASE}/api/dx/events`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${TOKEN}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({ format: 'generic', events }),
  });
  const body = await res.json();
  if (!res.ok || body.rejected.length)
    throw new Error(
      `batch: ${res.status} ${JSON.stringify(body).slice(0, 300)}`,
    );
  return body;
}

async function main() {
  const machine = `${os.cpus().length} cores (${os
    .cpus()[0]
    .model.trim()}), ${Math.round(os.totalmem() / 2 ** 30)} GiB`;
  const command = `yarn bench:dx${
    process.argv.length > 2 ? ` ${process.argv.slice(2).join(' ')}` : ''
  }`;
  const backend = await startBackend('dx', {
    slo: { probe: { enabled: false } },
    dx: { demo: { enabled: false } },
  });
  try {
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
    };
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
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
