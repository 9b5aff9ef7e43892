import { ChildProcess, spawn } from 'node:child_process';

/** What one `git` command printed, and how it ended. */
export interface GitOutput {
  code: number | null;
  stdout: Buffer;
  stderr: Buffer;
  /** Set when git could not be started or its output was too large. */
  error?: string;
}

export interface GitCommand {
  args: string[];
  /** Written to git's standard input, which is then closed. */
  input?: string;
  env: NodeJS.ProcessEnv;
  maxBuffer: number;
}

/*
 * Runs in a small helper process: starts git, collects its output, answers
 * over IPC. Plain JavaScript given to `node -e`, so nothing needs packaging.
 */
const HELPER = `
const { spawn } = require('node:child_process');
process.on('disconnect', () => process.exit(0));
process.on('message', ({ id, args, input, env, maxBuffer }) => {
  const out = [], err = [];
  let size = 0, error, done = false;
  const finish = (code) => {
    if (done) return;
    done = true;
    process.send({ id, code, stdout: Buffer.concat(out), stderr: Buffer.concat(err), error });
  };
  let child;
  try {
    child = spawn('git', args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (e) {
    error = String(e && e.message || e);
    return finish(null);
  }
  child.on('error', e => { error = String(e && e.message || e); finish(null); });
  child.stdout.on('data', c => {
    size += c.length;
    if (size > maxBuffer) { error = 'output larger than ' + maxBuffer + ' bytes'; child.kill(); return; }
    out.push(c);
  });
  child.stderr.on('data', c => { if (err.length < 64) err.push(c); });
  child.stdin.on('error', () => {});
  child.stdin.end(input === undefined ? undefined : input);
  child.on('close', code => finish(code));
});
`;

/**
 * Starts git commands from a small helper process instead of the backend.
 *
 * Starting a process from the backend copies the page tables of its whole
 * heap (hundreds of MB) and blocks its event loop meanwhile: about 16 ms a
 * `git` command in the ingestion benchmark, two commands per repository,
 * while the catalog works on the same event loop. The helper's heap is
 * small, so starting git from it is cheap, and the backend only exchanges
 * messages. When the helper cannot run, commands start from the backend.
 */
export class GitRunner {
  private helper?: ChildProcess;
  private nextId = 0;
  private readonly pending = new Map<number, (out: GitOutput) => void>();
  private broken = false;

  run(command: GitCommand): Promise<GitOutput> {
    const helper = this.broken ? undefined : this.start();
    if (!helper) return runDirect(command);
    const id = this.nextId++;
    return new Promise<GitOutput>(resolve => {
      this.pending.set(id, resolve);
      helper.send({ id, ...command }, error => {
        if (!error) return;
        this.pending.delete(id);
        resolve(runDirect(command));
      });
    });
  }

  /** Stops the helper (tests, shutdown); the next command starts a new one. */
  stop() {
    const helper = this.helper;
    this.helper = undefined;
    helper?.disconnect();
  }

  private start(): ChildProcess | undefined {
    if (this.helper) return this.helper;
    let helper: ChildProcess;
    try {
      helper = spawn(
        process.execPath,
        ['--max-old-space-size=256', '-e', HELPER],
        {
          stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
          serialization: 'advanced',
          env: { PATH: process.env.PATH ?? '' },
        },
      );
    } catch {
      this.broken = true;
      return undefined;
    }
    helper.on('message', (message: GitOutput & { id: number }) => {
      const resolve = this.pending.get(message.id);
      if (!resolve) return;
      this.pending.delete(message.id);
      resolve({
        code: message.code,
        stdout: Buffer.from(message.stdout),
        stderr: Buffer.from(message.stderr),
        error: message.error,
      });
    });
    const gone = (why: string) => {
      if (this.helper === helper) this.helper = undefined;
      // Commands the helper had not answered fail; the caller reports
      // them like any git failure and the next scan reads them again.
      for (const [id, resolve] of this.pending) {
        this.pending.delete(id);
        resolve({
          code: null,
          stdout: Buffer.alloc(0),
          stderr: Buffer.alloc(0),
          error: why,
        });
      }
    };
    helper.on('error', error => {
      this.broken = true;
      gone(`git helper failed: ${error.message}`);
    });
    helper.on('exit', code => gone(`git helper exited (${code})`));
    // Never keeps the backend (or a test) alive on its own.
    helper.unref();
    (helper as any).channel?.unref?.();
    this.helper = helper;
    return helper;
  }
}

/** The same command started from this process. */
export function runDirect(command: GitCommand): Promise<GitOutput> {
  return new Promise(resolve => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let size = 0;
    let error: string | undefined;
    let done = false;
    const finish = (code: number | null) => {
      if (done) return;
      done = true;
      resolve({
        code,
        stdout: Buffer.concat(out),
        stderr: Buffer.concat(err),
        error,
      });
    };
    const child = spawn('git', command.args, {
      env: command.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    child.on('error', e => {
      error = e.message;
      finish(null);
    });
    child.stdout.on('data', (c: Buffer) => {
      size += c.length;
      if (size > command.maxBuffer) {
        error = `output larger than ${command.maxBuffer} bytes`;
        child.kill();
        return;
      }
      out.push(c);
    });
    child.stderr.on('data', (c: Buffer) => {
      if (err.length < 64) err.push(c);
    });
    child.stdin.on('error', () => {});
    child.stdin.end(command.input);
    child.on('close', code => finish(code));
  });
}

/** One helper for the whole backend. */
export const gitRunner = new GitRunner();
