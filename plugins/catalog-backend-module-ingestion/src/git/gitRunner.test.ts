import { GitRunner, runDirect } from './gitRunner';

// The helper process that starts git for the backend: same answers as
// starting git directly, limits kept, and a helper that dies is replaced.

describe('GitRunner', () => {
  const runner = new GitRunner();
  afterAll(() => runner.stop());
  const env = { ...process.env, LC_ALL: 'C' };

  it('answers as git started directly, with standard input', async () => {
    const command = {
      args: ['hash-object', '--stdin'],
      input: 'hello\n',
      env,
      maxBuffer: 1024,
    };
    const viaHelper = await runner.run(command);
    const direct = await runDirect(command);
    expect(viaHelper.code).toBe(0);
    expect(viaHelper.stdout.toString().trim()).toBe(
      'ce013625030ba8dba906f756967f9e9ca394464a',
    );
    expect(viaHelper.stdout.equals(direct.stdout)).toBe(true);
  });

  it('reports a failing command with its exit code and message', async () => {
    const out = await runner.run({
      args: ['cat-file', '-p', 'no-such-object'],
      env,
      maxBuffer: 1024,
    });
    expect(out.code).not.toBe(0);
    expect(out.stderr.toString()).toMatch(/no-such-object|not a valid/);
  });

  it('stops git when its output passes the limit', async () => {
    const out = await runner.run({
      args: ['help', '-a'],
      env,
      maxBuffer: 100,
    });
    expect(out.error).toBe('output larger than 100 bytes');
    expect(out.stdout.length).toBeLessThanOrEqual(100);
  });

  it('starts a new helper after the old one died', async () => {
    await runner.run({ args: ['--version'], env, maxBuffer: 1024 });
    const helper = (runner as any).helper;
    expect(helper).toBeDefined();
    const exited = new Promise(r => helper.once('exit', r));
    helper.kill('SIGKILL');
    await exited;
    const out = await runner.run({ args: ['--version'], env, maxBuffer: 1024 });
    expect(out.code).toBe(0);
    expect(out.stdout.toString()).toMatch(/^git version/);
    expect((runner as any).helper).not.toBe(helper);
  });
});
