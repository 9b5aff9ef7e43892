import fs from 'node:fs/promises';
import path from 'node:path';
import pLimit from 'p-limit';
import { GitRepository } from './GitRepository';
import type {
  RepositoryContent,
  RepositoryRef,
  RepositorySource,
} from '../ingestion/types';

/**
 * A directory whose subdirectories are git repositories, bare
 * (`name.git`) or with a work tree. This is where golden-path templates
 * publish when no git host is configured, and it works offline.
 */
export class LocalRepositorySource implements RepositorySource {
  readonly type = 'local' as const;

  constructor(readonly id: string, readonly target: string) {}

  async list(): Promise<RepositoryRef[]> {
    // An unreadable or missing root is a failure of the source, never "no
    // repositories": the caller then keeps what it had.
    const dirents = await fs.readdir(this.target, { withFileTypes: true });
    const limit = pLimit(32);
    const refs = await Promise.all(
      dirents
        .filter(d => d.isDirectory() && !d.name.startsWith('.'))
        .map(d => limit(() => this.describe(d.name))),
    );
    return refs
      .filter((r): r is RepositoryRef => r !== undefined)
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  async get(name: string): Promise<RepositoryRef | undefined> {
    if (!/^[A-Za-z0-9._-]+$/.test(name) || name.startsWith('.')) {
      return undefined;
    }
    for (const dir of [name, `${name}.git`]) {
      const ref = await this.describe(dir);
      if (ref) return ref;
    }
    return undefined;
  }

  async read(repo: RepositoryRef): Promise<RepositoryContent> {
    const git = await GitRepository.open(repo.location);
    if (!git || !repo.commit) {
      return { files: [], read: async () => new Map() };
    }
    const files = await git.listFiles(repo.commit);
    return { files, read: oids => git.readBlobs(oids) };
  }

  locationOf(repo: RepositoryRef, file: string): string {
    return `git:${repo.location}#${repo.branch ?? 'HEAD'}:${file}`;
  }

  private async describe(dirName: string): Promise<RepositoryRef | undefined> {
    const location = path.join(this.target, dirName);
    const name = dirName.replace(/\.git$/, '');
    let git: GitRepository | undefined;
    try {
      git = await GitRepository.open(location);
    } catch (error) {
      return { name, location, error: `cannot open repository: ${error}` };
    }
    if (!git) return undefined;
    try {
      const head = await git.resolveHead();
      return { name, location, ...head };
    } catch (error) {
      return { name, location, error: `cannot read HEAD: ${error}` };
    }
  }
}
