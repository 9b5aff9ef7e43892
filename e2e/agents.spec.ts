import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { expect, test, type Page } from '@playwright/test';

// Agents and terminals against the running portal: the official MCP
// TypeScript SDK over Streamable HTTP, and the Backstage CLI's `auth login`
// and `actions`, both signed in as the guest (a member of platform-team).

const port = Number(process.env.PORTAL_E2E_PORT ?? 7017);
const base = `http://localhost:${port}`;
const root = join(__dirname, '..');

async function signInAsGuest(page: Page) {
  await page.goto('/');
  await page.getByRole('button', { name: 'Enter' }).click();
  await expect(
    page.getByRole('heading', { name: 'Platform home' }),
  ).toBeVisible();
}

async function guestToken(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const res = await fetch('/api/auth/guest/refresh?env=development', {
      headers: { 'x-requested-with': 'XMLHttpRequest' },
    });
    const { backstageIdentity } = await res.json();
    return backstageIdentity.token as string;
  });
}

async function connect(token: string): Promise<Client> {
  const client = new Client({ name: 'portal-e2e-agent', version: '1.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`${base}/api/mcp-actions/v1`), {
      requestInit: { headers: { authorization: `Bearer ${token}` } },
    }),
  );
  return client;
}

/** A tool's answer: its structured output, or its text parsed as JSON. */
async function call(
  client: Client,
  name: string,
  args: Record<string, unknown>,
): Promise<any> {
  const result: any = await client.callTool({ name, arguments: args });
  const text = (result.content ?? [])
    .filter((c: any) => c.type === 'text')
    .map((c: any) => c.text)
    .join('\n');
  if (result.isError) throw new Error(`${name} failed: ${text}`);
  if (result.structuredContent) return result.structuredContent;
  return JSON.parse(text);
}

/** Input for every read tool of ours: a new read tool must be added here. */
const READS: Record<string, Record<string, unknown>> = {
  'catalog.why-not-in-catalog': { entityRef: 'component:default/payments-api' },
  'catalog.who-uses-package': { package: 'pkg:npm/express' },
  'catalog.get-entity-packages': {
    entityRef: 'component:default/payments-api',
  },
  'golden-paths.list-golden-paths': {},
  'golden-paths.check-golden-path-request': {
    template: 'postgres-database',
    parameters: {
      name: 'agent-check-db',
      owner: 'group:default/platform-team',
      storageGb: 250,
    },
  },
  'slo.get-entity-slos': { entityRef: 'component:default/payments-api' },
  'slo.get-platform-health': {},
  'dx.get-dora-metrics': { owner: 'group:default/platform-team', days: 30 },
  'dx.compare-golden-paths': { days: 30 },
  'dx.get-entity-scorecard': { entityRef: 'component:default/payments-api' },
};

/** Plugins whose tools are ours (the stock catalog and scaffolder ones aside). */
const OURS =
  /^(golden-paths|slo|dx)\.|^catalog\.(why-not|rescan|who-uses|get-entity-packages)/;

test('an agent lists the tools and reads through MCP as the signed-in user', async ({
  page,
}) => {
  test.setTimeout(180_000);
  await signInAsGuest(page);
  const client = await connect(await guestToken(page));
  try {
    const { tools } = await client.listTools();
    const ours = tools.filter(t => OURS.test(t.name));
    // Every capability of the portal is there, writes marked as writes.
    expect(ours.map(t => t.name).sort()).toEqual(
      [
        ...Object.keys(READS),
        'catalog.rescan-repository',
        'golden-paths.request-golden-path',
        'golden-paths.get-golden-path-request',
        'golden-paths.continue-golden-path-request',
      ].sort(),
    );
    for (const t of ours)
      expect(t.annotations?.readOnlyHint, `${t.name} readOnlyHint`).toBe(
        t.name in READS || t.name === 'golden-paths.get-golden-path-request',
      );
    // The stock ones stay.
    expect(tools.map(t => t.name)).toEqual(
      expect.arrayContaining(['catalog.get-catalog-entity']),
    );

    // Every read tool answers.
    for (const [name, args] of Object.entries(READS)) {
      const output = await call(client, name, args);
      expect(output, name).toBeTruthy();
    }
    const dora = await call(
      client,
      'dx.get-dora-metrics',
      READS['dx.get-dora-metrics'],
    );
    expect(JSON.stringify(dora)).toMatch(/deploymentFrequency/);
    const paths = await call(client, 'golden-paths.list-golden-paths', {});
    expect(paths.templates.map((t: any) => t.name)).toEqual(
      expect.arrayContaining(['typescript-service', 'postgres-database']),
    );
    const check = await call(
      client,
      'golden-paths.check-golden-path-request',
      READS['golden-paths.check-golden-path-request'],
    );
    expect(JSON.stringify(check)).toMatch(/capacity review|100/);
  } finally {
    await client.close();
  }
});

test('an agent asks for golden paths: a standard one completes, a deviating one waits for a person', async ({
  page,
}) => {
  test.setTimeout(300_000);
  await signInAsGuest(page);
  const token = await guestToken(page);
  const auth = { authorization: `Bearer ${token}` };
  const client = await connect(token);
  const suffix = Date.now().toString(36);
  try {
    // Standard: it runs, as the guest, and the component is in the catalog.
    const standard = await call(client, 'golden-paths.request-golden-path', {
      template: 'typescript-service',
      parameters: {
        name: `agent-svc-${suffix}`,
        description: 'Asked for by a coding agent',
        owner: 'group:default/platform-team',
        lifecycle: 'experimental',
        runtime: 'node22',
        port: 8080,
      },
    });
    expect(standard.state).toBe('completed');
    expect(standard.entityRef).toBe(`component:default/agent-svc-${suffix}`);
    const entity = await page.request.get(
      `/api/catalog/entities/by-name/component/default/agent-svc-${suffix}`,
      { headers: auth },
    );
    expect(entity.status()).toBe(200);
    const task = await page.request.get(
      `/api/scaffolder/v2/tasks/${standard.taskId}`,
      { headers: auth },
    );
    expect((await task.json()).createdBy).toBe('user:default/guest');

    // Deviating: 250 GB waits at a gate; the agent cannot approve it.
    const big = await call(client, 'golden-paths.request-golden-path', {
      template: 'postgres-database',
      parameters: {
        name: `agent-db-${suffix}`,
        description: 'A big database an agent asked for',
        owner: 'group:default/platform-team',
        lifecycle: 'experimental',
        service: 'component:default/payments-api',
        storageGb: 250,
        postgresVersion: '16',
        tier: 'standard',
        costCenter: 'cc-4711',
      },
    });
    expect(big.state).toBe('waiting-at-gate');
    const gateId: string = big.gateId;
    const gate = await (
      await page.request.get(`/api/golden-paths/gates/${gateId}`, {
        headers: auth,
      })
    ).json();
    expect(gate.requestedVia).toEqual({
      agent: 'plugin:mcp-actions',
      onBehalfOf: 'user:default/guest',
    });

    // The review queue shows who asked, and a person approves it.
    await page.goto('/golden-paths?tab=gates');
    const row = page.getByRole('row').filter({ hasText: `agent-db-${suffix}` });
    await expect(row.getByText(/via agent plugin:mcp-actions/)).toBeVisible({
      timeout: 30_000,
    });
    const approved = await page.request.post(
      `/api/golden-paths/gates/${gateId}/approve`,
      { headers: auth, data: { comment: 'Fine for a start' } },
    );
    expect(approved.status()).toBe(200);

    // The agent continues it; it runs as the person it acts for.
    const continued = await call(
      client,
      'golden-paths.continue-golden-path-request',
      { gateId },
    );
    expect(['completed', 'running']).toContain(continued.state);
    await expect(async () => {
      const read = await call(client, 'golden-paths.get-golden-path-request', {
        gateId,
      });
      expect(read.state).toBe('completed');
    }).toPass({ timeout: 90_000 });
    const next = await page.request.get(
      `/api/scaffolder/v2/tasks/${continued.taskId}`,
      { headers: auth },
    );
    expect((await next.json()).createdBy).toBe('user:default/guest');

    // Gate metrics count the agent's request apart from people's.
    const metrics = await (
      await page.request.get('/api/golden-paths/metrics/gates', {
        headers: auth,
      })
    ).json();
    expect(metrics.byRequester.agents.requested).toBeGreaterThanOrEqual(1);
  } finally {
    await client.close();
  }
});

/**
 * A second portal as `./portal start` runs it (development, SQLite): the CLI
 * signs in with a client ID metadata document, which Backstage accepts over
 * plain HTTP only for localhost in development (production needs HTTPS).
 */
const devPort = port + 10;
const devBase = `http://localhost:${devPort}`;

async function startDevelopmentPortal(): Promise<ChildProcess> {
  const child = spawn(process.execPath, [join(root, 'e2e/serve-bundle.mjs')], {
    cwd: root,
    env: {
      ...process.env,
      PORTAL_E2E_PORT: String(devPort),
      PORTAL_E2E_DATABASE: 'sqlite',
      PORTAL_E2E_NODE_ENV: 'development',
      PORTAL_E2E_DIR: join(root, '.cache/e2e-bundle-development'),
    },
    stdio: 'ignore',
  });
  await expect
    .poll(
      async () => {
        try {
          const res = await fetch(
            `http://127.0.0.1:${devPort}/.backstage/health/v1/readiness`,
          );
          return res.status;
        } catch {
          return 0;
        }
      },
      { timeout: 180_000, intervals: [1000] },
    )
    .toBe(200);
  return child;
}

async function stopPortal(child: ChildProcess) {
  const exited = new Promise(resolve => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** Runs the Backstage CLI with its own config and secrets folders. */
function cli(home: string, args: string[]): ChildProcess {
  return spawn(
    process.execPath,
    [join(root, 'node_modules/@backstage/cli/bin/backstage-cli'), ...args],
    {
      cwd: home,
      env: {
        ...process.env,
        HOME: home,
        XDG_CONFIG_HOME: join(home, 'config'),
        XDG_DATA_HOME: join(home, 'data'),
      },
    },
  );
}

async function run(home: string, args: string[]): Promise<string> {
  const child = cli(home, args);
  let out = '';
  let err = '';
  child.stdout!.on('data', d => (out += d));
  child.stderr!.on('data', d => (err += d));
  const code = await new Promise<number | null>(resolve =>
    child.on('close', resolve),
  );
  if (code !== 0)
    throw new Error(`backstage-cli ${args.join(' ')}: exit ${code}\n${err}`);
  return out;
}

test('a developer in a terminal signs in with backstage-cli and reads their team’s DORA', async ({
  page,
}) => {
  test.setTimeout(420_000);
  const portal = await startDevelopmentPortal();
  const home = mkdtempSync(join(tmpdir(), 'portal-cli-'));
  let login: ChildProcess | undefined;
  try {
    await page.goto(devBase);
    await page.getByRole('button', { name: 'Enter' }).click();
    await expect(
      page.getByRole('heading', { name: 'Platform home' }),
    ).toBeVisible({ timeout: 60_000 });

    // `auth login` prints the sign-in URL; the person approves it in the
    // portal, and the CLI receives the code on its loopback address.
    login = cli(home, [
      'auth',
      'login',
      '--backend-url',
      devBase,
      '--no-browser',
    ]);
    let out = '';
    login.stdout!.on('data', d => (out += d));
    login.stderr!.on('data', d => (out += d));
    const exited = new Promise<number | null>(resolve =>
      login!.on('close', resolve),
    );
    await expect
      .poll(() => /https?:\/\/\S+authorize\S*/.exec(out)?.[0], {
        timeout: 30_000,
      })
      .toBeTruthy();
    const url = /https?:\/\/\S+authorize\S*/.exec(out)![0];
    await page.goto(url);
    await page
      .getByRole('button', { name: /^(allow|approve|authorize)/i })
      .click();
    expect(await exited).toBe(0);
    expect(out).toContain('Login successful');

    await run(home, ['actions', 'sources', 'add', 'dx', 'golden-paths']);
    const list = await run(home, ['actions', 'list']);
    expect(list).toContain('dx:get-dora-metrics');
    expect(list).toContain('golden-paths:request-golden-path');

    // Their team's DORA, from the terminal.
    const dora = await run(home, [
      'actions',
      'execute',
      'dx:get-dora-metrics',
      '--owner',
      'group:default/platform-team',
    ]);
    expect(dora).toMatch(/deploymentFrequency/);

    // A service, from the terminal: a person, not an agent.
    const name = `cli-svc-${Date.now().toString(36)}`;
    const created = await run(home, [
      'actions',
      'execute',
      'golden-paths:request-golden-path',
      '--template',
      'typescript-service',
      '--parameters',
      JSON.stringify({
        name,
        description: 'Created from a terminal',
        owner: 'group:default/platform-team',
        lifecycle: 'experimental',
        runtime: 'node22',
        port: 8080,
      }),
    ]);
    expect(created).toContain(`component:default/${name}`);
  } finally {
    if (login?.exitCode === null) login.kill();
    rmSync(home, { recursive: true, force: true });
    await stopPortal(portal);
  }
});
