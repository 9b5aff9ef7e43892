import { ANNOTATION_OPENSLO_FILES } from '@internal/plugin-catalog-ingestion-common';
import {
  describeDir,
  nearestEntity,
  resolveInRepository,
  type DiscoveredEntity,
  type RepositoryContent,
  type RepositoryFileReader,
  type TreeEntry,
} from '@internal/plugin-catalog-ingestion-node';
import { Minimatch } from 'minimatch';
import type { DatabaseOpenSloStore } from '../store/DatabaseOpenSloStore';

/** Kinds an OpenSLO file can belong to (lower case). */
export const OPENSLO_KINDS = ['component', 'resource', 'system', 'api'];

export const DEFAULT_OPENSLO_GLOBS = [
  '**/slo.yaml',
  '**/slo.yml',
  '**/*.openslo.yaml',
  '**/*.openslo.yml',
  '**/openslo.yaml',
];

/** OpenSLO files kept per repository; the rest are one problem. */
export const MAX_OPENSLO_FILES = 200;

export interface RepositoryOpenSlo {
  files: Array<{ entityRef: string; file: string; content: string }>;
  problems: Array<{ file: string; message: string; entityRef?: string }>;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Finds the OpenSLO files of a repository and the entity each belongs to:
 * the files an entity names with the `portal.dev/openslo` annotation
 * (comma-separated, relative to its descriptor), then the files matching
 * the globs, each attached to the entity described nearest to it (see
 * {@link nearestEntity}). Only the text is kept: the SLO backend parses it.
 * Every refused file or annotation is one problem.
 */
export async function readOpenSlo(
  content: RepositoryContent,
  entities: DiscoveredEntity[],
  options: { openSloGlobs: string[]; maxFileBytes: number },
): Promise<RepositoryOpenSlo> {
  const result: RepositoryOpenSlo = { files: [], problems: [] };
  const byPath = new Map(content.files.map(f => [f.path, f]));
  const candidates = entities.filter(e =>
    OPENSLO_KINDS.includes(e.entity.kind.toLocaleLowerCase('en-US')),
  );

  // File path -> the entity it belongs to, or the problem saying why none.
  const owners = new Map<string, DiscoveredEntity>();
  for (const e of entities) {
    const value = e.entity.metadata.annotations?.[ANNOTATION_OPENSLO_FILES];
    if (value === undefined) continue;
    if (!candidates.includes(e)) {
      result.problems.push({
        file: e.file,
        entityRef: e.ref,
        message: `${ANNOTATION_OPENSLO_FILES} is only read on Components, Resources, Systems and APIs; ignored on a ${e.entity.kind}`,
      });
      continue;
    }
    const targets = value
      .split(',')
      .map(t => t.trim())
      .filter(Boolean);
    for (const target of targets) {
      const resolved = resolveInRepository(e.file, target);
      if (resolved === undefined || !byPath.has(resolved)) {
        result.problems.push({
          file: e.file,
          entityRef: e.ref,
          message: `${ANNOTATION_OPENSLO_FILES} "${target}": no such file in the repository`,
        });
        continue;
      }
      const other = owners.get(resolved);
      if (other) {
        if (other !== e) {
          result.problems.push({
            file: e.file,
            entityRef: e.ref,
            message: `${ANNOTATION_OPENSLO_FILES} "${target}": ${resolved} is already named by ${other.ref}; ignored`,
          });
        }
        continue;
      }
      owners.set(resolved, e);
    }
  }

  const globs = options.openSloGlobs.map(g => new Minimatch(g, { dot: false }));
  for (const f of content.files) {
    if (owners.has(f.path) || f.path.split('/').includes('node_modules'))
      continue;
    if (!globs.some(g => g.match(f.path))) continue;
    const owner = openSloOwner(f.path, candidates);
    if (typeof owner === 'string') {
      result.problems.push({ file: f.path, message: owner });
      continue;
    }
    owners.set(f.path, owner);
  }

  const wanted: Array<{ entry: TreeEntry; owner: DiscoveredEntity }> = [];
  for (const [file, owner] of [...owners].sort(([a], [b]) =>
    a.localeCompare(b),
  )) {
    const entry = byPath.get(file)!;
    const refused = refusal(entry, options.maxFileBytes);
    if (refused) {
      result.problems.push({
        file,
        entityRef: owner.ref,
        message: `OpenSLO file not read: ${refused}`,
      });
      continue;
    }
    if (wanted.length === MAX_OPENSLO_FILES) {
      result.problems.push({
        file,
        entityRef: owner.ref,
        message: `more than ${MAX_OPENSLO_FILES} OpenSLO files in the repository; the rest are ignored`,
      });
      break;
    }
    wanted.push({ entry, owner });
  }

  const blobs = await content.read(wanted.map(w => w.entry.oid));
  for (const { entry, owner } of wanted) {
    const problem = (why: string) =>
      result.problems.push({
        file: entry.path,
        entityRef: owner.ref,
        message: `OpenSLO file not read: ${why}`,
      });
    const blob = blobs.get(entry.oid);
    if (!blob) {
      problem('it could not be read from git');
      continue;
    }
    if (blob.length > options.maxFileBytes) {
      // Hosts that list no sizes (GitLab) are checked after reading.
      problem(
        `file is ${blob.length} bytes, over the limit of ${options.maxFileBytes} bytes`,
      );
      continue;
    }
    const text = decodeText(blob);
    if (text === undefined) {
      problem('binary file, expected UTF-8 text');
      continue;
    }
    result.files.push({
      entityRef: owner.ref,
      file: entry.path,
      content: text,
    });
  }
  return result;
}

/**
 * The OpenSLO files of each repository, stored as text for the SLO backend;
 * `globs` are the `openSloGlobs` of each source by id.
 */
export function openSloReader(options: {
  store: DatabaseOpenSloStore;
  globs: ReadonlyMap<string, string[]>;
}): RepositoryFileReader {
  const { store, globs } = options;
  return {
    name: 'openslo',
    async read({ sourceId, repository, content, entities, maxFileBytes }) {
      const { files, problems } = await readOpenSlo(content, entities, {
        openSloGlobs: globs.get(sourceId) ?? DEFAULT_OPENSLO_GLOBS,
        maxFileBytes,
      });
      return {
        problems,
        commit: () => store.replaceRepositoryFiles(sourceId, repository, files),
      };
    },
    removeRepository: ({ sourceId, repository }) =>
      store.removeRepository(sourceId, repository),
  };
}

/**
 * The entity an OpenSLO file found by glob belongs to (among several in its
 * directory, the only Component), or a message saying why there is none.
 */
export function openSloOwner(
  file: string,
  candidates: DiscoveredEntity[],
): DiscoveredEntity | string {
  const nearest = nearestEntity(file, candidates);
  if ('entity' in nearest) return nearest.entity;
  if ('ambiguous' in nearest) {
    // A service described with its APIs (one descriptor, several kinds):
    // SLOs belong to the one Component, if there is exactly one.
    const components = nearest.ambiguous.filter(
      e => e.entity.kind.toLocaleLowerCase('en-US') === 'component',
    );
    if (components.length === 1) return components[0];
    return `OpenSLO file matches ${
      nearest.ambiguous.length
    } entities in ${describeDir(
      nearest.dir,
    )}; name it with the ${ANNOTATION_OPENSLO_FILES} annotation on one of them`;
  }
  return 'OpenSLO file found but no component, resource, system or API is described in its directory or above';
}

/** Why a tree entry is not read, or undefined when it may be. */
function refusal(entry: TreeEntry, maxFileBytes: number): string | undefined {
  if (entry.mode === '120000') return 'symbolic link; links are not followed';
  if (entry.mode === '160000') return 'a git submodule, not a file';
  if (entry.size > maxFileBytes)
    return `file is ${entry.size} bytes, over the limit of ${maxFileBytes} bytes`;
  return undefined;
}

/** The blob as UTF-8 text, or undefined when it is not (NUL bytes, invalid UTF-8). */
function decodeText(blob: Buffer): string | undefined {
  if (blob.includes(0)) return undefined;
  try {
    return utf8.decode(blob);
  } catch {
    return undefined;
  }
}
