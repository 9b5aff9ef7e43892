import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { AppliedChange, Files, RepositoryTarget } from './types';

/** Longest template diff kept for a conflicting file. */
const MAX_TEMPLATE_DIFF = 20_000;
/** Git commands that talk to the host get longer than local ones. */
const NETWORK_TIMEOUT_MS = 5 * 60_000;
const LOCAL_TIMEOUT_MS = 2 * 60_000;

/** What a status letter of `git diff --name-status` means (else: modified). */
const CHANGE_KINDS: Record<string, 'added' | 'deleted'> = {
  A: 'added',
  D: 'deleted',
};

/** Environment variables passed through to git (proxies, CA bundles). */
const PASS_THROUGH = [
  'http_proxy',
  'https_proxy',
  'no_proxy',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'GIT_SSL_CAINFO',
];

/** What one git command printed. */
export interface GitResult {
  code: number;
  stdout: Buffer;
  stderr: string;
}

/**
 * Runs git in a neutral environment: no system or user configuration
 * (HOME is `home`), no prompts, literal pathspecs, C locale; the target's
 * token, if any, goes in an `http.<url>.extraHeader` set through git's
 * environment (GIT_CONFIG_COUNT), never on the command line or in a URL.
 * Resolves with the exit code when it is in `okCodes`, otherwise rejects
 * with an error naming the repository, the git command and the first line
 * git wrote to stderr, with the token scrubbed.
 */
export class Git {
  private readonly env: NodeJS.ProcessEnv;
  private readonly secrets: string[];

  constructor(
    private readonly target: RepositoryTarget,
    home: string,
    extraEnv: NodeJS.ProcessEnv = {},
  ) {
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH ?? '',
      HOME: home,
      XDG_CONFIG_HOME: home,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_TERMINAL_PROMPT: '0',
      GCM_INTERACTIVE: 'never',
      GIT_LITERAL_PATHSPECS: '1',
      GIT_NO_REPLACE_OBJECTS: '1',
      LC_ALL: 'C',
    };
    for (const name of PASS_THROUGH) {
      if (process.env[name] !== undefined) env[name] = process.env[name];
    }
    this.secrets = [];
    if (target.kind !== 'local') {
      // Only the host's own protocols: never a local path or ext:: command.
      env.GIT_ALLOW_PROTOCOL = 'https:http';
      if (target.token) {
        const user = target.kind === 'gitlab' ? 'oauth2' : 'x-access-token';
        const basic = Buffer.from(`${user}:${target.token}`).toString('base64');
        // Scoped to the repository's host, so a redirect elsewhere gets none.
        const scope = `${new URL(target.cloneUrl).origin}/`;
        env.GIT_CONFIG_COUNT = '1';
        env.GIT_CONFIG_KEY_0 = `http.${scope}.extraHeader`;
        env.GIT_CONFIG_VALUE_0 = `Authorization: Basic ${basic}`;
        this.secrets.push(target.token, basic);
      }
    }
    this.env = { ...env, ...extraEnv };
  }

  /** The repository in words, for error messages (never with a token). */
  get label(): string {
    return describeTarget(this.target);
  }

  /** Removes the token (and its encoded form) from a text. */
  scrub(text: string): string {
    let out = text;
    for (const secret of this.secrets) out = out.split(secret).join('***');
    return out;
  }

  async run(
    args: string[],
    options: {
      cwd?: string;
      input?: string | Buffer;
      env?: NodeJS.ProcessEnv;
      okCodes?: number[];
      network?: boolean;
      maxBuffer?: number;
    } = {},
  ): Promise<GitResult> {
    const okCodes = options.okCodes ?? [0];
    const result = await new Promise<GitResult & { error?: string }>(
      resolve => {
        const child = execFile(
          'git',
          args,
          {
            cwd: options.cwd,
            env: { ...this.env, ...options.env },
            encoding: 'buffer',
            maxBuffer: options.maxBuffer ?? 64 * 1024 * 1024,
            timeout: options.network ? NETWORK_TIMEOUT_MS : LOCAL_TIMEOUT_MS,
            windowsHide: true,
          },
          (error, stdout, stderr) => {
            const err = error as
              | (Error & { code?: number | string; killed?: boolean })
              | null;
            let why: string | undefined;
            let code = 0;
            if (err && typeof err.code === 'number') {
              code = err.code;
            } else if (err) {
              code = -1;
              why = err.killed
                ? 'timed out'
                : String(err.code ?? err.message.split('\n')[0]);
            }
            resolve({
              code,
              stdout: stdout as Buffer,
              stderr: (stderr as Buffer).toString('utf8'),
              error: why,
            });
          },
        );
        child.stdin?.on('error', () => {});
        child.stdin?.end(options.input);
      },
    );
    if (result.error === undefined && okCodes.includes(result.code)) {
      return result;
    }
    const detail =
      result.error ??
      (result.stderr
        .split('\n')
        .map(l => l.trim())
        .find(l => l.length > 0) ||
        `exit code ${result.code}`);
    throw new Error(
      this.scrub(
        `git ${args.find(a => !a.startsWith('-')) ?? args[0]} failed for ${
          this.label
        }: ${detail}`,
      ),
    );
  }

  async text(
    args: string[],
    options: Parameters<Git['run']>[1] = {},
  ): Promise<string> {
    return (await this.run(args, options)).stdout.toString('utf8').trim();
  }
}

/** The repository in words, for messages. */
export function describeTarget(target: RepositoryTarget): string {
  if (target.kind === 'local') return `local repository ${target.cloneUrl}`;
  let host = target.cloneUrl;
  try {
    host = new URL(target.cloneUrl).host;
  } catch {
    // not a URL: keep it as given
  }
  const name = target.owner ? `${target.owner}/${target.name}` : target.name;
  return `${target.kind} repository ${name} on ${host}`;
}

/**
 * Checks a branch name the portal may push to: a valid git branch name,
 * not a full ref, without `..`, and (once known) not the default branch.
 */
export function checkBranchName(branch: string, defaultBranch?: string) {
  if (
    !branch ||
    branch.startsWith('refs/') ||
    branch.includes('..') ||
    branch === 'HEAD' ||
    branch.startsWith('-') ||
    branch.startsWith('/') ||
    branch.endsWith('/') ||
    branch.endsWith('.') ||
    branch.endsWith('.lock') ||
    branch.includes('//') ||
    branch.includes('@{') ||
    branch.includes('/.') ||
    branch.startsWith('.') ||
    // eslint-disable-next-line no-control-regex
    /[\x00-\x20\x7f~^:?*[\\]/.test(branch)
  ) {
    throw new Error(
      `"${branch}" is not a branch the portal may push to (a branch name, not a ref, without "..")`,
    );
  }
  if (defaultBranch !== undefined && branch === defaultBranch) {
    throw new Error(
      `refusing to push to "${branch}": it is the repository's default branch`,
    );
  }
}

/** Checks a repository-relative POSIX path of a template file. */
function checkPath(file: string) {
  const parts = file.split('/');
  if (
    !file ||
    file.startsWith('/') ||
    file.includes('\0') ||
    file.includes('\\') ||
    parts.some(
      p => p === '' || p === '.' || p === '..' || p.toLowerCase() === '.git',
    )
  ) {
    throw new Error(`"${file}" is not a repository-relative file path`);
  }
}

/** The parameters of applyTemplateChange. */
export interface ApplyTemplateChangeOptions {
  target: RepositoryTarget;
  /** The template's files at the version the repository was made from. */
  base: Files;
  /** The template's files at the version proposed. */
  theirs: Files;
  /** The branch to push the change to (never the default branch). */
  branch: string;
  /** The commit message. */
  message: string;
  /** Author and committer of the commit. */
  author: { name: string; email: string };
  /** Where the temporary clone is made (default: the OS temp dir). */
  tmpDir?: string;
}

/**
 * Applies the template's change from `base` to `theirs` to the repository
 * as a three-way merge against the head of its default branch (git's
 * cherry-pick of a synthetic commit: base = the `base` files, ours = the
 * head, theirs = the `theirs` files, with git's rename detection), and
 * pushes the result to `branch` only. Files where the template's change
 * and the repository's own changes collide are left as the repository has
 * them and listed in `conflicts`, with the template's diff of that file.
 * When nothing changes, nothing is pushed ('up-to-date').
 *
 * A branch that already exists is replaced only when its last commit was
 * made by `author` (an earlier proposal), with a lease on its current
 * commit; a branch with someone else's commit on top is left alone (an
 * error). Nothing but `refs/heads/<branch>` is ever pushed.
 */
export async function applyTemplateChange(
  options: ApplyTemplateChangeOptions,
): Promise<AppliedChange> {
  const { target, branch, author } = options;
  checkBranchName(branch);
  for (const file of [...options.base.keys(), ...options.theirs.keys()]) {
    checkPath(file);
  }
  const tmp = await fs.mkdtemp(
    path.join(options.tmpDir ?? os.tmpdir(), 'template-change-'),
  );
  try {
    const identity = {
      GIT_AUTHOR_NAME: author.name,
      GIT_AUTHOR_EMAIL: author.email,
      GIT_COMMITTER_NAME: author.name,
      GIT_COMMITTER_EMAIL: author.email,
    };
    const home = path.join(tmp, 'home');
    await fs.mkdir(home);
    const git = new Git(target, home, identity);
    const work = path.join(tmp, 'work');
    const cloneArgs = [
      'clone',
      '--quiet',
      '--no-tags',
      '--single-branch',
      '--template=',
    ];
    // A shallow clone is enough: the merge's base is the synthetic commit.
    // A local repository is borrowed from (alternates), not copied.
    cloneArgs.push(
      ...(target.kind === 'local' ? ['--shared'] : ['--depth', '1']),
    );
    await git.run([...cloneArgs, '--', target.cloneUrl, work], {
      network: true,
    });
    const inRepo = { cwd: work };

    // 1. The default branch and its head.
    const headRef = await git
      .text(['symbolic-ref', '--quiet', 'HEAD'], inRepo)
      .catch(() => '');
    const defaultBranch = headRef.replace(/^refs\/heads\//, '');
    const head = await git
      .text(['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'], inRepo)
      .catch(() => '');
    if (!defaultBranch || !head) {
      throw new Error(
        `${git.label} has no commits on a default branch to propose a change to`,
      );
    }
    checkBranchName(branch, defaultBranch);
    await git.run(['check-ref-format', `refs/heads/${branch}`], inRepo);

    // 2. Synthetic commits: B (the base files), T (the new files, parent B).
    const blobs = path.join(tmp, 'blobs');
    await fs.mkdir(blobs);
    let blobCount = 0;
    const writeTree = async (files: Files, index: string) => {
      const entries = [...files.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
      const env = { GIT_INDEX_FILE: path.join(tmp, index) };
      if (entries.length === 0) {
        return git.text(['write-tree'], { ...inRepo, env });
      }
      const paths: string[] = [];
      for (const [, content] of entries) {
        const file = path.join(blobs, String(blobCount++));
        await fs.writeFile(file, content);
        paths.push(file);
      }
      const oids = (
        await git.text(['hash-object', '-w', '--no-filters', '--stdin-paths'], {
          ...inRepo,
          input: `${paths.join('\n')}\n`,
        })
      ).split('\n');
      const info = entries
        .map(([file], i) => `100644 ${oids[i]}\t${file}\0`)
        .join('');
      await git.run(['update-index', '--add', '-z', '--index-info'], {
        ...inRepo,
        env,
        input: info,
      });
      return git.text(['write-tree'], { ...inRepo, env });
    };
    const baseTree = await writeTree(options.base, 'index-base');
    const theirsTree = await writeTree(options.theirs, 'index-theirs');
    const result = (status: 'proposed' | 'up-to-date', extra = {}) => ({
      status,
      defaultBranch,
      baseCommit: head,
      changed: [],
      conflicts: [],
      ...extra,
    });
    if (baseTree === theirsTree) return result('up-to-date');
    const baseCommit = await git.text(
      ['commit-tree', baseTree, '-m', 'template: base version'],
      inRepo,
    );
    const theirsCommit = await git.text(
      [
        'commit-tree',
        theirsTree,
        '-p',
        baseCommit,
        '-m',
        'template: new version',
      ],
      inRepo,
    );

    // 3. The three-way merge: base B, ours = head, theirs = T.
    await git.run(['cherry-pick', '--no-commit', theirsCommit], {
      ...inRepo,
      okCodes: [0, 1],
    });
    const unmerged = new Map<string, Set<number>>();
    const listing = (
      await git.run(['ls-files', '-u', '-z'], inRepo)
    ).stdout.toString('utf8');
    for (const record of listing.split('\0').filter(Boolean)) {
      const tab = record.indexOf('\t');
      const stage = Number(record.slice(0, tab).split(' ')[2]);
      const file = record.slice(tab + 1);
      if (!unmerged.has(file)) unmerged.set(file, new Set());
      unmerged.get(file)!.add(stage);
    }
    const conflicts: AppliedChange['conflicts'] = [];
    if (unmerged.size > 0) {
      const atHead = new Set(
        (
          await git.run(['ls-tree', '-r', '-z', '--name-only', 'HEAD'], inRepo)
        ).stdout
          .toString('utf8')
          .split('\0')
          .filter(Boolean),
      );
      const files = [...unmerged.keys()].sort();
      const restore = files.filter(f => atHead.has(f));
      const remove = files.filter(f => !atHead.has(f));
      if (restore.length > 0) {
        await git.run(
          ['checkout', 'HEAD', '--pathspec-from-file=-', '--pathspec-file-nul'],
          { ...inRepo, input: restore.map(f => `${f}\0`).join('') },
        );
      }
      if (remove.length > 0) {
        await git.run(
          [
            'rm',
            '--cached',
            '--force',
            '--quiet',
            '--ignore-unmatch',
            '--pathspec-from-file=-',
            '--pathspec-file-nul',
          ],
          { ...inRepo, input: remove.map(f => `${f}\0`).join('') },
        );
        for (const f of remove) {
          await fs.rm(path.join(work, f), { force: true, recursive: true });
        }
      }
      for (const file of files) {
        conflicts.push({
          path: file,
          reason: conflictReason(unmerged.get(file)!),
          templateDiff: await templateDiff(
            git,
            work,
            baseCommit,
            theirsCommit,
            file,
          ),
        });
      }
    }

    // 4. What the change does relative to the head; commit and push it.
    const tree = await git.text(['write-tree'], inRepo);
    const diff = (
      await git.run(
        [
          'diff-index',
          '--cached',
          '--no-renames',
          '--name-status',
          '-z',
          'HEAD',
        ],
        inRepo,
      )
    ).stdout
      .toString('utf8')
      .split('\0');
    const changed: AppliedChange['changed'] = [];
    for (let i = 0; i + 1 < diff.length; i += 2) {
      const code = diff[i];
      if (!code) break;
      changed.push({
        path: diff[i + 1],
        change: CHANGE_KINDS[code] ?? 'modified',
      });
    }
    changed.sort((a, b) => (a.path < b.path ? -1 : 1));
    if (changed.length === 0) return result('up-to-date', { conflicts });

    const existing = await remoteBranch(git, work, branch);
    if (existing) {
      await git.run(
        [
          'fetch',
          '--quiet',
          '--no-tags',
          ...(target.kind === 'local' ? [] : ['--depth', '1']),
          'origin',
          `+refs/heads/${branch}:refs/remotes/origin/${branch}`,
        ],
        { ...inRepo, network: true },
      );
      const raw = await git.text(['cat-file', 'commit', existing], inRepo);
      const headers = raw.split('\n\n')[0].split('\n');
      const parents = headers
        .filter(l => l.startsWith('parent '))
        .map(l => l.slice(7));
      const existingTree = headers.find(l => l.startsWith('tree '))?.slice(5);
      const committer = /<([^>]*)>/.exec(
        headers.find(l => l.startsWith('committer ')) ?? '',
      )?.[1];
      if (
        existingTree === tree &&
        parents.length === 1 &&
        parents[0] === head
      ) {
        // The same proposal is already there.
        return result('proposed', { commit: existing, changed, conflicts });
      }
      if (committer !== author.email) {
        throw new Error(
          `branch "${branch}" of ${
            git.label
          } already has a commit not made by ${author.email} (${existing.slice(
            0,
            12,
          )}); not replacing it`,
        );
      }
    }
    const commit = await git.text(
      ['commit-tree', tree, '-p', head, '-F', '-'],
      {
        ...inRepo,
        input: options.message,
      },
    );
    await git.run(
      [
        'push',
        '--quiet',
        '--no-verify',
        `--force-with-lease=refs/heads/${branch}:${existing ?? ''}`,
        'origin',
        `${commit}:refs/heads/${branch}`,
      ],
      { ...inRepo, network: true },
    );
    return result('proposed', { commit, changed, conflicts });
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
}

/** The commit of `branch` on the host, if the branch exists. */
async function remoteBranch(
  git: Git,
  cwd: string,
  branch: string,
): Promise<string | undefined> {
  const ref = `refs/heads/${branch}`;
  const out = await git.text(['ls-remote', '--heads', 'origin', ref], {
    cwd,
    network: true,
  });
  for (const line of out.split('\n')) {
    const [sha, name] = line.split('\t');
    if (name === ref) return sha;
  }
  return undefined;
}

/** Why a file conflicts, in words, from the stages git left for it. */
function conflictReason(stages: Set<number>): string {
  const base = stages.has(1);
  const ours = stages.has(2);
  const theirs = stages.has(3);
  if (base && ours && theirs) {
    return 'both the template and this repository changed this file in overlapping places';
  }
  if (base && ours) {
    return 'the template deletes (or renames) this file, which this repository has changed';
  }
  if (base && theirs) {
    return 'this repository deleted (or renamed) this file, which the template changes';
  }
  if (ours && theirs) {
    return 'the template adds this file, and this repository already has a different file at this path';
  }
  return "the template's change to this path collides with this repository's (a rename or a file/directory conflict)";
}

/** The template's unified diff of one file, capped at MAX_TEMPLATE_DIFF. */
async function templateDiff(
  git: Git,
  cwd: string,
  from: string,
  to: string,
  file: string,
): Promise<string> {
  const out = await git
    .run(
      [
        'diff',
        '--no-color',
        '--no-ext-diff',
        '--no-textconv',
        '--no-renames',
        from,
        to,
        '--',
        file,
      ],
      { cwd, maxBuffer: 16 * 1024 * 1024 },
    )
    .then(r => r.stdout)
    .catch(() => undefined);
  if (out === undefined) return '(the diff is too large to show)';
  if (out.length <= MAX_TEMPLATE_DIFF) return out.toString('utf8');
  const cut = out.subarray(0, MAX_TEMPLATE_DIFF).toString('utf8');
  return `${cut.slice(0, cut.lastIndexOf('\n') + 1)}… (diff truncated at ${
    MAX_TEMPLATE_DIFF / 1000
  } kB)\n`;
}
