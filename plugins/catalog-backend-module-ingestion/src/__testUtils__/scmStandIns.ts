import { execFileSync, spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import fs from 'node:fs';
import path from 'node:path';
import { GitRepository } from '../git/GitRepository';

/**
 * Local stand-ins for the REST APIs of GitHub and GitLab, serving real git
 * repositories from a directory. Only what repository discovery reads.
 */

/**
 * A local stand-in for GitHub's REST API, serving the repositories of one
 * directory (real git repositories) as the organisation `org`. Only what
 * the discovery reads: the org's repository listing (paginated, 2 per
 * page), one repository, a recursive tree and blobs; and what publishing
 * needs (what the stock `publish:github` action calls): the owner's
 * account type, creating a repository in the organisation and git's smart
 * HTTP protocol (through `git http-backend`) to push to it. It checks the
 * token.
 */
export async function startGithubStandIn(options: {
  dir: string;
  org: string;
  token: string;
}) {
  const state = { token: options.token, requests: 0 };
  const repoFor = async (name: string) => {
    for (const dir of [name, `${name}.git`]) {
      const repo = await GitRepository.open(path.join(options.dir, dir));
      if (repo) return repo;
    }
    return undefined;
  };
  const describe = async (name: string, base: string) => {
    const repo = (await repoFor(name))!;
    const head = await repo.resolveHead();
    return {
      name,
      full_name: `${options.org}/${name}`,
      html_url: `${base}/${options.org}/${name}`,
      default_branch: head.commit ? head.branch : null,
      pushed_at: head.commit ?? null,
      archived: false,
    };
  };
  const server = http.createServer(async (req, res) => {
    state.requests += 1;
    const send = responder(res);
    try {
      const url = new URL(req.url!, `http://${req.headers.host}`);
      const base = `http://${req.headers.host}`;
      if (
        serveGit(
          { dir: options.dir, owner: options.org, token: state.token },
          url,
          req,
          res,
        )
      ) {
        return;
      }
      if (
        req.headers.authorization !== `token ${state.token}` &&
        req.headers.authorization !== `Bearer ${state.token}`
      ) {
        send(401, { message: 'Bad credentials' });
        return;
      }
      const parts = url.pathname
        .replace(/^\/api\/v3\//, '')
        .split('/')
        .map(decodeURIComponent);
      if (
        req.method === 'GET' &&
        parts[0] === 'users' &&
        parts[1] === options.org &&
        parts.length === 2
      ) {
        send(200, { login: options.org, type: 'Organization' });
        return;
      }
      if (
        req.method === 'POST' &&
        parts[0] === 'orgs' &&
        parts[1] === options.org &&
        parts[2] === 'repos'
      ) {
        const body = JSON.parse(await readBody(req));
        if (await repoFor(body.name)) {
          send(422, {
            message: 'Repository creation failed.',
            errors: [{ message: 'name already exists on this account' }],
          });
          return;
        }
        createBareRepository(path.join(options.dir, `${body.name}.git`));
        send(201, {
          name: body.name,
          full_name: `${options.org}/${body.name}`,
          html_url: `${base}/${options.org}/${body.name}`,
          clone_url: `${base}/${options.org}/${body.name}.git`,
          default_branch: 'main',
          private: Boolean(body.private),
        });
        return;
      }
      if (
        parts[0] === 'orgs' &&
        parts[1] === options.org &&
        parts[2] === 'repos'
      ) {
        const names = repoNames(options.dir);
        const page = Number(url.searchParams.get('page') ?? '1');
        const slice = names.slice((page - 1) * 2, page * 2);
        const headers: Record<string, string> = {};
        if (page * 2 < names.length) {
          headers.link = `<${base}/api/v3/orgs/${
            options.org
          }/repos?per_page=100&type=all&page=${page + 1}>; rel="next"`;
        }
        send(
          200,
          await Promise.all(slice.map(n => describe(n, base))),
          headers,
        );
        return;
      }
      if (parts[0] === 'repos' && parts[1] === options.org) {
        const repo = await repoFor(parts[2]);
        if (!repo) {
          send(404, { message: 'Not Found' });
          return;
        }
        if (parts.length === 3) {
          send(200, await describe(parts[2], base));
          return;
        }
        if (parts[3] === 'git' && parts[4] === 'trees') {
          const head = await repo.resolveHead();
          const files = await repo.listFiles(head.commit!);
          send(200, {
            truncated: false,
            tree: files.map(f => ({
              path: f.path,
              mode: f.mode,
              type: f.mode === '160000' ? 'commit' : 'blob',
              sha: f.oid,
              size: f.size,
            })),
          });
          return;
        }
        if (parts[3] === 'git' && parts[4] === 'blobs') {
          const blobs = await repo.readBlobs([parts[5]]);
          const blob = blobs.get(parts[5]);
          if (!blob) send(404, { message: 'Not Found' });
          else
            send(200, {
              sha: parts[5],
              encoding: 'base64',
              content: blob.toString('base64'),
              size: blob.length,
            });
          return;
        }
      }
      send(404, { message: 'Not Found' });
    } catch (error) {
      send(500, { message: String(error) });
    }
  });
  return listen(server, state, '/api/v3');
}

/** An empty bare repository that accepts pushes over HTTP. */
function createBareRepository(dir: string) {
  execFileSync('git', ['init', '-q', '--bare', '-b', 'main', dir]);
  execFileSync('git', ['--git-dir', dir, 'config', 'http.receivepack', 'true']);
}

/** The password of a basic-auth header (git sends the token there). */
function basicPassword(req: http.IncomingMessage): string | undefined {
  const decoded = Buffer.from(
    (req.headers.authorization ?? '').replace(/^Basic /, ''),
    'base64',
  ).toString();
  return decoded.split(':')[1];
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', c => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString()));
    req.on('error', reject);
  });
}

/**
 * Serves `/<owner>/<name>.git/...` with git's smart HTTP protocol (the token
 * is the password of basic auth). False for any other path.
 */
function serveGit(
  options: { dir: string; owner: string; token: string },
  url: URL,
  req: http.IncomingMessage,
  res: http.ServerResponse,
): boolean {
  if (!url.pathname.startsWith(`/${options.owner}/`)) return false;
  if (basicPassword(req) !== options.token) {
    res.writeHead(401, { 'www-authenticate': 'Basic realm="git"' });
    res.end();
  } else {
    gitHttpBackend(options.dir, url, options.owner, req, res);
  }
  return true;
}

/** Git's smart HTTP protocol through the `git http-backend` CGI program. */
function gitHttpBackend(
  dir: string,
  url: URL,
  org: string,
  req: http.IncomingMessage,
  res: http.ServerResponse,
) {
  const cgi = spawn('git', ['http-backend'], {
    env: {
      PATH: process.env.PATH,
      GIT_PROJECT_ROOT: dir,
      GIT_HTTP_EXPORT_ALL: '1',
      REMOTE_USER: 'stand-in',
      REQUEST_METHOD: req.method,
      PATH_INFO: url.pathname.slice(org.length + 1),
      QUERY_STRING: url.search.replace(/^\?/, ''),
      CONTENT_TYPE: req.headers['content-type'] ?? '',
    },
  });
  req.pipe(cgi.stdin);
  let head = Buffer.alloc(0);
  let headersDone = false;
  cgi.stdout.on('data', (chunk: Buffer) => {
    if (headersDone) {
      res.write(chunk);
      return;
    }
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf('\r\n\r\n');
    if (end < 0) return;
    headersDone = true;
    let status = 200;
    const headers: Record<string, string> = {};
    for (const line of head.subarray(0, end).toString().split('\r\n')) {
      const i = line.indexOf(':');
      const key = line.slice(0, i).trim();
      const value = line.slice(i + 1).trim();
      if (key.toLowerCase() === 'status') status = parseInt(value, 10);
      else headers[key] = value;
    }
    res.writeHead(status, headers);
    res.write(head.subarray(end + 4));
  });
  cgi.stdout.on('end', () => res.end());
}

/** Sends JSON, or a string or Buffer as is. */
function responder(res: http.ServerResponse) {
  return (
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(
      typeof body === 'string' || Buffer.isBuffer(body)
        ? body
        : JSON.stringify(body),
    );
  };
}

/** Opens `name` or `name.git` in `dir`. */
async function openRepo(dir: string, name: string) {
  for (const candidate of [name, `${name}.git`]) {
    const repo = await GitRepository.open(path.join(dir, candidate));
    if (repo) return repo;
  }
  return undefined;
}

async function listen<S>(server: http.Server, state: S, apiPath: string) {
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    host: `127.0.0.1:${port}`,
    apiBaseUrl: `http://127.0.0.1:${port}${apiPath}`,
    state,
    close: () => new Promise<void>(r => server.close(() => r())),
  };
}

/** Repository names of a stand-in directory. */
function repoNames(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter(n => !n.startsWith('.'))
    .map(n => n.replace(/\.git$/, ''))
    .sort();
}

/**
 * A local stand-in for GitLab's REST API (v4), serving the repositories of
 * one directory as the projects of `group`: the group's project listing
 * (paginated, 2 per page, with a Link header), one project, the recursive
 * tree (paginated) and raw blobs; for publishing (what the stock
 * `publish:gitlab` action calls), the namespace, the token's user, project
 * creation and git's smart HTTP protocol. It checks the token (PRIVATE-TOKEN
 * or Bearer; basic auth for git).
 */
export async function startGitlabStandIn(options: {
  dir: string;
  group: string;
  token: string;
}) {
  const state = { token: options.token, requests: 0 };
  const project = async (name: string, base: string) => {
    const repo = (await openRepo(options.dir, name))!;
    const head = await repo.resolveHead();
    return {
      id: repoNames(options.dir).indexOf(name) + 1,
      path_with_namespace: `${options.group}/${name}`,
      web_url: `${base}/${options.group}/${name}`,
      default_branch: head.branch ?? null,
      last_activity_at: head.commit ?? null,
      empty_repo: !head.commit,
      archived: false,
    };
  };
  const server = http.createServer(async (req, res) => {
    state.requests += 1;
    const send = responder(res);
    try {
      const url = new URL(req.url!, `http://${req.headers.host}`);
      const base = `http://${req.headers.host}`;
      if (
        serveGit(
          { dir: options.dir, owner: options.group, token: state.token },
          url,
          req,
          res,
        )
      ) {
        return;
      }
      if (
        req.headers['private-token'] !== state.token &&
        req.headers.authorization !== `Bearer ${state.token}`
      ) {
        send(401, { message: '401 Unauthorized' });
        return;
      }
      const rest = url.pathname.replace(/^\/api\/v4\//, '');
      if (
        req.method === 'GET' &&
        (rest === `groups/${encodeURIComponent(options.group)}` ||
          rest === `namespaces/${encodeURIComponent(options.group)}`)
      ) {
        send(200, { id: 42, kind: 'group', full_path: options.group });
        return;
      }
      if (req.method === 'GET' && rest === 'user') {
        send(200, { id: 7, username: 'stand-in' });
        return;
      }
      if (req.method === 'POST' && rest === 'projects') {
        const body = JSON.parse(await readBody(req));
        if (body.namespace_id !== 42) {
          send(404, { message: '404 Namespace Not Found' });
          return;
        }
        if (await openRepo(options.dir, body.path)) {
          send(400, { message: { path: ['has already been taken'] } });
          return;
        }
        createBareRepository(path.join(options.dir, `${body.path}.git`));
        send(201, {
          id: repoNames(options.dir).indexOf(body.path) + 1,
          path_with_namespace: `${options.group}/${body.path}`,
          web_url: `${base}/${options.group}/${body.path}`,
          http_url_to_repo: `${base}/${options.group}/${body.path}.git`,
        });
        return;
      }
      const page = Number(url.searchParams.get('page') ?? '1');
      const paginate = <T>(items: T[], size: number) => {
        const headers: Record<string, string> = {};
        if (page * size < items.length) {
          const next = new URL(url);
          next.searchParams.set('page', String(page + 1));
          headers.link = `<${next}>; rel="next"`;
        }
        return { items: items.slice((page - 1) * size, page * size), headers };
      };
      const groupMatch = /^groups\/([^/]+)\/projects$/.exec(rest);
      const projectMatch = /^projects\/([^/]+)(\/.*)?$/.exec(rest);
      if (groupMatch && decodeURIComponent(groupMatch[1]) === options.group) {
        const all = await Promise.all(
          repoNames(options.dir).map(n => project(n, base)),
        );
        const { items, headers } = paginate(all, 2);
        send(200, items, headers);
        return;
      }
      if (projectMatch) {
        const key = decodeURIComponent(projectMatch[1]);
        const names = repoNames(options.dir);
        const name = /^\d+$/.test(key)
          ? names[Number(key) - 1]
          : key.replace(`${options.group}/`, '');
        const repo = name ? await openRepo(options.dir, name) : undefined;
        if (!repo) {
          send(404, { message: '404 Project Not Found' });
          return;
        }
        const sub = projectMatch[2] ?? '';
        if (sub === '') {
          send(200, await project(name!, base));
          return;
        }
        if (sub === '/repository/tree') {
          const head = await repo.resolveHead();
          const files = await repo.listFiles(head.commit!);
          const entries = files.map(f => ({
            id: f.oid,
            name: path.basename(f.path),
            type: f.mode === '160000' ? 'commit' : 'blob',
            path: f.path,
            mode: f.mode,
          }));
          const { items, headers } = paginate(entries, 2);
          send(200, items, headers);
          return;
        }
        const blob = /^\/repository\/blobs\/([0-9a-f]+)\/raw$/.exec(sub);
        if (blob) {
          const data = (await repo.readBlobs([blob[1]])).get(blob[1]);
          if (!data) send(404, { message: '404 Not Found' });
          else send(200, data, { 'content-type': 'application/octet-stream' });
          return;
        }
      }
      send(404, { message: '404 Not Found' });
    } catch (error) {
      send(500, { message: String(error) });
    }
  });
  return listen(server, state, '/api/v4');
}
