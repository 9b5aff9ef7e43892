import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/** A TCP port nobody listens on right now. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise(r => server.close(r));
  return port;
}

function postgresBin(): string {
  const base = '/usr/lib/postgresql';
  const fromEnv = process.env.PORTAL_PG_BIN;
  if (fromEnv) return fromEnv;
  const versions = fs.existsSync(base)
    ? fs
        .readdirSync(base)
        .filter(v => fs.existsSync(path.join(base, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0)
    throw new Error(
      `the fault tests start a PostgreSQL server of their own and need its programs (initdb, pg_ctl): install Debian's postgresql package or set PORTAL_PG_BIN (looked in ${base})`,
    );
  return path.join(base, versions[0], 'bin');
}

/** A PostgreSQL server of a test's own, which the test may stop and start. */
export interface DedicatedPostgres {
  port: number;
  /** `postgresql://postgres@127.0.0.1:<port>` */
  connection: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops the server and deletes its files. */
  destroy(): Promise<void>;
}

/**
 * Creates and starts a PostgreSQL cluster in a temporary directory, on a
 * port of its own with trust authentication, so a test can restart "the
 * database" without touching the machine's server. As root, the server runs
 * as the `postgres` user (PostgreSQL refuses to run as root).
 */
export async function startDedicatedPostgres(): Promise<DedicatedPostgres> {
  const bin = postgresBin();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-pg-'));
  const data = path.join(dir, 'data');
  const port = await freePort();
  const asRoot = process.getuid?.() === 0;
  if (asRoot) spawnSync('chown', ['-R', 'postgres', dir]);
  const run = (program: string, args: string[]) => {
    const command = asRoot ? 'runuser' : path.join(bin, program);
    const argv = asRoot
      ? ['-u', 'postgres', '--', path.join(bin, program), ...args]
      : args;
    const result = spawnSync(command, argv, { encoding: 'utf8' });
    if (result.status !== 0)
      throw new Error(
        `${program} ${args.join(' ')} failed: ${
          result.stderr || result.stdout
        }`,
      );
  };
  run('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync']);
  fs.appendFileSync(
    path.join(data, 'postgresql.conf'),
    `\nlisten_addresses = '127.0.0.1'\nport = ${port}\nunix_socket_directories = '${dir}'\nfsync = off\nmax_connections = 200\n`,
  );
  const ready = async () => {
    for (let i = 0; i < 100; i++) {
      const socket = net.connect(port, '127.0.0.1');
      const ok = await new Promise<boolean>(r => {
        socket.once('connect', () => r(true));
        socket.once('error', () => r(false));
      });
      socket.destroy();
      if (ok) {
        await sleep(200);
        return;
      }
      await sleep(100);
    }
    throw new Error(`PostgreSQL on port ${port} did not start`);
  };
  const pg = {
    port,
    connection: `postgresql://postgres@127.0.0.1:${port}`,
    async start() {
      run('pg_ctl', ['-D', data, '-l', path.join(dir, 'log'), '-w', 'start']);
      await ready();
    },
    async stop() {
      run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
    },
    async destroy() {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } catch {
        // already stopped
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  await pg.start();
  return pg;
}

/** A portal backend running as a process of its own. */
export interface BackendProcess {
  baseUrl: string;
  port: number;
  child: ChildProcess;
  /** Everything the backend logged so far. */
  log(): string;
  /** Resolves when the process has exited. */
  exited: Promise<number | null>;
  /** SIGTERM, then waits for the exit. */
  stop(): Promise<void>;
  /** SIGKILL: no shutdown hooks run. */
  kill(): Promise<void>;
}

/**
 * Starts the backend from source (packages/backend, as `./portal start`
 * does) with `app-config.yaml` and `overlay` on top, and waits until its
 * readiness endpoint answers 200. `overlay.backend.listen.port` and
 * `baseUrl` are set to a free port.
 */
export async function startBackendProcess(options: {
  repoRoot: string;
  name: string;
  overlay: Record<string, unknown>;
  env?: Record<string, string>;
  port?: number;
  /** Default 240 s (a cold start on 2 cores takes about a minute). */
  timeoutMs?: number;
}): Promise<BackendProcess> {
  const port = options.port ?? (await freePort());
  const baseUrl = `http://127.0.0.1:${port}`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `portal-${options.name}-`));
  const overlayFile = path.join(dir, 'overlay.json');
  const backend = (options.overlay.backend ?? {}) as Record<string, unknown>;
  fs.writeFileSync(
    overlayFile,
    JSON.stringify({
      ...options.overlay,
      backend: {
        ...backend,
        baseUrl,
        listen: { port, host: '127.0.0.1' },
      },
      app: { baseUrl, ...(options.overlay.app as object) },
    }),
  );
  const logFile = path.join(dir, 'backend.log');
  const out = fs.openSync(logFile, 'w');
  const child = spawn(
    process.execPath,
    [
      '--require',
      path.join(
        options.repoRoot,
        'node_modules/@backstage/cli/config/nodeTransform.cjs',
      ),
      'src/index.ts',
      '--config',
      path.join(options.repoRoot, 'app-config.yaml'),
      '--config',
      overlayFile,
    ],
    {
      cwd: path.join(options.repoRoot, 'packages/backend'),
      env: {
        ...process.env,
        NODE_ENV: 'development',
        LOG_LEVEL: 'info',
        ...options.env,
      },
      stdio: ['ignore', out, out],
    },
  );
  const exited = new Promise<number | null>(resolve =>
    child.once('exit', code => resolve(code)),
  );
  const log = () => fs.readFileSync(logFile, 'utf8');
  /** The log without the access lines of the readiness polling. */
  const problems = () =>
    log()
      .split('\n')
      .filter(l => !l.includes('incomingRequest'))
      .join('\n')
      .slice(-4000);
  const deadline = Date.now() + (options.timeoutMs ?? 240_000);
  let running = true;
  exited.then(() => {
    running = false;
  });
  for (;;) {
    if (!running)
      throw new Error(
        `backend ${options.name} exited during start-up:\n${log().slice(
          -3000,
        )}`,
      );
    try {
      const r = await fetch(`${baseUrl}/.backstage/health/v1/readiness`);
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(
        `backend ${options.name} not ready after ${
          options.timeoutMs ?? 240_000
        } ms:\n${problems()}`,
      );
    }
    await sleep(500);
  }
  return {
    baseUrl,
    port,
    child,
    log,
    exited,
    async stop() {
      if (running) child.kill('SIGTERM');
      await exited;
    },
    async kill() {
      if (running) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Calls a backend's API with a bearer token; a JSON body when given. */
export function callBackend(
  on: { baseUrl: string },
  token: string,
  method: string,
  url: string,
  body?: unknown,
): Promise<Response> {
  return fetch(`${on.baseUrl}${url}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}
