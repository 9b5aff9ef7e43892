#!/usr/bin/env node
// `yarn test:portal` (what `./portal test` runs): upstream guard, type check, lint, unit and
// integration tests (PostgreSQL), the golden-path templates (`yarn
// templates:test`), build, and the browser test against the
// built backend bundle. Runs every step it can, then prints one summary line
// "Tests: N passed, N failed" and exits non-zero on any failure.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const artifacts = join(root, 'e2e-artifacts');
rmSync(artifacts, { recursive: true, force: true });
mkdirSync(artifacts, { recursive: true });

const pg = {
  host: process.env.POSTGRES_HOST ?? '127.0.0.1',
  port: process.env.POSTGRES_PORT ?? '5432',
  user: process.env.POSTGRES_USER ?? 'postgres',
  password: process.env.POSTGRES_PASSWORD ?? '',
};
const auth = pg.password
  ? `${encodeURIComponent(pg.user)}:${encodeURIComponent(pg.password)}`
  : encodeURIComponent(pg.user);
const env = {
  ...process.env,
  // TestDatabases from @backstage/backend-test-utils: the real server, never Docker.
  BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING:
    process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING ??
    `postgresql://${auth}@${pg.host}:${pg.port}`,
  BACKSTAGE_TEST_DISABLE_DOCKER: '1',
};

const jestReport = join(artifacts, 'jest-results.json');
const corpusReport = join(artifacts, 'corpus-results.json');
// Real data written by others (../shared/corpus by default): *.corpus.test.ts.
const corpus = resolve(root, process.env.PORTAL_CORPUS ?? '../shared/corpus');
const e2eReport = join(artifacts, 'e2e-results.json');
const e2eSqliteReport = join(artifacts, 'e2e-sqlite-results.json');
const faultsReport = join(artifacts, 'faults-results.json');
const templatesReport = join(artifacts, 'templates-results.json');
const steps = [
  {
    // No patched upstream package; no SQL on another plugin's tables.
    name: 'Upstream guard',
    cmd: process.execPath,
    args: [join(root, 'scripts/upstream-guard.mjs')],
  },
  { name: 'Type check', args: ['tsc'] },
  { name: 'Lint', args: ['lint'] },
  {
    name: 'Unit and integration tests',
    args: ['test', '--json', `--outputFile=${jestReport}`],
    env: { CI: 'true' },
  },
  {
    // Backends as processes on a PostgreSQL of the suite's own, which it
    // restarts; a killed backend; SIGTERM; two replicas (packages/backend/src/faults).
    name: 'Fault suite',
    args: [
      'backstage-cli',
      'repo',
      'test',
      '--testMatch=**/*.faults.test.ts',
      '--testPathIgnorePatterns=/node_modules/',
      '--runInBand',
      '--json',
      `--outputFile=${faultsReport}`,
    ],
    env: { CI: 'true' },
  },
  existsSync(corpus)
    ? {
        name: 'Corpus suite',
        args: [
          'backstage-cli',
          'repo',
          'test',
          '--testMatch=**/*.corpus.test.ts',
          '--testPathIgnorePatterns=/node_modules/',
          '--passWithNoTests',
          '--json',
          `--outputFile=${corpusReport}`,
        ],
        env: { CI: 'true', PORTAL_CORPUS: corpus },
      }
    : { name: 'Corpus suite', absent: true },
  {
    // Each golden-path template with the examples beside it: policy,
    // scaffolder dry run, every generated file parsed (templates/README.md).
    name: 'Golden-path templates',
    args: ['templates:test', '--report', templatesReport],
  },
  { name: 'Build (frontend and backend bundle)', args: ['build:all'] },
  {
    name: 'Browser end-to-end test',
    args: ['test:e2e'],
    needs: 'Build (frontend and backend bundle)',
    env: { PORTAL_E2E_REPORT: e2eReport },
  },
  {
    // The golden path, edit and rescan again on SQLite, the database
    // `./portal start` uses by default.
    name: 'Browser test on SQLite (default database)',
    args: ['test:e2e', '--grep', '@default-database'],
    needs: 'Build (frontend and backend bundle)',
    env: {
      PORTAL_E2E_REPORT: e2eSqliteReport,
      PORTAL_E2E_DATABASE: 'sqlite',
    },
  },
];

const results = [];
for (const step of steps) {
  if (step.absent) {
    console.log(
      `\n[portal test] Corpus suite: no corpus at ${corpus} (set PORTAL_CORPUS); nothing counted`,
    );
    results.push({ name: step.name, ok: true, absent: true });
    continue;
  }
  if (step.needs && results.find(r => r.name === step.needs)?.ok === false) {
    results.push({ name: step.name, ok: false, skippedBecause: step.needs });
    continue;
  }
  const cmd = step.cmd ?? 'yarn';
  console.log(
    `\n[portal test] ${step.name}: ${step.cmd ? 'node' : 'yarn'} ${step.args
      .map(a => (a.startsWith(root) ? relative(root, a) : a))
      .join(' ')}`,
  );
  const started = Date.now();
  const run = spawnSync(cmd, step.args, {
    cwd: root,
    stdio: 'inherit',
    env: { ...env, ...step.env },
  });
  results.push({
    name: step.name,
    ok: run.status === 0,
    seconds: Math.round((Date.now() - started) / 1000),
  });
}

function readJson(file) {
  try {
    return existsSync(file)
      ? JSON.parse(readFileSync(file, 'utf8'))
      : undefined;
  } catch {
    return undefined;
  }
}
let passed = 0;
let failed = 0;
const jest = readJson(jestReport);
if (jest) {
  passed += jest.numPassedTests;
  failed += jest.numFailedTests + (jest.numRuntimeErrorTestSuites ?? 0);
}
const corpusRun = readJson(corpusReport);
if (corpusRun) {
  passed += corpusRun.numPassedTests;
  failed +=
    corpusRun.numFailedTests + (corpusRun.numRuntimeErrorTestSuites ?? 0);
}
const faultsRun = readJson(faultsReport);
if (faultsRun) {
  passed += faultsRun.numPassedTests;
  failed +=
    faultsRun.numFailedTests + (faultsRun.numRuntimeErrorTestSuites ?? 0);
}
// Each example of each template counts as a test; so does a problem of a
// template itself (a missing or malformed example).
const templatesRun = readJson(templatesReport);
if (templatesRun) {
  passed += templatesRun.results.filter(r => r.ok).length;
  failed += templatesRun.results.filter(r => !r.ok).length;
}
const e2e = readJson(e2eReport);
const e2eSqlite = readJson(e2eSqliteReport);
for (const run of [e2e, e2eSqlite]) {
  if (run?.stats) {
    passed += run.stats.expected;
    failed += run.stats.unexpected + run.stats.flaky;
  }
}

console.log('\n[portal test] summary');
for (const r of results) {
  const state = r.absent
    ? 'no corpus, nothing counted'
    : r.ok
    ? 'ok'
    : r.skippedBecause
    ? `not run (${r.skippedBecause} failed)`
    : 'FAILED';
  console.log(
    `  ${r.name.padEnd(40)} ${state}${
      r.seconds !== undefined ? ` (${r.seconds}s)` : ''
    }`,
  );
}
if (jest)
  console.log(
    `  unit and integration: ${jest.numPassedTests} passed, ${jest.numFailedTests} failed, in ${jest.numTotalTestSuites} files`,
  );
if (corpusRun)
  console.log(
    `  corpus: ${corpusRun.numPassedTests} passed, ${corpusRun.numFailedTests} failed`,
  );
if (faultsRun)
  console.log(
    `  faults: ${faultsRun.numPassedTests} passed, ${faultsRun.numFailedTests} failed`,
  );
if (templatesRun)
  console.log(
    `  templates: ${
      templatesRun.results.filter(r => r.ok).length
    } examples passed, ${
      templatesRun.results.filter(r => !r.ok).length
    } failed, in ${
      new Set(templatesRun.results.map(r => r.template)).size
    } templates`,
  );
/** What the browser tests measured (`test.info().annotations`), in words. */
function measured(report) {
  const out = [];
  const walk = suite => {
    for (const spec of suite.specs ?? [])
      for (const t of spec.tests ?? [])
        for (const a of t.annotations ?? [])
          if (a.description) out.push(`${a.type}: ${a.description}`);
    for (const child of suite.suites ?? []) walk(child);
  };
  for (const suite of report?.suites ?? []) walk(suite);
  return out.length ? ` (${out.join('; ')})` : '';
}
if (e2e?.stats)
  console.log(
    `  browser: ${e2e.stats.expected} passed, ${
      e2e.stats.unexpected
    } failed${measured(e2e)}`,
  );
if (e2eSqlite?.stats)
  console.log(
    `  browser on SQLite: ${e2eSqlite.stats.expected} passed, ${
      e2eSqlite.stats.unexpected
    } failed${measured(e2eSqlite)}`,
  );
// Name every failing test in the summary, which is what a CI log's tail shows.
function failures(report) {
  const out = [];
  for (const file of report?.testResults ?? []) {
    const where = relative(root, file.name ?? file.testFilePath ?? '');
    const failedAssertions = (file.assertionResults ?? []).filter(
      a => a.status === 'failed',
    );
    for (const a of failedAssertions) {
      const why = (a.failureMessages?.[0] ?? '').split('\n')[0].slice(0, 200);
      out.push(`${where} › ${a.fullName ?? a.title}: ${why}`);
    }
    if (failedAssertions.length === 0 && file.status === 'failed') {
      out.push(
        `${where}: ${
          (file.message ?? '').split('\n').find(Boolean) ?? 'failed to run'
        }`,
      );
    }
  }
  return out;
}
const failing = [
  ...failures(jest),
  ...failures(corpusRun),
  ...failures(faultsRun),
  ...(templatesRun?.results ?? [])
    .filter(r => !r.ok)
    .flatMap(r =>
      r.problems.map(p =>
        `templates/${r.template} › ${r.example}: ${p.file ?? ''}${
          p.line ? `:${p.line}` : ''
        } ${p.message}`.slice(0, 300),
      ),
    ),
];
if (failing.length > 0) {
  console.log('  failing tests:');
  for (const line of failing.slice(0, 30)) console.log(`    ${line}`);
}
const stepsFailed = results.filter(r => !r.ok).length;
if (passed === 0) {
  console.log('  no test ran: that is a failure');
}
console.log(`Tests: ${passed} passed, ${failed} failed`);
process.exit(stepsFailed > 0 || failed > 0 || passed === 0 ? 1 : 0);
