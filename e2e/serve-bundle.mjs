#!/usr/bin/env node
// Starts the portal from its *built* output, as the Dockerfile does: unpacks
// packages/backend/dist/bundle.tar.gz into .cache/e2e-bundle and runs
// `node packages/backend` there with app-config.yaml plus an e2e overlay
// (own port, own PostgreSQL databases or, with PORTAL_E2E_DATABASE=sqlite,
// SQLite files; guest sign-in allowed for the test).
// Third-party modules resolve from the repository's node_modules, which is
// what `yarn workspaces focus --production` would install in the image.
// On SIGTERM it stops the backend and drops its databases.
import { spawn, execFileSync } from 'node:child_process';
import {
  cpSync,
  createWriteStream,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';

const root = new URL('..', import.meta.url).pathname;
const require = createRequire(join(root, 'packages/backend/package.json'));
const { Client } = require('pg');

const port = Number(process.env.PORTAL_E2E_PORT ?? 7017);
// PORTAL_E2E_DATABASE=sqlite: SQLite files, as `./portal start` runs by default.
const sqlite = process.env.PORTAL_E2E_DATABASE === 'sqlite';
const bundle = join(root, 'packages/backend/dist/bundle.tar.gz');
// PORTAL_E2E_DIR and PORTAL_E2E_NODE_ENV=development start a second
// instance the way `./portal start` runs (the CLI sign-in test does).
const dir = process.env.PORTAL_E2E_DIR ?? join(root, '.cache/e2e-bundle');
const nodeEnv = process.env.PORTAL_E2E_NODE_ENV ?? 'production';
const artifacts = join(root, 'e2e-artifacts');
const prefix = `portal_e2e_${Date.now()}_${process.pid}_`;
const pg = {
  host: process.env.POSTGRES_HOST ?? '127.0.0.1',
  port: Number(process.env.POSTGRES_PORT ?? 5432),
  user: process.env.POSTGRES_USER ?? 'postgres',
  password: process.env.POSTGRES_PASSWORD || undefined,
};

if (!existsSync(bundle)) {
  console.error(`No backend bundle at ${bundle}: run 'yarn build:all' first.`);
  process.exit(1);
}
rmSync(dir, { recursive: true, force: true });
mkdirSync(join(dir, 'node_modules'), { recursive: true });
execFileSync('tar', ['xzf', bundle, '-C', dir]);
// Link every bundled workspace package (the frontend, our plugins) by name,
// as the image's `yarn workspaces focus` does, so the bundle's built output
// is used and not the repository's sources.
for (const group of ['packages', 'plugins']) {
  if (!existsSync(join(dir, group))) continue;
  for (const name of readdirSync(join(dir, group))) {
    const pkgDir = join(dir, group, name);
    const { name: pkgName } = JSON.parse(
      readFileSync(join(pkgDir, 'package.json'), 'utf8'),
    );
    const link = join(dir, 'node_modules', pkgName);
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(pkgDir, link);
  }
}

// Demo repositories for repository discovery, committed as bare repositories.
const repos = join(dir, 'repos');
execFileSync(join(root, 'scripts/seed-demo-repos.sh'), [repos], {
  stdio: 'ignore',
});

// A golden path the upgrade test moves from 1.0.0 to 1.1.0 (it copies the
// fixture's v2 over this folder, as a template author would edit it).
const upgradeTemplate = join(dir, 'upgrade-template');
const upgradeFixture = join(
  root,
  'plugins/scaffolder-backend-module-golden-paths/src/__fixtures__/upgrade-path',
);
cpSync(join(upgradeFixture, 'v1'), upgradeTemplate, { recursive: true });

const overlay = {
  app: { baseUrl: `http://localhost:${port}` },
  backend: {
    baseUrl: `http://localhost:${port}`,
    listen: { port },
    cors: { origin: `http://localhost:${port}` },
    database: sqlite
      ? {
          client: 'better-sqlite3',
          connection: { directory: join(dir, 'sqlite') },
        }
      : {
          client: 'pg',
          prefix,
          connection: {
            host: pg.host,
            port: pg.port,
            user: pg.user,
            password: pg.password,
          },
        },
  },
  auth: { providers: { guest: { dangerouslyAllowOutsideDevelopment: true } } },
  catalog: {
    locations: [
      { type: 'file', target: join(root, 'catalog-info.yaml') },
      { type: 'file', target: join(root, 'demo/entities.yaml') },
      { type: 'file', target: join(root, 'templates/*/template.yaml') },
      { type: 'file', target: join(upgradeTemplate, 'template.yaml') },
      // Markup and script in stored text, for the "shown as text" test.
      {
        type: 'file',
        target: join(root, 'e2e/fixtures/hostile-entities.yaml'),
      },
      {
        type: 'file',
        target: join(root, 'demo/org.yaml'),
        rules: [{ allow: ['User', 'Group'] }],
      },
    ],
    ingestion: {
      sources: [
        {
          id: 'local-repos',
          type: 'local',
          path: repos,
          schedule: {
            frequency: 'PT10S',
            timeout: 'PT2M',
            initialDelay: 'PT2S',
          },
        },
      ],
      advisories: {
        sources: [{ id: 'demo', path: join(root, 'demo/advisories') }],
        schedule: { frequency: 'PT1M', timeout: 'PT1M', initialDelay: 'PT3S' },
      },
    },
  },
  // Golden paths publish where discovery reads.
  goldenPaths: {
    policy: { file: join(root, 'templates/policy.yaml') },
    publish: { localRoot: repos, ingestionSource: 'local-repos' },
  },
  // SLOs evaluated every few seconds, with no delay for late data.
  slo: {
    platform: { file: join(root, 'slos/platform.yaml') },
    evaluation: { frequencyMs: 5000, delayMinutes: 0 },
    sync: { frequencyMs: 5000 },
    probe: { frequencyMs: 5000 },
  },
  search: {
    collators: {
      catalog: {
        schedule: {
          frequency: 'PT15S',
          timeout: 'PT2M',
          initialDelay: 'PT5S',
        },
      },
    },
  },
};
const overlayFile = join(dir, 'app-config.e2e.json');
writeFileSync(overlayFile, JSON.stringify(overlay, null, 2));

async function dropDatabases() {
  const client = new Client({ ...pg, database: 'postgres' });
  await client.connect();
  try {
    const { rows } = await client.query(
      'SELECT datname FROM pg_database WHERE datname LIKE $1',
      [`${prefix}%`],
    );
    for (const { datname } of rows) {
      await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
    return rows.length;
  } finally {
    await client.end();
  }
}

mkdirSync(artifacts, { recursive: true });
const log = createWriteStream(
  join(
    artifacts,
    `backend${sqlite ? '-sqlite' : ''}${
      nodeEnv === 'production' ? '' : `-${nodeEnv}`
    }.log`,
  ),
);
const backend = spawn(
  process.execPath,
  [
    'packages/backend',
    '--config',
    join(root, 'app-config.yaml'),
    '--config',
    overlayFile,
  ],
  {
    cwd: dir,
    env: { ...process.env, NODE_ENV: nodeEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  },
);
for (const stream of [backend.stdout, backend.stderr]) {
  stream.pipe(log, { end: false });
  stream.pipe(process.stdout, { end: false });
}

let stopping = false;
async function stop(code) {
  if (stopping) return;
  stopping = true;
  if (backend.exitCode === null) {
    // Playwright waits 20 s for this process; the backend gets 8 s to shut
    // down on its own, so the databases are always dropped in time.
    const exited = new Promise(resolve => backend.once('exit', resolve));
    backend.kill('SIGTERM');
    const timer = setTimeout(() => backend.kill('SIGKILL'), 8_000);
    await exited;
    clearTimeout(timer);
  }
  if (sqlite) process.exit(code);
  try {
    const dropped = await dropDatabases();
    console.log(`[serve-bundle] dropped ${dropped} e2e databases (${prefix}*)`);
  } catch (error) {
    console.error(`[serve-bundle] could not drop e2e databases: ${error}`);
  }
  process.exit(code);
}
process.on('SIGTERM', () => stop(0));
process.on('SIGINT', () => stop(0));
backend.on('exit', code => {
  if (!stopping) {
    console.error(`[serve-bundle] backend exited early with code ${code}`);
    stop(1);
  }
});
