#!/usr/bin/env node
/*
 * Load benchmark: 10,000 catalog entities and 1,000,000 DX events stored,
 * then 50 concurrent users for 60 s (autocannon on loopback) hitting what
 * the portal's pages call: the catalog list with its count and facets, an
 * entity page's APIs (entity, relations, SLOs, scorecard, ingestion
 * problems, DX) and the dashboards (DORA for a team and the organisation,
 * SLOs, ingestion health). Reports throughput, latency percentiles (overall
 * and per page), errors and 5xx; the target is zero 5xx.
 * Run with `yarn bench:load`; options: --entities N --events N
 * --connections C --seconds S, and --keep to leave the backend running. Results are printed as Markdown and written
 * to bench/results/.
 */
import autocannon from 'autocannon';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { benchEvents, postEvents } from './dxEvents.mjs';
import { BASE, median, opt, psql, root, startBackend, TOKEN } from './lib.mjs';

const ENTITIES = opt('entities', 10_000);
const EVENTS = opt('events', 1_000_000);
const CONNECTIONS = opt('connections', 50);
const SECONDS = opt('seconds', 60);
const TEAMS = 500;
const DX_COMPONENTS = 1000;
const headers = { authorization: `Bearer ${TOKEN}` };

function catalogFile() {
  const file = path.join(os.tmpdir(), `load-bench-catalog-${Date.now()}.yaml`);
  const lifecycles = ['production', 'experimental', 'deprecated'];
  const docs = [];
  for (let t = 0; t < TEAMS; t++)
    docs.push(`apiVersion: backstage.io/v1alpha1
kind: Group
metadata: { name: bench-team-${t} }
spec: { type: team, children: [] }
`);
  for (let c = 0; c < ENTITIES; c++)
    docs.push(`apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: bench-${c}
  description: Component ${c} of the load benchmark
  labels: { bench: load }
  tags: [bench, tag-${c % 20}]
spec:
  type: service
  lifecycle: ${lifecycles[c % 3]}
  owner: group:default/bench-team-${c % TEAMS}
  ${c > 0 ? `dependsOn: [component:default/bench-${c - 1}]` : ''}
`);
  fs.writeFileSync(file, docs.join('---\n'));
  return file;
}

async function get(url) {
  const r = await fetch(`${BASE}${url}`, { headers });
  if (!r.ok) throw new Error(`${url}: ${r.status} ${await r.text()}`);
  return r.json();
}

async function waitFor(what, check, seconds) {
  for (let i = 0; i < seconds; i++) {
    if (await check().catch(() => false)) return;
    await new Promise(r => setTimeout(r, 1000));
  }
  throw new Error(`${what} did not happen within ${seconds} s`);
}

/** The requests one simulated user makes, by page, for entity `c`. */
function pages(c) {
  const ref = `component:default/bench-${c}`;
  const enc = encodeURIComponent(ref);
  const team = `group:default/bench-team-${c % TEAMS}`;
  return {
    'catalog list': [
      '/api/catalog/entities/by-query?filter=kind=component&limit=20&orderField=metadata.name,asc&fields=kind,metadata.name,metadata.namespace,metadata.title,metadata.description,metadata.tags,spec.type,spec.lifecycle,spec.owner,relations',
      '/api/catalog/entity-facets?facet=spec.lifecycle&facet=spec.type&facet=metadata.tags&filter=kind=component',
      `/api/catalog/entities/by-query?filter=kind=component,spec.owner=${team}&limit=20`,
    ],
    'entity page': [
      `/api/catalog/entities/by-name/component/default/bench-${c}`,
      `/api/catalog/entities/by-query?filter=relations.dependencyOf=${enc}&limit=50`,
      `/api/slo/slos?entityRef=${enc}`,
      `/api/dx/scorecards/entity?entityRef=${enc}`,
      `/api/catalog/ingestion/problems?entityRef=${enc}`,
      `/api/dx/metrics/dora?entityRef=${enc}`,
    ],
    dashboards: [
      `/api/dx/metrics/dora?owner=${encodeURIComponent(team)}`,
      '/api/dx/metrics/dora',
      '/api/slo/slos',
      '/api/catalog/ingestion/health',
    ],
  };
}

async function main() {
  const machine = `${os.cpus().length} cores (${os
    .cpus()[0]
    .model.trim()}), ${Math.round(os.totalmem() / 2 ** 30)} GiB`;
  const command = `yarn bench:load${
    process.argv.length > 2 ? ` ${process.argv.slice(2).join(' ')}` : ''
  }`;
  const file = catalogFile();
  const backend = await startBackend('load', {
    slo: { probe: { enabled: false } },
    dx: { demo: { enabled: false } },
    catalog: {
      rules: [{ allow: ['Component', 'Group', 'Location'] }],
      locations: [{ type: 'file', target: file }],
      // The production setting (app-config.production.yaml).
      processingInterval: { minutes: 30 },
    },
  });
  try {
    const started = performance.now();
    await waitFor(
      `${ENTITIES} components in the catalog`,
      async () =>
        (
          await get(
            '/api/catalog/entities/by-query?filter=metadata.labels.bench=load&limit=1',
          )
        ).totalItems === ENTITIES,
      1800,
    );
    const catalogSeconds = (performance.now() - started) / 1000;
    const event = benchEvents(EVENTS, DX_COMPONENTS);
    const t0 = performance.now();
    for (let from = 0; from < EVENTS; from += 10_000) {
      const batch = [];
      for (let i = from; i < Math.min(EVENTS, from + 10_000); i++)
        batch.push(event(i));
      await postEvents(batch);
    }
    const eventSeconds = (performance.now() - t0) / 1000;
    await waitFor(
      'DX roll-ups up to date',
      async () => (await get('/api/dx/rollups/status')).pendingEntities === 0,
      600,
    );

    // Every user walks the pages of a different component, in a loop.
    const requests = [];
    const pageOf = [];
    for (let u = 0; u < 200; u++) {
      const c = (u * 37) % DX_COMPONENTS;
      for (const [page, urls] of Object.entries(pages(c)))
        for (const url of urls) {
          requests.push({ method: 'GET', path: url, headers });
          pageOf.push(page);
        }
    }
    // Statistics as autovacuum leaves them a minute or two after a bulk
    // import (without them PostgreSQL plans the catalog's facet query for
    // one row and it is 3x slower): VACUUM ANALYZE the catalog and DX tables.
    for (const plugin of ['catalog', 'dx'])
      for (const table of psql(
        "select tablename from pg_tables where schemaname = 'public'",
        `${backend.prefix}${plugin}`,
      ).split('\n'))
        psql(`vacuum analyze "${table}"`, `${backend.prefix}${plugin}`);

    // Each request alone (no other load), median of 5 after one warm-up:
    // where the time goes before 50 users share two cores.
    const alone = [];
    for (const [page, urls] of Object.entries(pages(7)))
      for (const url of urls) {
        const times = [];
        for (let i = 0; i < 6; i++) {
          const t = performance.now();
          const r = await fetch(`${BASE}${url}`, { headers });
          await r.arrayBuffer();
          if (i > 0) times.push(performance.now() - t);
        }
        alone.push({ page, url, median: median(times) });
      }

    // Warm-up (not counted): JIT, caches, connection pools.
    await autocannon({
      url: BASE,
      connections: 10,
      duration: 10,
      requests,
    });
    const byStatus = {};
    const perPage = {};
    const instance = autocannon({
      url: BASE,
      connections: CONNECTIONS,
      duration: SECONDS,
      requests,
    });
    // Each connection sends `requests` in order, one at a time.
    const position = new Map();
    instance.on('response', (client, statusCode, _bytes, responseTime) => {
      const i = position.get(client) ?? 0;
      position.set(client, (i + 1) % requests.length);
      byStatus[statusCode] = (byStatus[statusCode] ?? 0) + 1;
      (perPage[pageOf[i]] ??= []).push(responseTime);
    });
    const result = await new Promise((resolve, reject) =>
      instance.on('done', resolve).on('error', reject),
    );
    const fivexx = Object.entries(byStatus)
      .filter(([s]) => Number(s) >= 500)
      .reduce((n, [, v]) => n + v, 0);
    const pct = (xs, p) => {
      const s = [...xs].sort((a, b) => a - b);
      return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
    };
    const results = {
      date: new Date().toISOString(),
      machine,
      command,
      entities: ENTITIES,
      events: EVENTS,
      connections: CONNECTIONS,
      seconds: SECONDS,
      catalogSeconds,
      eventSeconds,
      requests: result.requests.total,
      rps: result.requests.average,
      latency: {
        p50: result.latency.p50,
        p90: result.latency.p90,
        p99: result.latency.p99,
        max: result.latency.max,
      },
      errors: result.errors,
      timeouts: result.timeouts,
      non2xx: result.non2xx,
      byStatus,
      fivexx,
      perPage: Object.fromEntries(
        Object.entries(perPage).map(([p, xs]) => [
          p,
          {
            requests: xs.length,
            median: median(xs),
            p99: pct(xs, 99),
          },
        ]),
      ),
      peakRssMb: backend.peak(),
      alone,
    };
    fs.mkdirSync(path.join(root, 'bench/results'), { recursive: true });
    fs.writeFileSync(
      path.join(
        root,
        `bench/results/load-${results.date.replace(/[:.]/g, '-')}.json`,
      ),
      JSON.stringify(results, null, 2),
    );
    const n = x => Math.round(x).toLocaleString('en-US');
    console.log(
      [
        `Load, ${results.date.slice(0, 10)}, ${machine}; \`${command}\``,
        '',
        `${n(
          ENTITIES,
        )} components (and ${TEAMS} groups) in the catalog after ${catalogSeconds.toFixed(
          0,
        )} s; ${n(EVENTS)} DX events stored in ${eventSeconds.toFixed(
          0,
        )} s; then ${CONNECTIONS} connections for ${SECONDS} s:`,
        '',
        '| Requests | Requests/s | p50 | p90 | p99 | max | Errors | Timeouts | Non-2xx | 5xx |',
        '|---|---|---|---|---|---|---|---|---|---|',
        `| ${n(results.requests)} | ${n(results.rps)} | ${
          results.latency.p50
        } ms | ${results.latency.p90} ms | ${results.latency.p99} ms | ${
          results.latency.max
        } ms | ${results.errors} | ${results.timeouts} | ${
          results.non2xx
        } | ${fivexx} |`,
        '',
        '| Page | Requests | Median | p99 |',
        '|---|---|---|---|',
        ...Object.entries(results.perPage).map(
          ([p, v]) =>
            `| ${p} | ${n(v.requests)} | ${Math.round(
              v.median,
            )} ms | ${Math.round(v.p99)} ms |`,
        ),
        '',
        'Each request alone (median of 5, before the load):',
        '',
        '| Page | Request | Median |',
        '|---|---|---|',
        ...alone.map(
          a =>
            `| ${a.page} | \`${a.url
              .replace(/\|/g, '%7C')
              .slice(0, 110)}\` | ${Math.round(a.median)} ms |`,
        ),
        '',
        `Status codes: ${JSON.stringify(byStatus)}; backend peak RSS ${n(
          results.peakRssMb,
        )} MB.`,
      ].join('\n'),
    );
    if (fivexx > 0 || results.errors > 0) process.exitCode = 1;
  } finally {
    if (process.argv.includes('--keep')) {
      console.log(
        `--keep: the backend (pid ${backend.child.pid}) keeps running at ${BASE}`,
      );
    } else {
      await backend.stop();
      fs.rmSync(file, { force: true });
    }
  }
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
