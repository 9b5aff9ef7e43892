/**
 * Docs next to the code: the README and `docs/**\/*.md` of each discovered
 * repository, stored at ingestion and shown on the entity's Docs tab.
 */

/** One Markdown file of a repository. */
export interface DocsFileSummary {
  /** Path inside the repository, e.g. `README.md`, `docs/runbook.md`. */
  path: string;
  /** First heading of the file, or its file name. */
  title: string;
}

/** Answer of `GET /api/catalog/ingestion/docs?entityRef=`. */
export interface EntityDocs {
  entityRef: string;
  sourceId: string;
  repository: string;
  /** Commit the files were read from. */
  commit?: string;
  /** README first, then docs/ in path order. */
  files: DocsFileSummary[];
}

/**
 * Answer of `GET /api/catalog/ingestion/docs/file?entityRef=&path=`: the
 * raw Markdown. Relative links in it are relative to `path`; images are
 * served by `GET /api/catalog/ingestion/docs/asset?entityRef=&path=`
 * (resolved repository path; images only).
 */
export interface DocsFile {
  path: string;
  markdown: string;
}

/** Order of docs files: the README first, then by path. */
export function compareDocsPaths(a: string, b: string): number {
  const readme = (p: string) => /^readme\.md$/i.test(p);
  if (readme(a) !== readme(b)) return readme(a) ? -1 : 1;
  return a.localeCompare(b);
}

/** One docs file for the search index, with the entity it is shown on. */
export interface DocsIndexItem {
  entityRef: string;
  path: string;
  title: string;
  markdown: string;
}

/** Answer of `GET /api/catalog/ingestion/docs/index?offset=&limit=` (for the search collator). */
export interface DocsIndexPage {
  items: DocsIndexItem[];
  /** Offset of the next page, absent on the last one. */
  nextOffset?: number;
}
