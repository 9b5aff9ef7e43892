import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
// The GitHub and GitLab stand-ins of catalog ingestion's tests: REST API and
// git over HTTP (git http-backend), served from a local directory.
import {
  commitFiles,
  createRepo,
  startGithubStandIn,
  startGitlabStandIn,
} from '@internal/plugin-catalog-backend-module-ingestion/testUtils';
import { applyTemplateChange } from './applyTemplateChange';
import type { Files, HostKind, RepositoryTarget } from './types';

jest.setTimeout(60_000);

/** The error a promise rejects with (fails when it resolves). */
async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
}

const TOKEN = 'secret-token-123';
const AUTHOR = { name: 'Golden Paths', email: 'golden-paths@example.com' };
const BRANCH = 'golden-paths/upgrade-1-to-2';

type StandIn = Awaited<ReturnType<typeof startGithubStandIn>>;

/** Runs git on a bare repository. */
function bare(dir: string, ...args: string[]): string {
  return execFileSync('git', [`--git-dir=${dir}`, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, GIT_CONFIG_NOSYSTEM: '1', HOME: dir },
  }).trim();
}

const files = (spec: Record<string, string>): Files =>
  new Map(Object.entries(spec).map(([k, v]) => [k, Buffer.from(v)]));

const INDEX = `${Array.from({ length: 10 }, (_, i) => `line ${i + 1}`).join(
  '\n',
)}\n`;

const BASE = {
  'README.md': '# orders\n',
  Dockerfile: 'FROM node:18\nCMD ["node", "index.js"]\n',
  'src/index.ts': INDEX,
  'old.txt': 'obsolete\n',
  'config/app.yaml': 'port: 8080\n',
};

/** The template's version 2: one file changed, one added, one deleted. */
const THEIRS = (() => {
  const next: Record<string, string> = {
    ...BASE,
    Dockerfile: 'FROM node:22\nCMD ["node", "index.js"]\n',
    '.github/workflows/ci.yaml': 'on: push\n',
  };
  delete next['old.txt'];
  return next;
})();

const hosts: Array<{
  kind: HostKind;
  start?: (dir: string) => Promise<StandIn>;
}> = [
  { kind: 'local' },
  {
    kind: 'github',
    start: dir => startGithubStandIn({ dir, org: 'acme', token: TOKEN }),
  },
  {
    kind: 'gitlab',
    start: dir => startGitlabStandIn({ dir, group: 'acme', token: TOKEN }),
  },
];

describe.each(hosts)('applyTemplateChange on $kind', host => {
  let root: string;
  let hostDir: string;
  let standIn: StandIn | undefined;

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), `apply-${host.kind}-`));
    hostDir = path.join(root, 'host');
    fs.mkdirSync(hostDir);
    standIn = await host.start?.(hostDir);
  });

  afterAll(async () => {
    await standIn?.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  /**
   * A repository on the host made from the base files, with the team's own
   * commit on top; returns its bare directory, its target and its head.
   */
  function makeRepository(
    name: string,
    team: Record<string, string | null>,
  ): { dir: string; target: RepositoryTarget; head: string } {
    const dir = path.join(hostDir, `${name}.git`);
    execFileSync('git', ['init', '-q', '--bare', '-b', 'main', dir]);
    bare(dir, 'config', 'http.receivepack', 'true');
    const work = path.join(root, 'work', name);
    createRepo(work, BASE);
    commitFiles(work, team, 'our own change');
    execFileSync('git', ['-C', work, 'push', '-q', dir, 'HEAD:main']);
    const target: RepositoryTarget =
      host.kind === 'local'
        ? { kind: 'local', name, cloneUrl: dir }
        : {
            kind: host.kind,
            name,
            owner: 'acme',
            cloneUrl: `http://${standIn!.host}/acme/${name}.git`,
            apiBaseUrl: standIn!.apiBaseUrl,
            token: TOKEN,
          };
    return { dir, target, head: bare(dir, 'rev-parse', 'main') };
  }

  const apply = (
    target: RepositoryTarget,
    theirs: Record<string, string>,
    branch = BRANCH,
  ) =>
    applyTemplateChange({
      target,
      base: files(BASE),
      theirs: files(theirs),
      branch,
      message: 'Upgrade to template version 2',
      author: AUTHOR,
      tmpDir: root,
    });

  it('proposes the template change on a branch on top of the team head', async () => {
    const repo = makeRepository('orders', {
      'README.md': '# orders\n\nOur service.\n',
      'TEAM.md': 'team-a\n',
    });
    const result = await apply(repo.target, THEIRS);

    expect(result).toEqual({
      status: 'proposed',
      defaultBranch: 'main',
      baseCommit: repo.head,
      commit: bare(repo.dir, 'rev-parse', BRANCH),
      changed: [
        { path: '.github/workflows/ci.yaml', change: 'added' },
        { path: 'Dockerfile', change: 'modified' },
        { path: 'old.txt', change: 'deleted' },
      ],
      conflicts: [],
    });
    // Exactly one commit on top of the team's head, with only the template's files.
    expect(bare(repo.dir, 'rev-parse', `${BRANCH}^`)).toBe(repo.head);
    expect(
      bare(repo.dir, 'diff', '--name-only', 'main', BRANCH).split('\n'),
    ).toEqual(['.github/workflows/ci.yaml', 'Dockerfile', 'old.txt']);
    expect(bare(repo.dir, 'show', `${BRANCH}:README.md`)).toContain(
      'Our service.',
    );
    expect(bare(repo.dir, 'show', `${BRANCH}:TEAM.md`)).toBe('team-a');
    expect(bare(repo.dir, 'show', `${BRANCH}:Dockerfile`)).toContain(
      'FROM node:22',
    );
    expect(
      bare(repo.dir, 'log', '-1', '--format=%an <%ae>|%cn|%s', BRANCH),
    ).toBe(
      'Golden Paths <golden-paths@example.com>|Golden Paths|Upgrade to template version 2',
    );
    // The default branch is untouched, and only the branch was pushed.
    expect(bare(repo.dir, 'rev-parse', 'main')).toBe(repo.head);
    expect(bare(repo.dir, 'for-each-ref', '--format=%(refname)')).toBe(
      `refs/heads/${BRANCH}\nrefs/heads/main`,
    );
    // The temporary clone is gone.
    expect(
      fs.readdirSync(root).filter(n => n.startsWith('template-change-')),
    ).toEqual([]);

    // Proposing the same again changes nothing.
    const again = await apply(repo.target, THEIRS);
    expect(again.commit).toBe(result.commit);

    // After the team moves on, the proposal is remade on the new head.
    const work = path.join(root, 'work', 'orders');
    commitFiles(work, { 'TEAM.md': 'team-b\n' }, 'hand over');
    execFileSync('git', ['-C', work, 'push', '-q', repo.dir, 'HEAD:main']);
    const newHead = bare(repo.dir, 'rev-parse', 'main');
    const remade = await apply(repo.target, THEIRS);
    expect(remade.baseCommit).toBe(newHead);
    expect(bare(repo.dir, 'rev-parse', `${BRANCH}^`)).toBe(newHead);
    expect(bare(repo.dir, 'rev-parse', BRANCH)).toBe(remade.commit);
  });

  it('leaves conflicting files as the team has them and applies the rest', async () => {
    const repo = makeRepository('billing', {
      Dockerfile: 'FROM node:20-alpine\nCMD ["node", "index.js"]\n',
      // A change in the same file as the template's, elsewhere: merged.
      'src/index.ts': INDEX.replace('line 2\n', 'line 2 (ours)\n'),
      'config/app.yaml': null,
      'old.txt': 'still needed\n',
    });
    const theirs = {
      ...THEIRS,
      'src/index.ts': INDEX.replace('line 9\n', 'line 9 (template)\n'),
      'config/app.yaml': 'port: 9090\n',
    };
    const result = await apply(repo.target, theirs);

    expect(result.status).toBe('proposed');
    expect(result.conflicts.map(c => c.path)).toEqual([
      'Dockerfile',
      'config/app.yaml',
      'old.txt',
    ]);
    const [docker, config, old] = result.conflicts;
    expect(docker.reason).toMatch(/both the template and this repository/);
    expect(docker.templateDiff).toContain('-FROM node:18');
    expect(docker.templateDiff).toContain('+FROM node:22');
    expect(config.reason).toMatch(/this repository deleted/);
    expect(config.templateDiff).toContain('+port: 9090');
    expect(old.reason).toMatch(/the template deletes/);
    expect(old.templateDiff).toContain('deleted file mode');
    expect(result.changed).toEqual([
      { path: '.github/workflows/ci.yaml', change: 'added' },
      { path: 'src/index.ts', change: 'modified' },
    ]);
    expect(bare(repo.dir, 'show', `${BRANCH}:old.txt`)).toBe('still needed');
    // The team's versions of the conflicting files are kept.
    expect(bare(repo.dir, 'show', `${BRANCH}:Dockerfile`)).toContain(
      'FROM node:20-alpine',
    );
    expect(() =>
      execFileSync(
        'git',
        [
          `--git-dir=${repo.dir}`,
          'cat-file',
          '-e',
          `${BRANCH}:config/app.yaml`,
        ],
        { stdio: 'ignore' },
      ),
    ).toThrow();
    // The three-way merge keeps both edits of src/index.ts.
    const index = bare(repo.dir, 'show', `${BRANCH}:src/index.ts`);
    expect(index).toContain('line 2 (ours)');
    expect(index).toContain('line 9 (template)');
    expect(bare(repo.dir, 'rev-parse', 'main')).toBe(repo.head);
    expect(bare(repo.dir, 'rev-parse', `${BRANCH}^`)).toBe(repo.head);
  });

  it('does not replace a proposal branch someone else committed to', async () => {
    const repo = makeRepository('shipping', { 'TEAM.md': 'team-a\n' });
    const first = await apply(repo.target, THEIRS);
    // A person adds a commit to the proposal's branch.
    const work = path.join(root, 'work', 'shipping');
    execFileSync('git', ['-C', work, 'fetch', '-q', repo.dir, BRANCH]);
    execFileSync('git', ['-C', work, 'checkout', '-q', 'FETCH_HEAD']);
    commitFiles(work, { Dockerfile: 'FROM node:22-slim\n' }, 'tweak');
    execFileSync('git', [
      '-C',
      work,
      'push',
      '-q',
      repo.dir,
      `HEAD:refs/heads/${BRANCH}`,
    ]);
    const theirHead = bare(repo.dir, 'rev-parse', BRANCH);
    expect(theirHead).not.toBe(first.commit);
    await expect(
      apply(repo.target, { ...THEIRS, 'README.md': '# orders v2\n' }),
    ).rejects.toThrow(
      new RegExp(`branch "${BRANCH}" of .* already has a commit not made by`),
    );
    expect(bare(repo.dir, 'rev-parse', BRANCH)).toBe(theirHead);
  });

  it('pushes nothing when the template did not change', async () => {
    const repo = makeRepository('search', { 'TEAM.md': 'team-a\n' });
    const result = await apply(repo.target, BASE);
    expect(result).toEqual({
      status: 'up-to-date',
      defaultBranch: 'main',
      baseCommit: repo.head,
      changed: [],
      conflicts: [],
    });
    expect(bare(repo.dir, 'for-each-ref', '--format=%(refname)')).toBe(
      'refs/heads/main',
    );
  });

  it('refuses to push to the default branch or to anything but a branch', async () => {
    const repo = makeRepository('ledger', { 'TEAM.md': 'team-a\n' });
    await expect(apply(repo.target, THEIRS, 'main')).rejects.toThrow(
      /refusing to push to "main": it is the repository's default branch/,
    );
    await expect(apply(repo.target, THEIRS, 'refs/heads/x')).rejects.toThrow(
      /not a branch/,
    );
    await expect(apply(repo.target, THEIRS, 'a/../main')).rejects.toThrow(
      /not a branch/,
    );
    expect(bare(repo.dir, 'for-each-ref', '--format=%(refname)')).toBe(
      'refs/heads/main',
    );
    expect(bare(repo.dir, 'rev-parse', 'main')).toBe(repo.head);
  });

  if (host.kind !== 'local') {
    it('names the repository and git command on errors, never the token', async () => {
      const repo = makeRepository('payments', { 'TEAM.md': 'team-a\n' });
      const error = await failure(
        apply({ ...repo.target, token: 'wrong-token-456' }, THEIRS),
      );
      expect(error).toBeInstanceOf(Error);
      expect(error.message).toContain(
        `git clone failed for ${host.kind} repository acme/payments on ${
          standIn!.host
        }`,
      );
      expect(error.message).not.toContain('wrong-token-456');
      expect(error.message).not.toContain(TOKEN);
    });
  }
});
