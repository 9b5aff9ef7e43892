import { compareDocsPaths } from '@internal/plugin-catalog-ingestion-common';
import { Minimatch } from 'minimatch';
import path from 'node:path';
import type { TreeEntry } from '../git/GitRepository';
import type { DiscoveredEntity, RepositoryContent } from '../ingestion/types';
import { parseSbom, ParsedSbom } from '../sbom/parseSbom';
import { describeDir, nearestEntity } from './nearestEntity';
import { resolveInRepository } from './readRepository';

/** Annotation naming a component's SBOM file, relative to its descriptor. */
export const ANNOTATION_SBOM = 'portal.dev/sbom';

/** Kinds an SBOM can belong to (lower case). */
export const SBOM_KINDS = ['component', 'resource'];

export const DEFAULT_SBOM_GLOBS = [
  '**/bom.json',
  '**/sbom.json',
  '**/*.cdx.json',
  '**/*.spdx.json',
];

const IMAGE_TYPES: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.svg': 'image/svg+xml',
};

const MAX_DOCS = 200;
const MAX_ASSETS = 100;

export interface RepositoryExtras {
  sboms: Array<{ entityRef: string; file: string; sbom: ParsedSbom }>;
  docs: Array<{ path: string; title: string; markdown: string }>;
  assets: Array<{ path: string; contentType: string; data: Buffer }>;
  problems: Array<{ file: string; message: string; entityRef?: string }>;
}

/**
 * Reads what sits next to the descriptors: SBOMs (each attached to one
 * component) and the Markdown docs (README and docs/) with the images they
 * show. Every refused file is one problem.
 */
export async function readExtras(
  content: RepositoryContent,
  entities: DiscoveredEntity[],
  options: { sbomGlobs: string[]; maxFileBytes: number },
): Promise<RepositoryExtras> {
  const extras: RepositoryExtras = {
    sboms: [],
    docs: [],
    assets: [],
    problems: [],
  };
  const byPath = new Map(content.files.map(f => [f.path, f]));
  const usable = (f: TreeEntry): boolean =>
    f.mode !== '120000' &&
    f.mode !== '160000' &&
    f.size <= options.maxFileBytes;
  const existing = (f: TreeEntry | undefined): f is TreeEntry =>
    f !== undefined;
  // What an SBOM describes: software (Components) and infrastructure
  // (Resources, e.g. the Terraform providers of a database).
  const components = entities.filter(e =>
    SBOM_KINDS.includes(e.entity.kind.toLocaleLowerCase('en-US')),
  );

  // SBOMs: named by annotation, else found by glob next to a descriptor.
  const wanted = new Map<string, DiscoveredEntity | undefined>();
  for (const c of components) {
    const target = c.entity.metadata.annotations?.[ANNOTATION_SBOM];
    if (!target) continue;
    const resolved = resolveInRepository(c.file, target);
    if (resolved === undefined || !byPath.has(resolved)) {
      extras.problems.push({
        file: c.file,
        entityRef: c.ref,
        message: `${ANNOTATION_SBOM} "${target}": no such file in the repository`,
      });
      continue;
    }
    wanted.set(resolved, c);
  }
  const globs = options.sbomGlobs.map(g => new Minimatch(g, { dot: false }));
  for (const f of content.files) {
    if (wanted.has(f.path) || f.path.split('/').includes('node_modules'))
      continue;
    if (globs.some(g => g.match(f.path))) wanted.set(f.path, undefined);
  }
  const docPaths = content.files
    .filter(f => /^readme\.md$/i.test(f.path) || /^docs\/.+\.md$/i.test(f.path))
    .sort((a, b) => compareDocsPaths(a.path, b.path))
    .slice(0, MAX_DOCS);

  const toRead = [...wanted.keys()]
    .map(p => byPath.get(p))
    .filter(existing)
    .filter(usable);
  for (const p of wanted.keys()) {
    const f: TreeEntry = byPath.get(p)!;
    if (!usable(f)) {
      const why =
        f.mode === '120000'
          ? 'symbolic link'
          : `over ${options.maxFileBytes} bytes`;
      extras.problems.push({ file: p, message: `SBOM not read: ${why}` });
    }
  }
  const blobs = await content.read(
    [...toRead, ...docPaths.filter(usable)].map(f => f.oid),
  );

  for (const file of toRead) {
    let sbom: ParsedSbom;
    try {
      sbom = parseSbom(JSON.parse(blobs.get(file.oid)?.toString('utf8') ?? ''));
    } catch (error) {
      extras.problems.push({
        file: file.path,
        message: `SBOM refused: ${(error as Error).message}`,
      });
      continue;
    }
    const owner =
      wanted.get(file.path) ??
      componentFor(file.path, sbom.rootName, components);
    if (typeof owner === 'string') {
      extras.problems.push({ file: file.path, message: owner });
      continue;
    }
    extras.sboms.push({ entityRef: owner.ref, file: file.path, sbom });
  }

  const imageRefs = new Set<string>();
  for (const f of docPaths) {
    if (!usable(f)) {
      extras.problems.push({
        file: f.path,
        message: `doc not stored: over ${options.maxFileBytes} bytes or a link`,
      });
      continue;
    }
    const markdown = blobs.get(f.oid)?.toString('utf8') ?? '';
    if (markdown.includes('\0')) continue;
    const heading = /^#\s+(.+)$/m.exec(markdown)?.[1]?.trim();
    extras.docs.push({
      path: f.path,
      title: (heading ?? path.posix.basename(f.path)).slice(0, 500),
      markdown,
    });
    for (const m of markdown.matchAll(
      /!\[[^\]]*\]\(\s*<?([^)\s>]+)>?|<img[^>]+src=["']([^"']+)["']/gi,
    )) {
      const target = (m[1] ?? m[2]).split(/[?#]/)[0];
      if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('/'))
        continue;
      const resolved = resolveInRepository(f.path, decodeURI(target));
      if (resolved && IMAGE_TYPES[path.posix.extname(resolved).toLowerCase()])
        imageRefs.add(resolved);
    }
  }
  const images = [...imageRefs]
    .map(p => byPath.get(p))
    .filter(existing)
    .filter(usable)
    .slice(0, MAX_ASSETS);
  const imageBlobs = await content.read(images.map(f => f.oid));
  for (const f of images) {
    const data = imageBlobs.get(f.oid);
    if (data)
      extras.assets.push({
        path: f.path,
        contentType: IMAGE_TYPES[path.posix.extname(f.path).toLowerCase()],
        data,
      });
  }
  return extras;
}

/**
 * The component (or resource) an SBOM belongs to: among the components described in the
 * nearest directory (at or above the SBOM) that has any, the only one, or
 * the one named like the SBOM's root. Otherwise a message saying why not.
 */
function componentFor(
  file: string,
  rootName: string | undefined,
  components: DiscoveredEntity[],
): DiscoveredEntity | string {
  const nearest = nearestEntity(file, components);
  if ('entity' in nearest) return nearest.entity;
  if ('ambiguous' in nearest) {
    const named = nearest.ambiguous.find(
      c => c.entity.metadata.name === rootName,
    );
    return (
      named ??
      `SBOM matches ${nearest.ambiguous.length} components in ${describeDir(
        nearest.dir,
      )}; name one with the ${ANNOTATION_SBOM} annotation`
    );
  }
  return 'SBOM found but no component or resource is described in its directory or above';
}
