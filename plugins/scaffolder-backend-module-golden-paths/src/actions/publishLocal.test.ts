import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { createPublishLocalAction } from './publishLocal';

const config = (root: string, maxRepositoryBytes = 1024 * 1024) => ({
  target: 'local' as const,
  localRoot: root,
  ingestionSource: 'local-repos',
  defaultBranch: 'main',
  maxRepositoryBytes,
  visibleTimeoutMs: 1000,
  author: { name: 'Portal Test', email: 'portal@example.com' },
  commitMessage: 'Initial commit',
});

let tmp: string;
let root: string;
let workspace: string;

beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'publish-local-'));
  root = path.join(tmp, 'repos');
  workspace = path.join(tmp, 'workspace');
  fs.mkdirSync(path.join(workspace, 'src'), { recursive: true });
  fs.writeFileSync(
    path.join(workspace, 'catalog-info.yaml'),
    'kind: Component\n',
  );
  fs.writeFileSync(path.join(workspace, 'src/index.ts'), 'export {};\n');
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A scaffolder action context on a real workspace; checkpoints remember values like the scaffolder's. */
function context(
  input: Record<string, unknown>,
  checkpoints = new Map<string, unknown>(),
) {
  const output = jest.fn();
  return {
    output,
    ctx: {
      input,
      workspacePath: workspace,
      logger: mockServices.logger.mock(),
      output,
      task: { id: 'task-1' },
      checkpoint: async ({
        key,
        fn,
      }: {
        key: string;
        fn: () => Promise<any>;
      }) => {
        if (!checkpoints.has(key)) checkpoints.set(key, await fn());
        return checkpoints.get(key);
      },
      createTemporaryDirectory: async () =>
        fs.mkdtempSync(path.join(tmp, 'step-')),
      getInitiatorCredentials: async () => mockCredentials.user(),
    } as any,
  };
}

const gitShow = (repo: string, ...what: string[]) =>
  execFileSync('git', [`--git-dir=${repo}`, 'show', ...what], {
    encoding: 'utf8',
  });

describe('portal:publish:local', () => {
  it('commits the workspace into a new bare repository on the default branch', async () => {
    const action = createPublishLocalAction({ config: config(root) });
    const { ctx, output } = context({
      repoName: 'orders-api',
      description: 'Orders',
    });
    await action.handler(ctx);
    const repo = path.join(root, 'orders-api.git');
    expect(output).toHaveBeenCalledWith('remoteUrl', `file://${repo}`);
    expect(output).toHaveBeenCalledWith('repositoryName', 'orders-api');
    expect(gitShow(repo, 'HEAD:src/index.ts')).toBe('export {};\n');
    expect(gitShow(repo, '--no-patch', '--format=%an <%ae>%n%B', 'HEAD')).toBe(
      'Portal Test <portal@example.com>\nInitial commit\n\nOrders\n\n',
    );
    expect(
      execFileSync('git', [`--git-dir=${repo}`, 'symbolic-ref', 'HEAD'], {
        encoding: 'utf8',
      }),
    ).toBe('refs/heads/main\n');
    // Nothing but the repository is left in the root (no staging directory).
    expect(fs.readdirSync(root)).toEqual(['orders-api.git']);
    // The workspace is not turned into a git repository.
    expect(fs.existsSync(path.join(workspace, '.git'))).toBe(false);
  });

  it.each([
    '../evil',
    'a/b',
    'Orders',
    'x',
    '-leading-dash',
    'trailing.',
    'double..dot',
    'name.git',
    'a'.repeat(101),
    'with space',
  ])('refuses the repository name %j before touching the disk', async name => {
    const action = createPublishLocalAction({ config: config(root) });
    await expect(
      action.handler(context({ repoName: name }).ctx),
    ).rejects.toThrow(/repository name .* is not allowed/);
    expect(fs.existsSync(root)).toBe(false);
  });

  it('an existing repository is a conflict and stays untouched', async () => {
    const action = createPublishLocalAction({ config: config(root) });
    await action.handler(context({ repoName: 'orders-api' }).ctx);
    const head = gitShow(
      path.join(root, 'orders-api.git'),
      '--no-patch',
      '--format=%H',
      'HEAD',
    );
    fs.writeFileSync(path.join(workspace, 'catalog-info.yaml'), 'changed\n');
    await expect(
      action.handler(context({ repoName: 'orders-api' }).ctx),
    ).rejects.toThrow('repository "orders-api" already exists');
    expect(
      gitShow(
        path.join(root, 'orders-api.git'),
        '--no-patch',
        '--format=%H',
        'HEAD',
      ),
    ).toBe(head);
    // A non-bare repository of that name counts too.
    fs.mkdirSync(path.join(root, 'billing'));
    await expect(
      action.handler(context({ repoName: 'billing' }).ctx),
    ).rejects.toThrow('repository "billing" already exists');
  });

  it('a retried task does not publish a second time', async () => {
    const action = createPublishLocalAction({ config: config(root) });
    const checkpoints = new Map<string, unknown>();
    await action.handler(context({ repoName: 'orders-api' }, checkpoints).ctx);
    const again = context({ repoName: 'orders-api' }, checkpoints);
    await action.handler(again.ctx);
    expect(again.output).toHaveBeenCalledWith('repositoryName', 'orders-api');
    expect(fs.readdirSync(root)).toEqual(['orders-api.git']);
  });

  it('refuses a source outside the workspace and an oversized repository, leaving nothing', async () => {
    const action = createPublishLocalAction({ config: config(root, 1000) });
    await expect(
      action.handler(context({ repoName: 'out', sourcePath: '../' }).ctx),
    ).rejects.toThrow('sourcePath "../" is outside the workspace');
    fs.writeFileSync(path.join(workspace, 'big.bin'), Buffer.alloc(5000));
    await expect(
      action.handler(context({ repoName: 'big' }).ctx),
    ).rejects.toThrow('the generated repository is larger than 1000 bytes');
    expect(fs.existsSync(path.join(root, 'big.git'))).toBe(false);
  });

  it('a failed commit leaves no staging directory behind', async () => {
    const action = createPublishLocalAction({ config: config(root) });
    fs.rmSync(workspace, { recursive: true });
    fs.mkdirSync(workspace);
    await expect(
      action.handler(context({ repoName: 'empty' }).ctx),
    ).rejects.toThrow();
    expect(fs.readdirSync(root)).toEqual([]);
  });

  it('needs a configured root', async () => {
    const action = createPublishLocalAction({
      config: { ...config(root), localRoot: undefined },
    });
    await expect(
      action.handler(context({ repoName: 'orders-api' }).ctx),
    ).rejects.toThrow(
      'portal:publish:local needs goldenPaths.publish.localRoot',
    );
  });
});
