/**
 * The names the home page's "Recently visited" and "Top visited" show for
 * a path: the page's name in words, an entity's name, a template's title
 * part; never the app title or a raw path segment.
 */
const PAGES: Record<string, string> = {
  '': 'Home',
  catalog: 'Catalog',
  create: 'Create (golden paths)',
  'golden-paths': 'Golden paths: runs and gates',
  dx: 'Developer experience',
  slo: 'SLOs and platform health',
  'catalog-ingestion': 'Catalog ingestion',
  dependencies: 'Dependencies',
  'catalog-graph': 'Catalog graph',
  'api-docs': 'APIs',
  search: 'Search',
  notifications: 'Notifications',
  settings: 'Settings',
  visualizer: 'App visualizer',
};

const words = (segment: string) =>
  decodeURIComponent(segment).replace(/[-_]+/g, ' ');

/** The name of the page at `pathname` (without query or hash). */
export function visitNameOf(pathname: string): string {
  const parts = pathname.split('/').filter(Boolean);
  const [first = '', ...rest] = parts;
  // /catalog/<namespace>/<kind>/<name>: the entity's name.
  if (first === 'catalog' && rest.length >= 3)
    return decodeURIComponent(rest[2]);
  // /create/templates/<namespace>/<name>: the golden path.
  if (first === 'create' && rest[0] === 'templates' && rest.length >= 3)
    return `Create: ${words(rest[2])}`;
  if (first === 'create' && rest[0] === 'tasks') return 'Golden-path task';
  const page = PAGES[first];
  if (page !== undefined) return page;
  return words(first) || 'Home';
}
