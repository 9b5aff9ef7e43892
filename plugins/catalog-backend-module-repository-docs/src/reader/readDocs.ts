import { compareDocsPaths } from '@internal/plugin-repository-docs-common';
import {
  resolveInRepository,
  type RepositoryContent,
  type RepositoryFileProblem,
  type RepositoryFileReader,
  type TreeEntry,
} from '@internal/plugin-catalog-ingestion-node';
import path from 'node:path';
import type { DatabaseDocsStore } from '../store/DatabaseDocsStore';

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

export interface RepositoryDocs {
  docs: Array<{ path: string; title: string; markdown: string }>;
  assets: Array<{ path: string; contentType: string; data: Buffer }>;
  problems: RepositoryFileProblem[];
}

/**
 * Reads the Markdown docs of a repository (README and docs/) with the
 * images they show. Every refused file is one problem.
 */
export async function readDocs(
  content: RepositoryContent,
  options: { maxFileBytes: number },
): Promise<RepositoryDocs> {
  const result: RepositoryDocs = { docs: [], assets: [], problems: [] };
  const byPath = new Map(content.files.map(f => [f.path, f]));
  const usable = (f: TreeEntry): boolean =>
    f.mode !== '120000' &&
    f.mode !== '160000' &&
    f.size <= options.maxFileBytes;
  const docPaths = content.files
    .filter(f => /^readme\.md$/i.test(f.path) || /^docs\/.+\.md$/i.test(f.path))
    .sort((a, b) => compareDocsPaths(a.path, b.path))
    .slice(0, MAX_DOCS);
  const blobs = await content.read(docPaths.filter(usable).map(f => f.oid));

  const imageRefs = new Set<string>();
  for (const f of docPaths) {
    if (!usable(f)) {
      result.problems.push({
        file: f.path,
        message: `doc not stored: over ${options.maxFileBytes} bytes or a link`,
      });
      continue;
    }
    const markdown = blobs.get(f.oid)?.toString('utf8') ?? '';
    if (markdown.includes('\0')) continue;
    const heading = /^#\s+(.+)$/m.exec(markdown)?.[1]?.trim();
    result.docs.push({
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
    .filter((f): f is TreeEntry => f !== undefined)
    .filter(usable)
    .slice(0, MAX_ASSETS);
  const imageBlobs = await content.read(images.map(f => f.oid));
  for (const f of images) {
    const data = imageBlobs.get(f.oid);
    if (data)
      result.assets.push({
        path: f.path,
        contentType: IMAGE_TYPES[path.posix.extname(f.path).toLowerCase()],
        data,
      });
  }
  return result;
}

/** The docs of every repository ingestion reads, as of the commit last read. */
export function docsReader(store: DatabaseDocsStore): RepositoryFileReader {
  return {
    name: 'docs',
    async read({ sourceId, repository, content, maxFileBytes }) {
      const { docs, assets, problems } = await readDocs(content, {
        maxFileBytes,
      });
      return {
        problems,
        commit: () =>
          store.replaceRepositoryDocs(sourceId, repository, docs, assets),
      };
    },
    removeRepository: ({ sourceId, repository }) =>
      store.removeRepository(sourceId, repository),
  };
}
