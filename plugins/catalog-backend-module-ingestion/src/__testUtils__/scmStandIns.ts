import { execFile, execFileSync, spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { GitRepository } from '../git/GitRepository';

/**
 * Local stand-ins for the REST APIs of GitHub and GitLab, serving real git
 * repositories from a directory. Only what repository discovery reads.
 */

/** A pull request as the GitHub stand-in answers it. */
interface PullRequest {
  number: number;
  html_url: string;
  state: 'open' | 'closed';
  title: string;
  body: string | null;
  merged_at: string | null;
  merge_commit_sha: string | null;
  head: { ref: string; label: string; sha: string };
  base: { ref: string; label: string; sha: string };
}

/** A merge request as the GitLab stand-in answers it. */
interface MergeRequest {
  id: number;
  iid: number;
  project_id: number;
  title: string;
  description: string | null;
  state: 'opened' | 'closed' | 'merged';
  source_branch: string;
  target_branch: string;
  sha: string;
  web_url: string;
  merged_at: string | null;
  closed_at: string | null;
  merge_commit_sha: string | null;
}

/** The pull or merge requests of each repository of a stand-in. */
class ChangeRequestStore<T extends { number?: number; iid?: number }> {
  private readonly byRepo = new Map<string, T[]>();

  of(repo: string): T[] {
    if (!this.byRepo.has(repo)) this.byRepo.set(repo, []);
    return this.byRepo.get(repo)!;
  }

  find(repo: string, number: number, ok: (request: T) => boolean): T {
    const request = this.of(repo).find(r => (r.number ?? r.iid) === number);
    if (!request || !ok(request)) {
      throw new Error(`no open change request ${number} in ${repo}`);
    }
    return request;
  }
}

const execFileAsync = promisify(execFile);

/** Runs git on a served repository, as the host would. */
async function hostGit(gitDir: string, args: string[]): Promise<string> {
  const { stdout } = await execFileAsync(
    'git',
    [`--git-dir=${gitDir}`, ...args],
    {
      env: {
        PATH: process.env.PATH,
        HOME: gitDir,
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_AUTHOR_NAME: 'Stand-in',
        GIT_AUTHOR_EMAIL: 'stand-in@example.com',
        GIT_COMMITTER_NAME: 'Stand-in',
        GIT_COMMITTER_EMAIL: 'stand-in@example.com',
      },
    },
  );
  return stdout.trim();
}

/** The commit a branch of a served repository points at, if it exists. */
async function branchCommit(
  gitDir: string,
  branch: string,
): Promise<string | undefined> {
  if (!branch) return undefined;
  return hostGit(gitDir, [
    'rev-parse',
    '--verify',
    '--quiet',
    `refs/heads/${branch}^{commit}`,
  ]).catch(() => undefined);
}

/**
 * Merges branch `head` into branch `base` of a served repository with a
 * merge commit (a fast-forward is not taken, like the hosts' merge
 * buttons); fails on conflicts. Returns the new commit of `base`.
 */
async function mergeBranch(
  gitDir: string,
  head: string,
  base: string,
  message: string,
): Promise<string> {
  const headSha = await branchCommit(gitDir, head);
  const baseSha = await branchCommit(gitDir, base);
  if (!headSha || !baseSha) {
    throw new Error(`cannot merge ${head} into ${base}: a branch is missing`);
  }
  const tree = (
    await hostGit(gitDir, ['merge-tree', '--write-tree', baseSha, headSha])
  ).split('\n')[0];
  const commit = await hostGit(gitDir, [
    'commit-tree',
    tree,
    '-p',
    baseSha,
    '-p',
    headSha,
    '-m',
    message,
  ]);
  await hostGit(gitDir, ['update-ref', `refs/heads/${base}`, commit, baseSha]);
  return commit;
}

/**
 * A local stand-in for GitHub's REST API, serving the repositories of one
 * directory (real git repositories) as the organisation `org`. Only what
 * the discovery reads: the org's repository listing (paginated, 2 per
 * page), one repository, a recursive tree and blobs; and what publishing
 * needs (what the stock `publish:github` action calls): the owner's
 * account type, creating a repository in the organisation and git's smart
 * HTTP protocol (through `git http-backend`) to push to it; and pull
 * requests (create, list with `head`/`base`/`state` filters, read; 422 for
 * a second open one of the same head and base), which a test merges or
 * closes with `mergeChangeRequest` / `closeChangeRequest`. It checks the
 * token.
 */
export async function startGithubStandIn(options: {
  dir: string;
  org: string;
  token: string;
}) {
  const state = { token: options.token, requests: 0 };
  const pulls = new ChangeRequestStore<PullRequest>();
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
        if (parts[3] === 'pulls' && parts.length === 4) {
          const list = pulls.of(parts[2]);
          if (req.method === 'POST') {
            const body = JSON.parse(await readBody(req));
            const head = String(body.head ?? '').replace(`${options.org}:`, '');
            const [headSha, baseSha] = await Promise.all([
              branchCommit(repo.gitDir, head),
              branchCommit(repo.gitDir, String(body.base ?? '')),
            ]);
            if (!headSha || !baseSha || !body.title) {
              send(422, {
                message: 'Validation Failed',
                errors: [
                  {
                    resource: 'PullRequest',
                    field: [
                      [body.title, 'title'],
                      [headSha, 'head'],
                      [baseSha, 'base'],
                    ].find(([value]) => !value)![1],
                    code: 'invalid',
                  },
                ],
              });
              return;
            }
            if (
              list.some(
                p =>
                  p.state === 'open' &&
                  p.head.ref === head &&
                  p.base.ref === body.base,
              )
            ) {
              send(422, {
                message: 'Validation Failed',
                errors: [
                  {
                    resource: 'PullRequest',
                    code: 'custom',
                    message: `A pull request already exists for ${options.org}:${head}.`,
                  },
                ],
              });
              return;
            }
            const number = list.length + 1;
            const pull: PullRequest = {
              number,
              html_url: `${base}/${options.org}/${parts[2]}/pull/${number}`,
              state: 'open',
              title: body.title,
              body: body.body ?? null,
              merged_at: null,
              merge_commit_sha: null,
              head: {
                ref: head,
                label: `${options.org}:${head}`,
                sha: headSha,
              },
              base: {
                ref: body.base,
                label: `${options.org}:${body.base}`,
                sha: baseSha,
              },
            };
            list.push(pull);
            send(201, pull);
            return;
          }
          const stateFilter = url.searchParams.get('state') ?? 'open';
          const headFilter = url.searchParams.get('head');
          const baseFilter = url.searchParams.get('base');
          send(
            200,
            list.filter(
              p =>
                (stateFilter === 'all' || p.state === stateFilter) &&
                (!headFilter || p.head.label === headFilter) &&
                (!baseFilter || p.base.ref === baseFilter),
            ),
          );
          return;
        }
        if (parts[3] === 'pulls' && parts.length === 5) {
          const pull = pulls
            .of(parts[2])
            .find(p => String(p.number) === parts[4]);
          if (!pull) send(404, { message: 'Not Found' });
          else send(200, pull);
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
  return {
    ...(await listen(server, state, '/api/v3')),
    /**
     * Merges pull request `number` of repository `repo` as GitHub's merge
     * button does: a merge commit of its head into its base branch in the
     * served repository; sets `merged_at` and closes it.
     */
    mergeChangeRequest: async (repo: string, number: number) => {
      const pull = pulls.find(repo, number, p => p.state === 'open');
      const gitDir = (await repoFor(repo))!.gitDir;
      pull.merge_commit_sha = await mergeBranch(
        gitDir,
        pull.head.ref,
        pull.base.ref,
        `Merge pull request #${number} from ${options.org}/${pull.head.ref}`,
      );
      pull.merged_at = new Date().toISOString();
      pull.state = 'closed';
    },
    /** Closes pull request `number` of repository `repo` without merging. */
    closeChangeRequest: async (repo: string, number: number) => {
      pulls.find(repo, number, p => p.state === 'open').state = 'closed';
    },
  };
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
 * creation and git's smart HTTP protocol; merge requests (create, list
 * with `source_branch`/`target_branch`/`state` filters, read; 409 for a
 * second open one of the same branches), which a test merges or closes with
 * `mergeChangeRequest` / `closeChangeRequest`. It checks the token
 * (PRIVATE-TOKEN or Bearer; basic auth for git).
 */
export async function startGitlabStandIn(options: {
  dir: string;
  group: string;
  token: string;
}) {
  const state = { token: options.token, requests: 0 };
  const mergeRequests = new ChangeRequestStore<MergeRequest>();
  let nextMergeRequestId = 1;
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
        if (sub === '/merge_requests') {
          const list = mergeRequests.of(name!);
          if (req.method === 'POST') {
            const body = JSON.parse(await readBody(req));
            const source = String(body.source_branch ?? '');
            const target = String(body.target_branch ?? '');
            const [sourceSha, targetSha] = await Promise.all([
              branchCommit(repo.gitDir, source),
              branchCommit(repo.gitDir, target),
            ]);
            if (!sourceSha || !targetSha || !body.title) {
              send(422, {
                message: [
                  [
                    [body.title, "Title can't be blank"],
                    [sourceSha, 'Source branch does not exist'],
                    [targetSha, 'Target branch does not exist'],
                  ].find(([value]) => !value)![1],
                ],
              });
              return;
            }
            const open = list.find(
              m =>
                m.state === 'opened' &&
                m.source_branch === source &&
                m.target_branch === target,
            );
            if (open) {
              send(409, {
                message: [
                  `Another open merge request already exists for this source branch: !${open.iid}`,
                ],
              });
              return;
            }
            const iid = list.length + 1;
            const mergeRequest: MergeRequest = {
              id: nextMergeRequestId++,
              iid,
              project_id: repoNames(options.dir).indexOf(name!) + 1,
              title: body.title,
              description: body.description ?? null,
              state: 'opened',
              source_branch: source,
              target_branch: target,
              sha: sourceSha,
              web_url: `${base}/${options.group}/${name}/-/merge_requests/${iid}`,
              merged_at: null,
              closed_at: null,
              merge_commit_sha: null,
            };
            list.push(mergeRequest);
            send(201, mergeRequest);
            return;
          }
          const stateFilter = url.searchParams.get('state') ?? 'all';
          const sourceFilter = url.searchParams.get('source_branch');
          const targetFilter = url.searchParams.get('target_branch');
          send(
            200,
            list.filter(
              m =>
                (stateFilter === 'all' || m.state === stateFilter) &&
                (!sourceFilter || m.source_branch === sourceFilter) &&
                (!targetFilter || m.target_branch === targetFilter),
            ),
          );
          return;
        }
        const mergeRequestMatch = /^\/merge_requests\/(\d+)$/.exec(sub);
        if (mergeRequestMatch) {
          const mergeRequest = mergeRequests
            .of(name!)
            .find(m => String(m.iid) === mergeRequestMatch[1]);
          if (!mergeRequest) send(404, { message: '404 Not found' });
          else send(200, mergeRequest);
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
  return {
    ...(await listen(server, state, '/api/v4')),
    /**
     * Merges merge request `iid` of project `repo` as GitLab's merge button
     * does: a merge commit of its source branch into its target branch in
     * the served repository; its state becomes `merged`.
     */
    mergeChangeRequest: async (repo: string, iid: number) => {
      const mergeRequest = mergeRequests.find(
        repo,
        iid,
        m => m.state === 'opened',
      );
      const gitDir = (await openRepo(options.dir, repo))!.gitDir;
      mergeRequest.merge_commit_sha = await mergeBranch(
        gitDir,
        mergeRequest.source_branch,
        mergeRequest.target_branch,
        `Merge branch '${mergeRequest.source_branch}' into '${mergeRequest.target_branch}'`,
      );
      mergeRequest.merged_at = new Date().toISOString();
      mergeRequest.state = 'merged';
    },
    /** Closes merge request `iid` of project `repo` without merging. */
    closeChangeRequest: async (repo: string, iid: number) => {
      const mergeRequest = mergeRequests.find(
        repo,
        iid,
        m => m.state === 'opened',
      );
      mergeRequest.state = 'closed';
      mergeRequest.closed_at = new Date().toISOString();
    },
  };
}
