/** Where a link or image reference inside a repository's Markdown points. */
export type DocsTarget =
  /** A file of the same repository, by its path from the repository root. */
  | { kind: 'repository'; path: string; hash: string }
  /** `#heading` in the current file. */
  | { kind: 'anchor'; hash: string }
  /** An absolute http(s) or mailto URL. */
  | { kind: 'external'; href: string }
  /** Anything else (`javascript:`, `data:`, `//host`, malformed): not followed. */
  | { kind: 'refused' };

const SCHEME = /^([a-z][a-z0-9+.-]*):/i;
const EXTERNAL_SCHEMES = new Set(['http', 'https', 'mailto']);

/**
 * Resolves a link or image reference found in the Markdown file `fromPath`
 * the way a git host does: relative to that file's directory, or to the
 * repository root when it starts with `/`. Never leaves the repository
 * (`..` stops at its root).
 */
export function resolveDocsTarget(fromPath: string, href: string): DocsTarget {
  // Browsers drop tabs and newlines anywhere in a URL (`java\tscript:`).
  const ref = href.replace(/[\t\n\r]/g, '').trim();
  if (!ref) return { kind: 'refused' };
  if (ref.startsWith('#')) return { kind: 'anchor', hash: ref };
  const scheme = SCHEME.exec(ref)?.[1].toLocaleLowerCase('en-US');
  if (scheme) {
    return EXTERNAL_SCHEMES.has(scheme)
      ? { kind: 'external', href: ref }
      : { kind: 'refused' };
  }
  // Protocol-relative URLs and backslashes (browsers read `\` as `/`).
  if (ref.startsWith('//') || ref.includes('\\')) return { kind: 'refused' };

  const slash = fromPath.lastIndexOf('/');
  const dir = slash === -1 ? '' : fromPath.slice(0, slash + 1);
  try {
    const url = new URL(ref, `file:///${dir}`);
    if (url.protocol !== 'file:' || url.host) return { kind: 'refused' };
    const path = decodeURIComponent(url.pathname).replace(/^\/+/, '');
    if (!path) return { kind: 'refused' };
    return { kind: 'repository', path, hash: url.hash };
  } catch {
    return { kind: 'refused' };
  }
}

/** Markdown files are shown in the Docs tab; other files have no viewer. */
export function isMarkdownPath(path: string): boolean {
  return /\.(md|markdown)$/i.test(path);
}
