import {
  callBackend,
  commitFiles,
  eventually,
  startBackendProcess,
  startDedicatedPostgres,
  type BackendProcess,
  type DedicatedPostgres,
} from '@internal/backend-test-utils';
import { ConfigSources, FileConfigSource } from '@backstage/config-loader';
import knexFactory from 'knex';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/*
 * The backend as a process of its own on a PostgreSQL server of the test's
 * own, which the test stops and starts (and a backend it kills): no accepted
 * event is lost or duplicated, ingestion completes, golden paths end in a
 * clear state, a killed run resumes without repeating its steps, and the
 * readiness probe turns 503 before the server stops on SIGTERM.
 */

jest.setTimeout(600_000);

const repoRoot = path.resolve(__dirname, '../../../..');
const TOKEN = 'fault-suite-token-0123456789';
/** A CI token as app-config.production.yaml scopes PORTAL_CI_TOKEN. */
const CI_TOKEN = 'fault-suite-ci-token-0123456789';
const PREFIX = 'portal_fault_';
const REPOS = 20;
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

const FAULT_TEMPLATE = `
apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: fault-path
  title: Fault path
spec:
  owner: group:default/platform-team
  type: service
  parameters:
    - title: Service
      required: [name, waitSeconds]
      properties:
        name: { type: string }
        waitSeconds: { type: integer }
  steps:
    - id: fetch
      name: Generate
      action: fetch:template
      input:
        url: ./skeleton
        values:
          name: \${{ parameters.name }}
    - id: wait
      name: Wait
      action: debug:wait
      input:
        seconds: \${{ parameters.waitSeconds }}
    - id: publish
      name: Publish
      action: portal:publish:local
      input:
        repoName: \${{ parameters.name }}
    - id: register
      name: Show in the catalog
      action: portal:catalog:visible
      input:
        repositoryName: \${{ steps.publish.output.repositoryName }}
`;

const SKELETON = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: \${{ values.name }}
spec:
  type: service
  lifecycle: experimental
  owner: group:default/platform-team
`;

const component = (name: string, description: string) => `
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: { name: ${name}, description: ${description} }
spec: { type: service, lifecycle: production, owner: platform-team }
`;

describe('faults: PostgreSQL restarts, a killed backend, SIGTERM', () => {
  let pg: DedicatedPostgres;
  let backend: BackendProcess;
  let dir: string;
  let reposDir: string;
  let publishDir: string;
  let overlay: Record<string, unknown>;

  const api = (
    method: string,
    url: string,
    body?: unknown,
    on: BackendProcess = backend,
  ) => callBackend(on, TOKEN, method, url, body);

  /** Stops PostgreSQL for `ms`, watching liveness meanwhile. */
  async function outage(ms: number) {
    await pg.stop();
    const liveness: number[] = [];
    const until = Date.now() + ms;
    while (Date.now() < until) {
      const r = await fetch(
        `${backend.baseUrl}/.backstage/health/v1/liveness`,
      ).catch(() => undefined);
      liveness.push(r?.status ?? 0);
      await sleep(250);
    }
    await pg.start();
    return liveness;
  }

  const db = (plugin: string) =>
    knexFactory({
      client: 'pg',
      connection: `${pg.connection}/${PREFIX}${plugin}`,
    });

  beforeAll(async () => {
    pg = await startDedicatedPostgres();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-faults-'));
    reposDir = path.join(dir, 'repos');
    publishDir = reposDir;
    for (let i = 0; i < REPOS; i++)
      commitFiles(path.join(reposDir, `svc-${i}`), {
        'catalog-info.yaml': component(`svc-${i}`, 'first'),
      });
    const templateDir = path.join(dir, 'template');
    fs.mkdirSync(path.join(templateDir, 'skeleton'), { recursive: true });
    fs.writeFileSync(path.join(templateDir, 'template.yaml'), FAULT_TEMPLATE);
    fs.writeFileSync(
      path.join(templateDir, 'skeleton', 'catalog-info.yaml'),
      SKELETON,
    );
    // Token scopes and the shutdown delay as production has them.
    const production = await loadProduction();
    overlay = {
      backend: {
        database: { client: 'pg', connection: pg.connection, prefix: PREFIX },
        lifecycle: production.lifecycle,
        auth: { externalAccess: production.externalAccess },
      },
      catalog: {
        locations: [
          { type: 'file', target: path.join(repoRoot, 'demo/org.yaml') },
          { type: 'file', target: path.join(templateDir, 'template.yaml') },
        ],
        rules: [
          { allow: ['Component', 'Template', 'Location', 'User', 'Group'] },
        ],
        ingestion: {
          sources: [
            {
              id: 'local-repos',
              type: 'local',
              path: reposDir,
              schedule: {
                frequency: { hours: 24 },
                timeout: { minutes: 5 },
                initialDelay: { hours: 24 },
              },
            },
          ],
        },
      },
      goldenPaths: { publish: { localRoot: publishDir } },
      scaffolder: {
        // Recovery is on in app-config.yaml; a shorter wait keeps the test short.
        taskRecovery: { staleTimeout: { seconds: 15 } },
      },
      dx: { demo: { enabled: false } },
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
    };
    backend = await startBackendProcess({
      repoRoot,
      name: 'faults',
      overlay,
      env: { PORTAL_API_TOKEN: TOKEN },
    });
    // The golden path the tests run, once the catalog has processed it.
    await eventually(
      'the fault-path template in the catalog',
      async () =>
        (
          await api(
            'GET',
            '/api/catalog/entities/by-name/template/default/fault-path',
          )
        ).status === 200
          ? true
          : undefined,
      { timeoutMs: 120_000, intervalMs: 500 },
    );
  });

  /** Parts of the production config: external access (with tokens), lifecycle. */
  async function loadProduction() {
    const env: Record<string, string> = {
      PORTAL_API_TOKEN: TOKEN,
      PORTAL_CI_TOKEN: CI_TOKEN,
    };
    const config = await ConfigSources.toConfig(
      FileConfigSource.create({
        path: path.join(repoRoot, 'app-config.production.yaml'),
        watch: false,
        substitutionFunc: async name => env[name] ?? 'unused',
      }),
    );
    config.close();
    return {
      externalAccess: config.get('backend.auth.externalAccess'),
      lifecycle: config.get('backend.lifecycle'),
    };
  }

  afterAll(async () => {
    await backend?.kill();
    await pg?.destroy();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('loses and duplicates no accepted DX event across a PostgreSQL restart; liveness stays up', async () => {
    const BATCHES = 60;
    const PER_BATCH = 250;
    const now = Date.now();
    let retries = 0;
    const send = async (b: number) => {
      const events = Array.from({ length: PER_BATCH }, (_, i) => ({
        id: `fault-${b}-${i}`,
        type: 'deployment',
        action: 'deployed',
        timestamp: new Date(now - (b * PER_BATCH + i) * 1000).toISOString(),
        entityRef: 'component:default/svc-0',
        environment: 'production',
        outcome: 'success',
      }));
      // A client that retries until its batch is accepted, as CI senders do.
      for (;;) {
        const r = await api('POST', '/api/dx/events', {
          format: 'generic',
          events,
        }).catch(() => undefined);
        if (r && r.status < 300) return;
        retries += 1;
        await sleep(300);
      }
    };
    let sent = 0;
    const sender = (async () => {
      for (let b = 0; b < BATCHES; b++) {
        await send(b);
        sent += 1;
      }
    })();
    await eventually('the first batches to be accepted', async () =>
      sent >= 3 ? true : undefined,
    );
    const liveness = await outage(4000);
    await sender;

    expect(retries).toBeGreaterThan(0); // the outage really hit the sender
    expect(liveness.length).toBeGreaterThan(5);
    expect(liveness.every(s => s === 200)).toBe(true);
    const dx = db('dx');
    try {
      const [{ total, distinct }] = await dx('dx_events')
        .whereRaw(`raw->>'id' like 'fault-%'`)
        .select(
          dx.raw('count(*)::int as total'),
          dx.raw(`count(distinct raw->>'id')::int as distinct`),
        );
      expect({ total, distinct }).toEqual({
        total: BATCHES * PER_BATCH,
        distinct: BATCHES * PER_BATCH,
      });
    } finally {
      await dx.destroy();
    }
    // The backend reconnected by itself.
    const entities = await api('GET', '/api/catalog/entities?limit=1');
    expect(entities.status).toBe(200);
  });

  it('completes catalog ingestion after PostgreSQL restarts in the middle of a scan; no run is left running', async () => {
    for (let i = 0; i < REPOS; i++)
      commitFiles(path.join(reposDir, `svc-${i}`), {
        'catalog-info.yaml': component(`svc-${i}`, 'second'),
      });
    const first = api('POST', '/api/catalog/ingestion/rescan', {
      source: 'local-repos',
    }).catch(() => undefined);
    await sleep(300);
    await outage(3000);
    // The scan that was cut off may wait for a database connection (up to
    // knex's acquire timeout) before it gives up.
    await first;
    // The next scan (scheduled, pushed or by hand) finishes the job.
    await eventually(
      'a successful scan after the restart',
      async () => {
        const r = await api('POST', '/api/catalog/ingestion/rescan', {
          source: 'local-repos',
        }).catch(() => undefined);
        return r?.status === 200 ? true : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 2000 },
    );
    await eventually(
      `all ${REPOS} components with the second description`,
      async () => {
        const r = await api(
          'GET',
          '/api/catalog/entities/by-query?filter=kind=component,metadata.description=second&limit=100',
        );
        const body = r.status === 200 ? await r.json() : undefined;
        return body?.items?.length === REPOS ? true : undefined;
      },
      { timeoutMs: 180_000, intervalMs: 1000 },
    );
    const runs = await (
      await api(
        'GET',
        '/api/catalog/ingestion/runs?source=local-repos&limit=50',
      )
    ).json();
    const statuses = runs.items.map((r: { status: string }) => r.status);
    expect(statuses).not.toContain('running');
    expect(statuses[0]).toBe('succeeded');
  });

  async function startTask(name: string, waitSeconds: number) {
    const r = await api('POST', '/api/scaffolder/v2/tasks', {
      templateRef: 'template:default/fault-path',
      values: { name, waitSeconds },
    });
    expect(r.status).toBe(201);
    return (await r.json()).id as string;
  }

  async function taskEnd(id: string, on: BackendProcess = backend) {
    return eventually(
      `task ${id} to end`,
      async () => {
        const r = await api(
          'GET',
          `/api/scaffolder/v2/tasks/${id}`,
          undefined,
          on,
        ).catch(() => undefined);
        const task = r?.status === 200 ? await r.json() : undefined;
        return task &&
          ['completed', 'failed', 'cancelled'].includes(task.status)
          ? (task.status as string)
          : undefined;
      },
      { timeoutMs: 180_000, intervalMs: 1000 },
    );
  }

  /** Commits in the published repository, or undefined when there is none. */
  function published(name: string): number | undefined {
    const repo = path.join(publishDir, `${name}.git`);
    if (!fs.existsSync(repo)) return undefined;
    return Number(
      execFileSync('git', ['-C', repo, 'rev-list', '--count', '--all'], {
        encoding: 'utf8',
      }).trim(),
    );
  }

  it('ends a golden path that runs through a PostgreSQL restart in a clear state, with no half-made repository', async () => {
    const id = await startTask('through-restart', 3);
    await sleep(800);
    await outage(4000);
    const status = await taskEnd(id);
    expect(['completed', 'failed']).toContain(status);
    // Completed: published once. Failed: nothing published.
    expect({ status, commits: published('through-restart') }).toEqual(
      status === 'completed'
        ? { status, commits: 1 }
        : { status, commits: undefined },
    );
  });

  it('resumes a golden path whose backend was killed, without running a step twice', async () => {
    const id = await startTask('killed-midway', 8);
    // Let it generate and start waiting, then kill the process outright.
    await eventually(
      'the wait step to start',
      async () => {
        const r = await api('GET', `/api/scaffolder/v2/tasks/${id}/events`);
        const events = r.status === 200 ? await r.json() : [];
        return events.some(
          (e: any) =>
            e.body?.stepId === 'wait' && e.body?.status === 'processing',
        )
          ? true
          : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 300 },
    );
    await backend.kill();
    expect(published('killed-midway')).toBeUndefined();
    backend = await startBackendProcess({
      repoRoot,
      name: 'faults-restarted',
      overlay,
      env: { PORTAL_API_TOKEN: TOKEN },
    });
    const status = await taskEnd(id);
    expect(status).toBe('completed');
    // Published once: one repository with its one initial commit.
    expect(published('killed-midway')).toBe(1);
    const events = await (
      await api('GET', `/api/scaffolder/v2/tasks/${id}/events`)
    ).json();
    const messages = events
      .filter((e: any) => e.type === 'log')
      .map((e: any) => String(e.body.message));
    expect(messages.join('\n')).toMatch(
      /Skipping step fetch because it was already completed/,
    );
    expect(events.filter((e: any) => e.type === 'recovered')).toHaveLength(1);
  });

  it('lets the CI token of the production config do what it is scoped to, and nothing else', async () => {
    const ci = (method: string, url: string, body?: unknown) =>
      callBackend(backend, CI_TOKEN, method, url, body).then(r => r.status);
    const event = {
      format: 'generic',
      events: [
        {
          id: 'ci-token-1',
          type: 'deployment',
          action: 'deployed',
          timestamp: new Date().toISOString(),
          entityRef: 'component:default/svc-0',
          environment: 'production',
          outcome: 'success',
        },
      ],
    };
    expect({
      sendEvents: await ci('POST', '/api/dx/events', event),
      rescan: await ci('POST', '/api/catalog/ingestion/rescan', {
        source: 'local-repos',
        repository: 'svc-0',
      }),
      // Whole sources are the platform team's, not a pipeline's.
      rescanSource: await ci('POST', '/api/catalog/ingestion/rescan', {
        source: 'local-repos',
      }),
      refreshScorecards: await ci('POST', '/api/dx/scorecards/refresh'),
      approveGate: await ci('POST', '/api/golden-paths/gates/1/approve', {}),
      runTemplate: await ci('POST', '/api/scaffolder/v2/tasks', {
        templateRef: 'template:default/fault-path',
        values: { name: 'by-ci', waitSeconds: 0 },
      }),
      readSlos: await ci('GET', '/api/slo/slos'),
      readDora: await ci('GET', '/api/dx/metrics/dora'),
      readDocsIndex: await ci('GET', '/api/catalog/ingestion/docs/index'),
      readGoldenPathRuns: await ci('GET', '/api/golden-paths/runs'),
    }).toEqual({
      sendEvents: 202,
      rescan: 200,
      rescanSource: 403,
      refreshScorecards: 403,
      approveGate: 403,
      runTemplate: 403,
      // Nothing to read: no dashboard answers without catalog.entity.read.
      readSlos: 403,
      readDora: 403,
      readDocsIndex: 403,
      readGoldenPathRuns: 403,
    });
  });

  it('allows cross-origin calls only from the configured frontend origin', async () => {
    const preflight = (origin: string) =>
      fetch(`${backend.baseUrl}/api/catalog/entities`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'DELETE',
          'access-control-request-headers': 'authorization',
        },
      });
    const own = await preflight('http://localhost:3000');
    expect(own.headers.get('access-control-allow-origin')).toBe(
      'http://localhost:3000',
    );
    for (const origin of [
      'https://evil.example',
      'http://localhost:3000.evil.example',
      'null',
    ]) {
      const other = await preflight(origin);
      expect([
        origin,
        other.headers.get('access-control-allow-origin'),
      ]).toEqual([origin, null]);
    }
  });

  it('turns readiness 503 on SIGTERM while still answering, then stops', async () => {
    expect(
      (await fetch(`${backend.baseUrl}/.backstage/health/v1/readiness`)).status,
    ).toBe(200);
    backend.child.kill('SIGTERM');
    const seen: Array<{ readiness: number; api: number }> = [];
    for (let i = 0; i < 60; i++) {
      const readiness = await fetch(
        `${backend.baseUrl}/.backstage/health/v1/readiness`,
      ).then(
        r => r.status,
        () => 0,
      );
      const call = await api('GET', '/api/catalog/entities?limit=1').then(
        r => r.status,
        () => 0,
      );
      seen.push({ readiness, api: call });
      if (readiness === 0) break;
      await sleep(100);
    }
    await backend.exited;
    // Readiness said 503 while requests were still served...
    expect(seen).toContainEqual({ readiness: 503, api: 200 });
    // ...and it never said ready again after the first 503.
    const first503 = seen.findIndex(s => s.readiness === 503);
    expect(seen.slice(first503).some(s => s.readiness === 200)).toBe(false);
  });
});
