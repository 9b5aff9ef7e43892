import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Local stand-ins for the parts of GitHub's and GitLab's REST APIs the
 * history backfill reads, serving data a test writes: paginated with `Link`
 * headers, checking the token, logging every request, and answering a rate
 * limit where the test asks for one.
 */

type Json = Record<string, any>;

export interface GithubHistoryRepo {
  name: string;
  defaultBranch: string;
  pulls: Json[];
  /** Commits of each pull request, by number. */
  pullCommits: Record<number, Json[]>;
  /** Commits by sha or tag name (`GET /repos/:o/:r/commits/:ref`). */
  commits: Record<string, Json>;
  deployments: Json[];
  statuses: Record<string, Json[]>;
  releases: Json[];
  issues: Json[];
}

export interface StandIn {
  url: string;
  /** Paths with their query, in the order asked. */
  requests: string[];
  /**
   * Answers the next request whose path and query contain the key with a
   * rate limit: `403` (GitHub's spent window, reset in 1 s) or `429`
   * (`Retry-After: 1`).
   */
  rateLimitOnce: Map<string, 403 | 429>;
  close(): Promise<void>;
}

function paginate(
  res: http.ServerResponse,
  url: URL,
  items: Json[],
  defaultPerPage = 30,
) {
  const perPage = Number(url.searchParams.get('per_page') ?? defaultPerPage);
  const page = Number(url.searchParams.get('page') ?? 1);
  const slice = items.slice((page - 1) * perPage, page * perPage);
  if (page * perPage < items.length) {
    const next = new URL(url);
    next.searchParams.set('page', String(page + 1));
    res.setHeader('link', `<${next.toString()}>; rel="next"`);
  }
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(slice));
}

async function serve(
  authorized: (req: http.IncomingMessage) => boolean,
  route: (url: URL, res: http.ServerResponse) => boolean,
): Promise<StandIn> {
  const requests: string[] = [];
  const rateLimitOnce = new Map<string, 403 | 429>();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url!, `http://${req.headers.host}`);
    const asked = `${url.pathname}${url.search}`;
    requests.push(asked);
    for (const [key, status] of rateLimitOnce) {
      if (!asked.includes(key)) continue;
      rateLimitOnce.delete(key);
      res.statusCode = status;
      if (status === 403) {
        res.setHeader('x-ratelimit-remaining', '0');
        res.setHeader(
          'x-ratelimit-reset',
          String(Math.ceil(Date.now() / 1000) + 1),
        );
      } else res.setHeader('retry-after', '1');
      res.end(JSON.stringify({ message: 'API rate limit exceeded' }));
      return;
    }
    if (!authorized(req)) {
      res.statusCode = 401;
      res.end(JSON.stringify({ message: 'Bad credentials' }));
      return;
    }
    if (!route(url, res)) {
      res.statusCode = 404;
      res.end(JSON.stringify({ message: 'Not Found' }));
    }
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    rateLimitOnce,
    close: () => new Promise<void>(r => server.close(() => r())),
  };
}

const json = (res: http.ServerResponse, body: unknown) => {
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(body));
};

/** GitHub's REST API under `/api/v3` for one organisation. */
export function startGithubHistoryStandIn(options: {
  org: string;
  token: string;
  repos: GithubHistoryRepo[];
}): Promise<StandIn> {
  const byName = new Map(options.repos.map(r => [r.name, r]));
  return serve(
    req =>
      req.headers.authorization === `token ${options.token}` ||
      req.headers.authorization === `Bearer ${options.token}`,
    (url, res) => {
      const parts = url.pathname
        .replace(/^\/api\/v3/, '')
        .split('/')
        .filter(Boolean)
        .map(decodeURIComponent);
      if (
        parts[0] === 'orgs' &&
        parts[1] === options.org &&
        parts[2] === 'repos'
      ) {
        paginate(
          res,
          url,
          options.repos.map(r => ({
            name: r.name,
            full_name: `${options.org}/${r.name}`,
            default_branch: r.defaultBranch,
            archived: false,
          })),
        );
        return true;
      }
      if (parts[0] !== 'repos' || parts[1] !== options.org) return false;
      const repo = byName.get(parts[2]);
      if (!repo) return false;
      const [, , , what, id, sub] = parts;
      if (what === 'pulls' && !id) {
        const sorted = [...repo.pulls]
          .filter(p => p.state === 'closed')
          .sort((a, b) => b.updated_at.localeCompare(a.updated_at));
        paginate(res, url, sorted);
        return true;
      }
      if (what === 'pulls' && sub === 'commits') {
        paginate(res, url, repo.pullCommits[Number(id)] ?? []);
        return true;
      }
      if (what === 'commits' && id) {
        const commit = repo.commits[id];
        if (!commit) return false;
        json(res, commit);
        return true;
      }
      if (what === 'deployments' && !id) {
        paginate(
          res,
          url,
          [...repo.deployments].sort((a, b) =>
            b.created_at.localeCompare(a.created_at),
          ),
        );
        return true;
      }
      if (what === 'deployments' && sub === 'statuses') {
        paginate(res, url, repo.statuses[id] ?? []);
        return true;
      }
      if (what === 'releases') {
        paginate(
          res,
          url,
          [...repo.releases].sort((a, b) =>
            b.published_at.localeCompare(a.published_at),
          ),
        );
        return true;
      }
      if (what === 'issues') {
        const label = url.searchParams.get('labels');
        const since = url.searchParams.get('since');
        paginate(
          res,
          url,
          repo.issues.filter(
            i =>
              (!label || i.labels.some((l: Json) => l.name === label)) &&
              (!since || i.updated_at >= since),
          ),
        );
        return true;
      }
      return false;
    },
  );
}

export interface GitlabHistoryProject {
  id: number;
  path: string;
  defaultBranch: string;
  mergeRequests: Json[];
  mrCommits: Record<number, Json[]>;
  deployments: Json[];
  issues: Json[];
}

/** GitLab's REST API under `/api/v4` for one group. */
export function startGitlabHistoryStandIn(options: {
  group: string;
  token: string;
  projects: GitlabHistoryProject[];
}): Promise<StandIn> {
  const byId = new Map(options.projects.map(p => [String(p.id), p]));
  return serve(
    req => req.headers['private-token'] === options.token,
    (url, res) => {
      const parts = url.pathname
        .replace(/^\/api\/v4/, '')
        .split('/')
        .filter(Boolean)
        .map(decodeURIComponent);
      if (parts[0] === 'groups' && parts[1] === options.group) {
        paginate(
          res,
          url,
          options.projects.map(p => ({
            id: p.id,
            path_with_namespace: p.path,
            default_branch: p.defaultBranch,
          })),
        );
        return true;
      }
      if (parts[0] !== 'projects') return false;
      const project = byId.get(parts[1]);
      if (!project) return false;
      const [, , what, iid, sub] = parts;
      if (what === 'merge_requests' && !iid) {
        paginate(res, url, project.mergeRequests);
        return true;
      }
      if (what === 'merge_requests' && sub === 'commits') {
        paginate(res, url, project.mrCommits[Number(iid)] ?? []);
        return true;
      }
      if (what === 'deployments') {
        paginate(res, url, project.deployments);
        return true;
      }
      if (what === 'issues') {
        paginate(res, url, project.issues);
        return true;
      }
      return false;
    },
  );
}
