import fs from 'node:fs';
import path from 'node:path';

import { git } from '@internal/backend-test-utils';

export { git };

/** Files to write: content, or `{ symlink: target }`, or null to delete. */
export type FileSpec = Record<
  string,
  string | Buffer | { symlink: string } | null
>;

function write(dir: string, files: FileSpec) {
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(dir, name);
    if (content === null) {
      fs.rmSync(file, { force: true });
      continue;
    }
    fs.mkdirSync(path.dirname(file), { recursive: true });
    if (typeof content === 'object' && !Buffer.isBuffer(content)) {
      fs.symlinkSync(content.symlink, file);
    } else {
      fs.writeFileSync(file, content);
    }
  }
}

/** A repository with a work tree and one commit holding `files`. */
export function createRepo(dir: string, files: FileSpec): void {
  fs.mkdirSync(dir, { recursive: true });
  git(dir, 'init', '-q');
  commitFiles(dir, files, 'initial');
}

/** Writes (or deletes) files and commits them. */
export function commitFiles(
  dir: string,
  files: FileSpec,
  message = 'change',
): void {
  write(dir, files);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '--allow-empty', '-m', message);
}

/**
 * A bare repository at `bareDir` whose main branch holds `files`; returns
 * the path of the clone used to push further commits.
 */
export function createBareRepo(
  bareDir: string,
  files: FileSpec,
  workDir: string,
): string {
  fs.mkdirSync(bareDir, { recursive: true });
  git(bareDir, 'init', '-q', '--bare');
  createRepo(workDir, files);
  git(workDir, 'remote', 'add', 'origin', bareDir);
  git(workDir, 'push', '-q', 'origin', 'HEAD:main');
  return workDir;
}

/** Commits in a clone of a bare repository and pushes to it. */
export function pushFiles(
  workDir: string,
  files: FileSpec,
  message = 'change',
): void {
  commitFiles(workDir, files, message);
  git(workDir, 'push', '-q', 'origin', 'HEAD:main');
}

/**
 * Copies a folder into a new git repository `<root>/repos/<name>` and
 * commits it (with `extra` files added), for tests that feed existing data
 * through repository discovery. Returns the repository's path.
 */
export function commitFolderAsRepository(
  source: string,
  root: string,
  name: string,
  extra: FileSpec = {},
): string {
  const repo = path.join(root, 'repos', name);
  fs.cpSync(source, repo, { recursive: true });
  createRepo(repo, extra);
  return repo;
}
