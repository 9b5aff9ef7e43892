import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';

const PROMETHEUS = process.env.PORTAL_PROMETHEUS ?? '/usr/bin/prometheus';
const PROMTOOL = process.env.PORTAL_PROMTOOL ?? '/usr/bin/promtool';

/** A local HTTP server; `handler` answers every request. */
export async function serve(
  handler: http.RequestListener,
): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port nothing listens on (bound, then released). */
export async function freePort(): Promise<number> {
  const s = await serve(() => {});
  const port = Number(new URL(s.url).port);
  await s.close();
  return port;
}

/**
 * An exporter in the Prometheus text format whose counters the test sets:
 * `fixture_requests_total{code="ok"|"error"}` and a request duration
 * histogram `fixture_request_duration_seconds`.
 */
export async function startExporter() {
  const state = { ok: 0, error: 0, fast: 0, count: 0 };
  const server = await serve((_req, res) => {
    res.setHeader('content-type', 'text/plain; version=0.0.4');
    res.end(
      [
        '# TYPE fixture_requests_total counter',
        `fixture_requests_total{code="ok"} ${state.ok}`,
        `fixture_requests_total{code="error"} ${state.error}`,
        '# TYPE fixture_request_duration_seconds histogram',
        `fixture_request_duration_seconds_bucket{le="0.3"} ${state.fast}`,
        `fixture_request_duration_seconds_bucket{le="+Inf"} ${state.count}`,
        `fixture_request_duration_seconds_count ${state.count}`,
        `fixture_request_duration_seconds_sum ${state.count * 0.2}`,
        '',
      ].join('\n'),
    );
  });
  return { ...server, state };
}

export interface RunningPrometheus {
  url: string;
  stop(): Promise<void>;
}

/**
 * Debian's Prometheus on a free port, with its own data directory.
 * `openMetrics` (history with timestamps) is written into the TSDB with
 * promtool before start; `scrape` is scraped every second.
 */
export async function startPrometheus(options: {
  openMetrics?: string;
  scrape?: string;
}): Promise<RunningPrometheus> {
  if (!fs.existsSync(PROMETHEUS) || !fs.existsSync(PROMTOOL))
    throw new Error(
      `Prometheus is needed for these tests: install Debian's prometheus package (apt-get install prometheus) or set PORTAL_PROMETHEUS and PORTAL_PROMTOOL (looked for ${PROMETHEUS}, ${PROMTOOL})`,
    );
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slo-prometheus-'));
  const data = path.join(dir, 'data');
  fs.mkdirSync(data);
  if (options.openMetrics) {
    const file = path.join(dir, 'history.om');
    fs.writeFileSync(file, options.openMetrics);
    const r = spawnSync(
      PROMTOOL,
      ['tsdb', 'create-blocks-from', 'openmetrics', file, data],
      { encoding: 'utf8' },
    );
    if (r.status !== 0)
      throw new Error(`promtool failed: ${r.stderr || r.stdout}`);
  }
  const target = options.scrape ? new URL(options.scrape).host : undefined;
  fs.writeFileSync(
    path.join(dir, 'prometheus.yml'),
    [
      'global:',
      '  scrape_interval: 1s',
      '  evaluation_interval: 1s',
      'scrape_configs:',
      ...(target
        ? [
            '  - job_name: fixture',
            '    static_configs:',
            `      - targets: ['${target}']`,
          ]
        : []),
      '',
    ].join('\n'),
  );
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    PROMETHEUS,
    [
      `--config.file=${path.join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${data}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--storage.tsdb.retention.time=3650d',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr?.on('data', chunk => {
    log = (log + chunk).slice(-4000);
  });
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await fetch(`${url}/-/ready`)).ok) break;
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`Prometheus did not start: ${log}`);
    }
    await new Promise(r => setTimeout(r, 100));
  }
  return {
    url,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise(r => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise(r => setTimeout(r, 5000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
