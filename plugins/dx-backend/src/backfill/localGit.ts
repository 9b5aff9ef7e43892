import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  genericItem,
  inRange,
  type BackfillRange,
  type BackfillStep,
  type HistoryReader,
} from './types';

const run = promisify(execFile);

export interface LocalGitHistoryOptions {
  sourceId: string;
  /** A directory of git repositories (bare `name.git` or working copies). */
  dir: string;
  /** Tags that are deployments (a regular expression). */
  tagPattern: RegExp;
}

const SEP = '\u001f';

/**
 * The history of local git repositories (the `local` source): each commit
 * on the default branch's first-parent line is a change (a merge carries
 * the commits it merged), each tag matching the pattern a production
 * deployment of its commit, as generic events keyed by the commit or tag.
 */
export class LocalGitHistoryReader implements HistoryReader {
  constructor(private readonly options: LocalGitHistoryOptions) {}

  private async git(repo: string, args: string[]) {
    const { stdout } = await run('git', args, {
      cwd: repo,
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, GIT_TERMINAL_PROMPT: '0' },
    });
    return stdout;
  }

  private async gitDir(name: string): Promise<string | undefined> {
    for (const dir of [name, `${name}.git`]) {
      const full = path.join(this.options.dir, dir);
      try {
        const out = await this.git(full, ['rev-parse', '--git-dir']);
        if (out.trim()) return full;
      } catch {
        // not a repository
      }
    }
    return undefined;
  }

  async listRepositories(): Promise<string[]> {
    const entries = await fs.readdir(this.options.dir, { withFileTypes: true });
    const names: string[] = [];
    for (const e of entries) {
      if (!e.isDirectory() || e.name.startsWith('.')) continue;
      const name = e.name.replace(/\.git$/, '');
      if (await this.gitDir(name)) names.push(name);
    }
    return names.sort();
  }

  async step(
    repository: string,
    _position: unknown,
    range: BackfillRange,
  ): Promise<BackfillStep> {
    const dir = await this.gitDir(repository);
    if (!dir)
      throw new Error(
        `${repository} is not a git repository in ${this.options.dir}`,
      );
    const subject = {
      repository: `${this.options.sourceId}/${repository}`,
      service: repository,
    };
    let head: string;
    try {
      head = (await this.git(dir, ['rev-parse', '--verify', 'HEAD'])).trim();
    } catch {
      return { items: [] }; // an empty repository
    }
    const items = [];
    const log = await this.git(dir, [
      'log',
      '--first-parent',
      `--since=${range.from.toISOString()}`,
      `--until=${range.to.toISOString()}`,
      `--format=%H${SEP}%P${SEP}%cI${SEP}%aI${SEP}%an${SEP}%s`,
      head,
    ]);
    for (const line of log.split('\n').filter(Boolean)) {
      const [sha, parents, committed, authored, author, subjectLine] =
        line.split(SEP);
      if (!inRange(committed, range)) continue;
      const [first, ...merged] = parents.split(' ').filter(Boolean);
      let commits = [{ sha, at: new Date(authored).toISOString() }];
      if (merged.length > 0 && first) {
        const branch = await this.git(dir, [
          'log',
          '--format=%H%x1f%aI',
          '-n',
          '1000',
          `${first}..${sha}`,
        ]);
        commits = branch
          .split('\n')
          .filter(Boolean)
          .map(l => {
            const [s, at] = l.split(SEP);
            return { sha: s, at: new Date(at).toISOString() };
          });
      }
      items.push(
        genericItem({
          id: `git:${this.options.sourceId}/${repository}:${sha}`,
          type: 'change',
          action: 'merged',
          timestamp: committed,
          ...subject,
          commitSha: sha,
          commits,
          actor: author || undefined,
          title: subjectLine || undefined,
        }),
      );
    }
    const tags = await this.git(dir, [
      'for-each-ref',
      'refs/tags',
      `--format=%(refname:short)${SEP}%(objectname)${SEP}%(*objectname)${SEP}%(creatordate:iso-strict)`,
    ]);
    for (const line of tags.split('\n').filter(Boolean)) {
      const [tag, object, peeled, created] = line.split(SEP);
      if (!this.options.tagPattern.test(tag) || !inRange(created, range))
        continue;
      items.push(
        genericItem({
          id: `git-tag:${this.options.sourceId}/${repository}:${tag}`,
          type: 'deployment',
          action: 'deployed',
          outcome: 'success',
          timestamp: created,
          ...subject,
          environment: 'production',
          deploymentId: tag,
          commitSha: peeled || object,
          title: tag,
        }),
      );
    }
    return { items };
  }
}
