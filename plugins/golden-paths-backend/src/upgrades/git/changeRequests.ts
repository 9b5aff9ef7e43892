import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { checkBranchName, describeTarget, Git } from './applyTemplateChange';
import type {
  ChangeRequest,
  ChangeRequestState,
  RepositoryTarget,
} from './types';

/** How long one API call may take. */
const API_TIMEOUT_MS = 30_000;

type FetchImpl = typeof fetch;

/** JSON calls to GitHub's or GitLab's REST API with the target's token. */
class HostApi {
  private readonly base: string;
  private readonly fetchImpl: FetchImpl;

  constructor(
    private readonly target: RepositoryTarget,
    fetchImpl?: FetchImpl,
  ) {
    if (!target.apiBaseUrl || !target.owner) {
      throw new Error(
        `${describeTarget(target)} needs an API base URL and an owner`,
      );
    }
    this.base = target.apiBaseUrl.replace(/\/+$/, '');
    this.fetchImpl = fetchImpl ?? fetch;
  }

  repoPath(): string {
    return `/repos/${encodeURIComponent(
      this.target.owner!,
    )}/${encodeURIComponent(this.target.name)}`;
  }

  projectPath(): string {
    return `/projects/${encodeURIComponent(
      `${this.target.owner}/${this.target.name}`,
    )}`;
  }

  private get host(): string {
    return new URL(this.base).host;
  }

  /**
   * One call; an answer outside 2xx (except the `accept`ed statuses) is an
   * error with the status and the host's message. Redirects are not
   * followed, so the token never goes to another host.
   */
  async call<T>(
    method: 'GET' | 'POST',
    apiPath: string,
    body?: unknown,
    accept: number[] = [],
  ): Promise<{ status: number; body: T; message?: string }> {
    const headers: Record<string, string> =
      this.target.kind === 'github'
        ? {
            Accept: 'application/vnd.github+json',
            'X-GitHub-Api-Version': '2022-11-28',
          }
        : { Accept: 'application/json' };
    if (this.target.token) {
      if (this.target.kind === 'github') {
        headers.Authorization = `Bearer ${this.target.token}`;
      } else {
        headers['PRIVATE-TOKEN'] = this.target.token;
      }
    }
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let res: Response;
    try {
      res = await this.fetchImpl(`${this.base}${apiPath}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        redirect: 'error',
        signal: AbortSignal.timeout(API_TIMEOUT_MS),
      });
    } catch (error) {
      throw new Error(
        this.scrub(
          `${this.host} could not be reached for ${method} ${
            apiPath.split('?')[0]
          } (${describeTarget(this.target)}): ${
            (error as Error).cause
              ? String(((error as Error).cause as Error).message ?? '')
              : (error as Error).message
          }`,
        ),
      );
    }
    const text = await res.text();
    let parsed: any;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    const answer = {
      status: res.status,
      statusText: res.statusText,
      body: parsed as T,
      message: hostMessage(parsed, text),
    };
    if (res.ok || accept.includes(res.status)) return answer;
    throw this.error(method, apiPath, answer);
  }

  error(
    method: string,
    apiPath: string,
    answer: { status: number; statusText?: string; message?: string },
  ): Error {
    return new Error(
      this.scrub(
        `${this.host} answered ${answer.status}${
          answer.statusText ? ` ${answer.statusText}` : ''
        } for ${method} ${apiPath.split('?')[0]} (${describeTarget(
          this.target,
        )})${answer.message ? `: ${answer.message}` : ''}`,
      ),
    );
  }

  private scrub(text: string): string {
    return this.target.token ? text.split(this.target.token).join('***') : text;
  }
}

/** The parameters of openChangeRequest. */
export interface OpenChangeRequestOptions {
  target: RepositoryTarget;
  /** The branch holding the change (pushed by applyTemplateChange). */
  branch: string;
  /** The branch it is to be merged into: the default branch. */
  baseBranch: string;
  title: string;
  body: string;
  fetchImpl?: FetchImpl;
}

/** The parameters of changeRequestState. */
export interface ChangeRequestStateOptions {
  target: RepositoryTarget;
  branch: string;
  baseBranch: string;
  /** The pull request number (GitHub) or merge request iid (GitLab). */
  number?: number;
  fetchImpl?: FetchImpl;
}

/**
 * Opens a change request for `branch` into `baseBranch`: a pull request on
 * GitHub, a merge request on GitLab (an open one for the same branch is
 * returned instead of a second one), and for a local repository the branch
 * itself (`git:<cloneUrl>#<branch>`).
 */
export async function openChangeRequest(
  options: OpenChangeRequestOptions,
): Promise<ChangeRequest> {
  const { target, branch, baseBranch } = options;
  checkBranchName(branch, baseBranch);
  if (target.kind === 'local') {
    const state = await localState(target, branch, baseBranch);
    if (state === 'closed') {
      throw new Error(
        `branch "${branch}" does not exist in ${describeTarget(target)}`,
      );
    }
    return { url: localUrl(target, branch), state };
  }
  const api = new HostApi(target, options.fetchImpl);
  if (target.kind === 'github') {
    const created = await api.call<GithubPull>(
      'POST',
      `${api.repoPath()}/pulls`,
      {
        title: options.title,
        head: branch,
        base: baseBranch,
        body: options.body,
      },
      [422],
    );
    if (created.status !== 422) return githubRequest(created.body);
    const existing = await findGithubPull(api, target, branch, baseBranch);
    if (!existing) throw api.error('POST', `${api.repoPath()}/pulls`, created);
    return githubRequest(existing);
  }
  const created = await api.call<GitlabMergeRequest>(
    'POST',
    `${api.projectPath()}/merge_requests`,
    {
      source_branch: branch,
      target_branch: baseBranch,
      title: options.title,
      description: options.body,
    },
    [409],
  );
  if (created.status !== 409) return gitlabRequest(created.body);
  const existing = await findGitlabMergeRequest(api, branch, baseBranch);
  if (!existing) {
    throw api.error('POST', `${api.projectPath()}/merge_requests`, created);
  }
  return gitlabRequest(existing);
}

/**
 * The state of the change request of `branch`: merged, closed (without
 * merging) or open. On GitHub and GitLab the request `number` when given,
 * else the latest for the branch; for a local repository, merged when the
 * branch's head is in the default branch, closed when the branch is gone.
 */
export async function changeRequestState(
  options: ChangeRequestStateOptions,
): Promise<ChangeRequestState> {
  const { target, branch, baseBranch } = options;
  if (target.kind === 'local') return localState(target, branch, baseBranch);
  const api = new HostApi(target, options.fetchImpl);
  if (target.kind === 'github') {
    const pull =
      options.number !== undefined
        ? (
            await api.call<GithubPull>(
              'GET',
              `${api.repoPath()}/pulls/${options.number}`,
            )
          ).body
        : await findGithubPull(api, target, branch, baseBranch);
    if (!pull) throw notFound(target, branch);
    return githubRequest(pull).state;
  }
  const mergeRequest =
    options.number !== undefined
      ? (
          await api.call<GitlabMergeRequest>(
            'GET',
            `${api.projectPath()}/merge_requests/${options.number}`,
          )
        ).body
      : await findGitlabMergeRequest(api, branch, baseBranch);
  if (!mergeRequest) throw notFound(target, branch);
  return gitlabRequest(mergeRequest).state;
}

function notFound(target: RepositoryTarget, branch: string) {
  return new Error(
    `no change request for branch "${branch}" in ${describeTarget(target)}`,
  );
}

interface GithubPull {
  number: number;
  html_url: string;
  state: 'open' | 'closed';
  merged_at: string | null;
  base?: { ref: string };
}

interface GitlabMergeRequest {
  iid: number;
  web_url: string;
  state: 'opened' | 'closed' | 'merged' | 'locked';
  target_branch?: string;
}

function githubRequest(pull: GithubPull): ChangeRequest {
  let state: ChangeRequestState = 'open';
  if (pull.merged_at) state = 'merged';
  else if (pull.state === 'closed') state = 'closed';
  return { url: pull.html_url, number: pull.number, state };
}

function gitlabRequest(mergeRequest: GitlabMergeRequest): ChangeRequest {
  let state: ChangeRequestState = 'open';
  if (mergeRequest.state === 'merged') state = 'merged';
  else if (mergeRequest.state === 'closed') state = 'closed';
  return { url: mergeRequest.web_url, number: mergeRequest.iid, state };
}

/** Of the requests of one branch: an open one into `baseBranch`, else the latest. */
function pick<T>(
  items: T[],
  isOpen: (item: T) => boolean,
  base: (item: T) => string | undefined,
  number: (item: T) => number,
  baseBranch: string,
): T | undefined {
  const sorted = [...items].sort((a, b) => number(b) - number(a));
  return (
    sorted.find(i => isOpen(i) && base(i) === baseBranch) ??
    sorted.find(i => base(i) === baseBranch) ??
    sorted[0]
  );
}

async function findGithubPull(
  api: HostApi,
  target: RepositoryTarget,
  branch: string,
  baseBranch: string,
): Promise<GithubPull | undefined> {
  const query = new URLSearchParams({
    head: `${target.owner}:${branch}`,
    state: 'all',
    per_page: '100',
  });
  const { body } = await api.call<GithubPull[]>(
    'GET',
    `${api.repoPath()}/pulls?${query}`,
  );
  return pick(
    body,
    p => p.state === 'open',
    p => p.base?.ref,
    p => p.number,
    baseBranch,
  );
}

async function findGitlabMergeRequest(
  api: HostApi,
  branch: string,
  baseBranch: string,
): Promise<GitlabMergeRequest | undefined> {
  const query = new URLSearchParams({
    source_branch: branch,
    state: 'all',
    per_page: '100',
  });
  const { body } = await api.call<GitlabMergeRequest[]>(
    'GET',
    `${api.projectPath()}/merge_requests?${query}`,
  );
  return pick(
    body,
    m => m.state === 'opened',
    m => m.target_branch,
    m => m.iid,
    baseBranch,
  );
}

/** The host's own words from an error answer (GitHub's or GitLab's form). */
function hostMessage(parsed: any, text: string): string | undefined {
  const parts: string[] = [];
  const add = (value: unknown) => {
    if (typeof value === 'string') parts.push(value);
    else if (Array.isArray(value)) value.forEach(add);
    else if (value && typeof value === 'object') {
      for (const [key, v] of Object.entries(value)) {
        if (typeof v === 'string' || Array.isArray(v)) {
          parts.push(`${key} ${([] as unknown[]).concat(v).join(', ')}`);
        }
      }
    }
  };
  if (parsed && typeof parsed === 'object') {
    add(parsed.message ?? parsed.error);
    if (Array.isArray(parsed.errors)) {
      for (const e of parsed.errors) {
        if (typeof e === 'string') parts.push(e);
        else if (e?.message) parts.push(String(e.message));
        else if (e?.field) parts.push(`${e.field} ${e.code ?? 'invalid'}`);
      }
    }
  } else if (text) {
    parts.push(text.slice(0, 200));
  }
  const message = parts.join('; ').slice(0, 500);
  return message || undefined;
}

function localUrl(target: RepositoryTarget, branch: string): string {
  return `git:${target.cloneUrl}#${branch}`;
}

/**
 * A local repository's "change request" is the branch: merged when its head
 * is in the default branch, closed when it is gone, open otherwise.
 */
async function localState(
  target: RepositoryTarget,
  branch: string,
  baseBranch: string,
): Promise<ChangeRequestState> {
  const home = await fs.mkdtemp(path.join(os.tmpdir(), 'change-request-'));
  try {
    const git = new Git(target, home);
    const dir = [`--git-dir=${target.cloneUrl}`];
    const resolve = (ref: string) =>
      git
        .text([...dir, 'rev-parse', '--verify', '--quiet', `${ref}^{commit}`], {
          okCodes: [0, 1],
        })
        .then(sha => sha || undefined);
    // Fails for a path that is not a repository (a clear error).
    await git.run([...dir, 'rev-parse', '--git-dir']);
    const head = await resolve(`refs/heads/${branch}`);
    if (!head) return 'closed';
    const base = await resolve(`refs/heads/${baseBranch}`);
    if (!base) {
      throw new Error(
        `branch "${baseBranch}" does not exist in ${describeTarget(target)}`,
      );
    }
    const { code } = await git.run(
      [...dir, 'merge-base', '--is-ancestor', head, base],
      { okCodes: [0, 1] },
    );
    return code === 0 ? 'merged' : 'open';
  } finally {
    await fs.rm(home, { recursive: true, force: true });
  }
}
