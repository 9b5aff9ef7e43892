import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { resolveInRepository } from '@internal/plugin-catalog-ingestion-node';
import { Minimatch } from 'minimatch';
import { parse as parseYaml } from 'yaml';
import type { TreeEntry } from '../git/GitRepository';
import { toDiscoveredEntity } from '../ingestion/discoveredEntity';
import type {
  DiscoveredEntity,
  RepositoryContent,
  RepositoryReadResult,
} from '../ingestion/types';
import { parseDescriptor } from './parseDescriptor';
import { validateEntity } from '@internal/plugin-catalog-ingestion-node';

export interface ReadRepositoryOptions {
  /** Globs of descriptor files, matched against paths from the repository root. */
  globs: string[];
  /** Largest descriptor (or placeholder file) read, in bytes. */
  maxFileBytes: number;
  /** `<sourceId>/<repository>`, written to each entity. */
  repositoryKey: string;
  /** The `managed-by-location` of an entity found in `file`. */
  locationOf(file: string): string;
}

const MAX_DESCRIPTOR_FILES = 1000;

/**
 * Reads every catalog descriptor of one repository's head commit: the
 * files matching the globs, and the files that `Location` entities in them
 * point to with relative targets. Every refused file, document or entity is
 * one problem with its file and line; the rest is returned.
 */
export async function readRepository(
  content: RepositoryContent,
  options: ReadRepositoryOptions,
): Promise<RepositoryReadResult> {
  const result: RepositoryReadResult = { entities: [], problems: [] };
  const byPath = new Map(content.files.map(f => [f.path, f]));
  const matchers = options.globs.map(g => new Minimatch(g, { dot: true }));
  const queue = content.files.filter(f => matchers.some(m => m.match(f.path)));
  const seenFiles = new Set(queue.map(f => f.path));
  const seenRefs = new Map<string, DiscoveredEntity>();

  const problem = (
    file: string,
    line: number | undefined,
    message: string,
    entityRef?: string,
  ) => result.problems.push({ file, line, message, entityRef });

  /** Reads a file that passed the mode and size checks, or reports why not. */
  const readable = (entry: TreeEntry): boolean => {
    if (entry.mode === '120000') {
      problem(entry.path, undefined, 'symbolic link; links are not followed');
      return false;
    }
    if (entry.mode === '160000') return false; // a submodule, not a file
    if (entry.size > options.maxFileBytes) {
      problem(
        entry.path,
        undefined,
        `file is ${entry.size} bytes, over the limit of ${options.maxFileBytes} bytes`,
      );
      return false;
    }
    return true;
  };

  while (queue.length > 0) {
    const batch = queue.splice(0, queue.length).filter(readable);
    const blobs = await content.read(batch.map(f => f.oid));
    for (const file of batch) {
      const blob = blobs.get(file.oid);
      if (!blob) {
        problem(file.path, undefined, 'file could not be read from git');
        continue;
      }
      if (blob.length > options.maxFileBytes) {
        // Hosts that list no sizes (GitLab) are checked after reading.
        problem(
          file.path,
          undefined,
          `file is ${blob.length} bytes, over the limit of ${options.maxFileBytes} bytes`,
        );
        continue;
      }
      const parsed = parseDescriptor(blob);
      for (const p of parsed.problems) problem(file.path, p.line, p.message);
      for (const doc of parsed.documents) {
        // Placeholders first, as the catalog does: relative ones are read
        // from this commit; URL ones stay for the catalog's processor, and
        // only a stand-in of the right type is validated here.
        const placeholders = await resolvePlaceholders(
          doc.data,
          file.path,
          byPath,
          content,
          options,
        );
        if ('error' in placeholders) {
          problem(file.path, doc.line, placeholders.error, refOf(doc.data));
          continue;
        }
        const checked = await validateEntity(placeholders.forValidation);
        if ('error' in checked) {
          problem(file.path, doc.line, checked.error, refOf(doc.data));
          continue;
        }
        const resolved = placeholders.data as Entity;
        let entity: Entity = {
          ...resolved,
          metadata: {
            ...resolved.metadata,
            namespace: checked.entity.metadata.namespace,
          },
        };
        const ref = stringifyEntityRef(entity).toLocaleLowerCase('en-US');

        if (entity.kind.toLocaleLowerCase('en-US') === 'location') {
          const kept = followLocation(entity, file.path, byPath, (line, msg) =>
            problem(file.path, doc.line + line, msg, ref),
          );
          for (const target of kept.files) {
            if (seenFiles.size >= MAX_DESCRIPTOR_FILES) {
              problem(
                file.path,
                doc.line,
                `more than ${MAX_DESCRIPTOR_FILES} descriptor files; the rest are ignored`,
                ref,
              );
              break;
            }
            if (!seenFiles.has(target.path)) {
              seenFiles.add(target.path);
              queue.push(target);
            }
          }
          if (!kept.entity) continue;
          entity = kept.entity;
        }

        const first = seenRefs.get(ref);
        if (first) {
          problem(
            file.path,
            doc.line,
            `${ref} is defined twice in this repository (first in ${first.file} line ${first.line}); this one is ignored`,
            ref,
          );
          continue;
        }
        const discovered = toDiscoveredEntity(entity, {
          file: file.path,
          line: doc.line,
          location: options.locationOf(file.path),
          repositoryKey: options.repositoryKey,
        });
        seenRefs.set(ref, discovered);
        result.entities.push(discovered);
      }
    }
  }
  result.problems.sort(
    (a, b) => a.file!.localeCompare(b.file!) || (a.line ?? 0) - (b.line ?? 0),
  );
  return result;
}

/** The entity ref of a document that failed validation, when it has one. */
function refOf(data: unknown): string | undefined {
  const d = data as {
    kind?: unknown;
    metadata?: { name?: unknown; namespace?: unknown };
  };
  if (typeof d?.kind !== 'string' || typeof d?.metadata?.name !== 'string')
    return undefined;
  const namespace =
    typeof d.metadata.namespace === 'string' ? d.metadata.namespace : 'default';
  return `${d.kind}:${namespace}/${d.metadata.name}`.toLocaleLowerCase('en-US');
}

const isUrl = (s: string) => /^[a-z][a-z0-9+.-]*:\/\//i.test(s);

/**
 * A Location entity's relative targets are read from this same commit, so
 * they need no URL reader. Targets outside the repository are refused.
 * Absolute URL targets stay on a Location entity for the catalog to read
 * (within `backend.reading.allow`); a Location with none is not emitted.
 */
function followLocation(
  entity: Entity,
  file: string,
  byPath: Map<string, TreeEntry>,
  report: (line: number, message: string) => void,
): { entity?: Entity; files: TreeEntry[] } {
  const spec = (entity.spec ?? {}) as {
    type?: string;
    target?: string;
    targets?: string[];
  };
  const targets = [
    ...(spec.target ? [spec.target] : []),
    ...(spec.targets ?? []),
  ];
  const absolute: string[] = [];
  const files: TreeEntry[] = [];
  for (const target of targets) {
    if (isUrl(target)) {
      absolute.push(target);
      continue;
    }
    const resolved = resolveInRepository(file, target);
    if (resolved === undefined) {
      report(0, `Location target "${target}" leaves the repository; refused`);
      continue;
    }
    if (/[*?[{]/.test(resolved)) {
      const glob = new Minimatch(resolved, { dot: true });
      const matched = [...byPath.values()].filter(f => glob.match(f.path));
      files.push(...matched);
      continue;
    }
    const entry = byPath.get(resolved);
    if (!entry) {
      report(0, `Location target "${target}" does not exist in the repository`);
      continue;
    }
    files.push(entry);
  }
  if (absolute.length === 0) return { files };
  const { target: _t, targets: _ts, ...rest } = spec;
  return {
    files,
    entity: { ...entity, spec: { ...rest, type: 'url', targets: absolute } },
  };
}

/**
 * Substitutes `$text`, `$json` and `$yaml` placeholders whose path is
 * relative with the file's content from the same commit. URLs are left for
 * the catalog's placeholder processor.
 */
async function resolvePlaceholders(
  data: unknown,
  file: string,
  byPath: Map<string, TreeEntry>,
  content: RepositoryContent,
  options: ReadRepositoryOptions,
): Promise<{ data: unknown; forValidation: unknown } | { error: string }> {
  let error: string | undefined;
  const wanted: Array<{ key: string; target: string; entry: TreeEntry }> = [];

  const collect = (value: unknown) => {
    if (error || value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      value.forEach(collect);
      return;
    }
    const keys = Object.keys(value);
    const v = value as Record<string, unknown>;
    if (keys.length === 1 && ['$text', '$json', '$yaml'].includes(keys[0])) {
      const target = v[keys[0]];
      if (typeof target !== 'string') {
        error = `placeholder ${keys[0]} must be a string`;
        return;
      }
      if (isUrl(target)) return;
      const resolved = resolveInRepository(file, target);
      const entry = resolved === undefined ? undefined : byPath.get(resolved);
      if (resolved === undefined) {
        error = `placeholder ${keys[0]} "${target}" leaves the repository`;
      } else if (!entry || entry.mode === '120000' || entry.mode === '160000') {
        error = `placeholder ${keys[0]} "${target}": no such file in the repository`;
      } else if (entry.size > options.maxFileBytes) {
        error = `placeholder ${keys[0]} "${target}": file is ${entry.size} bytes, over the limit of ${options.maxFileBytes} bytes`;
      } else {
        wanted.push({ key: keys[0], target, entry });
      }
      return;
    }
    keys.forEach(k => collect(v[k]));
  };
  collect(data);
  if (error) return { error };

  const blobs = await content.read(wanted.map(w => w.entry.oid));
  const replace = (value: unknown, standIns: boolean): unknown => {
    if (value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) return value.map(item => replace(item, standIns));
    const v = value as Record<string, unknown>;
    const keys = Object.keys(v);
    const hit =
      keys.length === 1
        ? wanted.find(w => w.key === keys[0] && w.target === v[keys[0]])
        : undefined;
    if (
      !hit &&
      standIns &&
      keys.length === 1 &&
      ['$text', '$json', '$yaml'].includes(keys[0])
    ) {
      return keys[0] === '$text' ? 'placeholder' : {};
    }
    if (hit) {
      const text = blobs.get(hit.entry.oid)?.toString('utf8') ?? '';
      try {
        if (hit.key === '$json') return JSON.parse(text);
        if (hit.key === '$yaml') return parseYaml(text, { maxAliasCount: 100 });
      } catch (e) {
        error = `placeholder ${hit.key} "${hit.target}": ${
          (e as Error).message.split('\n')[0]
        }`;
        return value;
      }
      return text;
    }
    return Object.fromEntries(keys.map(k => [k, replace(v[k], standIns)]));
  };
  const replaced = replace(data, false);
  const forValidation = replace(data, true);
  return error ? { error } : { data: replaced, forValidation };
}
