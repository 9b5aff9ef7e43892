import fs from 'node:fs/promises';
import path from 'node:path';
import type { TreeEntry } from '@internal/plugin-catalog-ingestion-node';
import { gitRunner } from './gitRunner';

/** One file in a commit's tree, as `git ls-tree --long` lists it. */
export type { TreeEntry };

const GIT_ENV = {
  ...process.env,
  GIT_TERMINAL_PROMPT: '0',
  GIT_CONFIG_NOSYSTEM: '1',
  LC_ALL: 'C',
};

/**
 * Read-only access to a git repository (bare or with a work tree) through
 * the `git` command line. Only committed content of the default branch is
 * read, never the work tree: paths come from git's own tree objects, so a
 * `../` path cannot occur, and symlinks are seen as symlinks (mode 120000).
 */
export class GitRepository {
  private constructor(readonly gitDir: string) {}

  /** Opens the repository at `dir`, or returns undefined when it is not one. */
  static async open(dir: string): Promise<GitRepository | undefined> {
    const dotGit = path.join(dir, '.git');
    const stat = await fs.lstat(dotGit).catch(() => undefined);
    if (stat?.isDirectory()) {
      return new GitRepository(dotGit);
    }
    if (stat?.isFile()) {
      const content = await fs.readFile(dotGit, 'utf8');
      const match = /^gitdir:\s*(.+)$/m.exec(content);
      if (match) {
        return new GitRepository(path.resolve(dir, match[1].trim()));
      }
      return undefined;
    }
    const [head, objects] = await Promise.all([
      fs.stat(path.join(dir, 'HEAD')).catch(() => undefined),
      fs.stat(path.join(dir, 'objects')).catch(() => undefined),
    ]);
    if (head?.isFile() && objects?.isDirectory()) {
      return new GitRepository(dir);
    }
    return undefined;
  }

  /**
   * The default branch (what HEAD points to) and its commit; `commit` is
   * undefined for a repository without commits. Reads the ref files
   * directly, which is what makes a no-op rescan of 1,000 repositories
   * cheap; falls back to `git rev-parse` for anything unusual.
   */
  async resolveHead(): Promise<{ branch?: string; commit?: string }> {
    const head = (
      await fs.readFile(path.join(this.gitDir, 'HEAD'), 'utf8')
    ).trim();
    if (/^[0-9a-f]{40,64}$/.test(head)) {
      return { commit: head };
    }
    const match = /^ref:\s*(refs\/\S+)$/.exec(head);
    if (!match) {
      return this.revParseHead();
    }
    const ref = match[1];
    const branch = ref.replace(/^refs\/heads\//, '');
    const loose = await fs
      .readFile(path.join(this.gitDir, ref), 'utf8')
      .catch(() => undefined);
    if (loose !== undefined) {
      const commit = loose.trim();
      return /^[0-9a-f]{40,64}$/.test(commit)
        ? { branch, commit }
        : this.revParseHead();
    }
    const packed = await fs
      .readFile(path.join(this.gitDir, 'packed-refs'), 'utf8')
      .catch(() => '');
    for (const line of packed.split('\n')) {
      const [oid, name] = line.split(' ');
      if (name === ref) {
        return { branch, commit: oid };
      }
    }
    // HEAD names a branch that has no commits yet: an empty repository.
    return { branch };
  }

  private async revParseHead(): Promise<{ branch?: string; commit?: string }> {
    const commit = await this.git([
      'rev-parse',
      '--verify',
      '--quiet',
      'HEAD^{commit}',
    ])
      .then(out => out.toString('utf8').trim())
      .catch(() => undefined);
    const branch = await this.git(['symbolic-ref', '--short', '-q', 'HEAD'])
      .then(out => out.toString('utf8').trim() || undefined)
      .catch(() => undefined);
    return { branch, commit: commit || undefined };
  }

  /** Every file of the commit's tree, recursively. */
  async listFiles(commit: string): Promise<TreeEntry[]> {
    const out = await this.git([
      'ls-tree',
      '-r',
      '-z',
      '--long',
      '--full-tree',
      commit,
    ]);
    const entries: TreeEntry[] = [];
    for (const record of out.toString('utf8').split('\0')) {
      if (!record) continue;
      const tab = record.indexOf('\t');
      const [mode, , oid, size] = record.slice(0, tab).split(/\s+/);
      entries.push({
        path: record.slice(tab + 1),
        mode,
        oid,
        size: size === '-' ? 0 : Number(size),
      });
    }
    return entries;
  }

  /** Reads blobs by object id with one `git cat-file --batch` process. */
  async readBlobs(oids: string[]): Promise<Map<string, Buffer>> {
    const result = new Map<string, Buffer>();
    const unique = [...new Set(oids)];
    if (unique.length === 0) return result;
    const out = await this.git(
      ['cat-file', '--batch'],
      `${unique.join('\n')}\n`,
    );
    let pos = 0;
    while (pos < out.length) {
      const nl = out.indexOf(0x0a, pos);
      if (nl < 0) break;
      const header = out.subarray(pos, nl).toString('utf8').split(' ');
      if (header[1] === 'missing') {
        pos = nl + 1;
        continue;
      }
      const size = Number(header[2]);
      result.set(header[0], out.subarray(nl + 1, nl + 1 + size));
      pos = nl + 1 + size + 1;
    }
    return result;
  }

  private async git(args: string[], input?: string): Promise<Buffer> {
    const { code, stdout, stderr, error } = await gitRunner.run({
      args: ['-c', 'safe.directory=*', `--git-dir=${this.gitDir}`, ...args],
      input,
      env: GIT_ENV,
      maxBuffer: 512 * 1024 * 1024,
    });
    if (code === 0 && !error) return stdout;
    const detail = stderr.toString('utf8').trim();
    throw new Error(
      `git ${args[0]} failed: ${detail || error || `exit code ${code}`}`,
    );
  }
}
