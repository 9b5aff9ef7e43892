/*
 * Shared by the benchmarks: PostgreSQL access, the portal backend started
 * from source with an overlay config, an authenticated API helper, stats.
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
);
export const TOKEN = 'bench-token-0123456789abcdef';
export const PORT = 7431;
export const BASE = `http://127.0.0.1:${PORT}`;

/** Catalog rules for the benchmarks' own entities: every kind they use. */
export const ALLOW_ALL_KINDS = [
  {
    allow: [
      'Component',
      'System',
      'API',
      'Resource',
      'Location',
      'Domain',
      'Template',
      'Group',
      'User',
    ],
  },
];
const stamp = Date.now();

export const pg = {
  host: process.env.POSTGRES_HOST ?? '127.0.0.1',
  port: process.env.POSTGRES_PORT ?? '5432',
  user: process.env.POSTGRES_USER ?? 'postgres',
  password: process.env.POSTGRES_PASSWORD ?? '',
};

export const sleep = ms => new Promise(r => setTimeout(r, ms));

/** A numeric command-line option `--name N` of the benchmark, or `def`. */
export function opt(name, def) {
  const args = process.argv.slice(2);
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : def;
}
export const median = xs => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length
    ? s.length % 2
      ? s[(s.length - 1) / 2]
      : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
    : NaN;
};
export const p95 = xs => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length
    ? s[Math.min(s.length - 1, Math.ceil(0.95 * s.length) - 1)]
    : NaN;
};

export function psql(sql, db = 'postgres') {
  return execFileSync(
    'psql',
    ['-h', pg.host, '-p', pg.port, '-U', pg.user, '-d', db, '-Atc', sql],
    {
      env: { ...process.env, PGPASSWORD: pg.password },
      encoding: 'utf8',
    },
  ).trim();
}

/**
 * psql without blocking the event loop: for long statements (VACUUM), so
 * idle keep-alive connections to the backend are closed in time instead of
 * being reused after the backend has dropped them.
 */
export function psqlAsync(sql, db = 'postgres') {
  return new Promise((resolve, reject) =>
    execFile(
      'psql',
      ['-h', pg.host, '-p', pg.port, '-U', pg.user, '-d', db, '-Atc', sql],
      { env: { ...process.env, PGPASSWORD: pg.password }, encoding: 'utf8' },
      (error, stdout) => (error ? reject(error) : resolve(stdout.trim())),
    ),
  );
}

export function rssMb(pid) {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)[1]) / 1024;
  } catch {
    return NaN;
  }
}

export async function api(method, url, body, headers = {}) {
  const send = () =>
    fetch(`${BASE}${url}`, {
      method,
      headers: {
        authorization: `Bearer ${TOKEN}`,
        'content-type': 'application/json',
        ...headers,
      },
      body: body ? JSON.stringify(body) : undefined,
    });
  // A GET on a kept-alive connection the backend closed meanwhile is sent
  // again once, as browsers do.
  const res = await send().catch(error => {
    if (method !== 'GET' || error?.cause?.code !== 'UND_ERR_SOCKET')
      throw error;
    return send();
  });
  if (!res.ok)
    throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
  return res.json();
}

/**
 * Starts the portal backend (sources, development mode) on its own
 * databases (`portal_bench_<stamp>_<name>_*`). With `replicas` > 1, that
 * many backends share the databases, on ports PORT, PORT + 1, ...; `api()`
 * talks to the first.
 */
export async function startBackend(name, config, { replicas = 1 } = {}) {
  const prefix = `portal_bench_${stamp}_${name}_`;
  const children = [];
  for (let i = 0; i < replicas; i++) {
    const port = PORT + i;
    const overlay = path.join(
      os.tmpdir(),
      `portal-bench-${stamp}-${name}-${i}.json`,
    );
    fs.writeFileSync(
      overlay,
      JSON.stringify({
        search: {
          collators: {
            catalog: {
              schedule: {
                frequency: 'PT1H',
                timeout: 'PT15M',
                initialDelay: 'PT1H',
              },
            },
          },
        },
        ...config,
        backend: {
          baseUrl: `http://127.0.0.1:${port}`,
          listen: { port },
          ...config.backend,
          database: {
            client: 'pg',
            connection: pg,
            prefix,
            ...config.backend?.database,
          },
        },
      }),
    );
    const log = fs.openSync(
      path.join(os.tmpdir(), `portal-bench-${stamp}-${name}-${i}.log`),
      'w',
    );
    const child = spawn(
      process.execPath,
      [
        '--max-old-space-size=4096',
        // e.g. BENCH_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' to profile the backend
        ...(process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean),
        '--require',
        path.join(root, 'node_modules/@backstage/cli/config/nodeTransform.cjs'),
        'src/index.ts',
        '--config',
        path.join(root, 'app-config.yaml'),
        '--config',
        overlay,
      ],
      {
        cwd: path.join(root, 'packages/backend'),
        env: {
          ...process.env,
          PORTAL_API_TOKEN: TOKEN,
          NODE_ENV: 'development',
          LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', log, log],
      },
    );
    children.push({ child, port, peak: 0 });
    // One at a time: the first runs the databases' migrations.
    for (let k = 0; k < 240; k++) {
      try {
        const r = await fetch(
          `http://127.0.0.1:${port}/.backstage/health/v1/readiness`,
        );
        if (r.ok) break;
      } catch {
        /* not yet */
      }
      await sleep(500);
    }
  }
  let peakTotal = 0;
  const sampler = setInterval(() => {
    let total = 0;
    for (const c of children) {
      const rss = rssMb(c.child.pid) || 0;
      c.peak = Math.max(c.peak, rss);
      total += rss;
    }
    peakTotal = Math.max(peakTotal, total);
  }, 500);
  return {
    child: children[0].child,
    prefix,
    /** Peak RSS of the largest replica. */
    peak: () => Math.max(...children.map(c => c.peak)),
    /** Peak of all replicas' RSS together. */
    peakTotal: () => peakTotal,
    async stop({ keepDatabases = false } = {}) {
      clearInterval(sampler);
      await Promise.all(
        children.map(({ child }) => {
          child.kill('SIGTERM');
          return new Promise(r =>
            child.exitCode !== null ? r() : child.once('exit', r),
          );
        }),
      );
      if (keepDatabases) return;
      for (const db of psql(
        `select datname from pg_database where datname like '${prefix}%'`,
      )
        .split('\n')
        .filter(Boolean)) {
        psql(`drop database if exists "${db}" with (force)`);
      }
    },
  };
}

/**
 * Switches PostgreSQL's autovacuum on for this process (ALTER SYSTEM and a
 * reload) and back to what it was when the process exits, however it
 * exits. Returns the setting found.
 */
export function autovacuumOnUntilExit() {
  const [before, sourcefile] = psql(
    "select setting, coalesce(sourcefile, '') from pg_settings where name = 'autovacuum'",
  ).split('|');
  if (before === 'on') return before;
  psql('alter system set autovacuum = on');
  psql('select pg_reload_conf()');
  const restore = () => {
    if (sourcefile.endsWith('postgresql.auto.conf')) {
      psql(`alter system set autovacuum = ${before}`);
    } else {
      psql('alter system reset autovacuum');
    }
    psql('select pg_reload_conf()');
  };
  process.once('exit', restore);
  for (const signal of ['SIGINT', 'SIGTERM'])
    process.once(signal, () => process.exit(130));
  return before;
}

/** The machine line of a catalog benchmark, with how autovacuum ran. */
export function machineLine(autovacuumBefore) {
  return `${os.cpus().length} x ${os.cpus()[0]?.model}, ${(
    os.totalmem() /
    2 ** 30
  ).toFixed(0)} GiB, Node ${process.version}, PostgreSQL ${psql(
    'show server_version',
  )} (autovacuum ${psql(
    'show autovacuum',
  )} for the run; ${autovacuumBefore} before)`;
}
