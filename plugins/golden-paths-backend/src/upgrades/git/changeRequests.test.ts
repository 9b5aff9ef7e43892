import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
// The GitHub and GitLab stand-ins of catalog ingestion's tests: REST API
// (with pull and merge requests) and git over HTTP, served from a directory.
import {
  commitFiles,
  createRepo,
  startGithubStandIn,
  startGitlabStandIn,
} from '@internal/plugin-catalog-backend-module-ingestion/testUtils';
import { applyTemplateChange } from './applyTemplateChange';
import { changeRequestState, openChangeRequest } from './changeRequests';
import type { HostKind, RepositoryTarget } from './types';

jest.setTimeout(60_000);

/** The error a promise rejects with (fails when it resolves). */
async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
}

const TOKEN = 'secret-token-123';
const BRANCH = 'golden-paths/upgrade-1-to-2';
const TITLE = 'Upgrade to service template version 2';
const BODY = 'The template changed: Dockerfile, CI.\n\nNo conflicts.';

type StandIn = Awaited<ReturnType<typeof startGithubStandIn>>;

function bare(dir: string, ...args: string[]): string {
  return execFileSync('git', [`--git-dir=${dir}`, ...args], {
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH,
      GIT_CONFIG_NOSYSTEM: '1',
      HOME: dir,
      GIT_AUTHOR_NAME: 'Team',
      GIT_AUTHOR_EMAIL: 'team@example.com',
      GIT_COMMITTER_NAME: 'Team',
      GIT_COMMITTER_EMAIL: 'team@example.com',
    },
  }).trim();
}

const BASE = { Dockerfile: 'FROM node:18\n', 'old.txt': 'obsolete\n' };
const THEIRS = { Dockerfile: 'FROM node:22\n', 'ci.yaml': 'on: push\n' };
const asFiles = (spec: Record<string, string>) =>
  new Map(Object.entries(spec).map(([k, v]) => [k, Buffer.from(v)]));

const hosts: Array<{
  kind: HostKind;
  start?: (dir: string) => Promise<StandIn>;
}> = [
  { kind: 'local' },
  {
    kind: 'github',
    start: dir => startGithubStandIn({ dir, org: 'acme', token: TOKEN }),
  },
  {
    kind: 'gitlab',
    start: dir => startGitlabStandIn({ dir, group: 'acme', token: TOKEN }),
  },
];

describe.each(hosts)('change requests on $kind', host => {
  let root: string;
  let hostDir: string;
  let standIn: StandIn | undefined;

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), `change-${host.kind}-`));
    hostDir = path.join(root, 'host');
    fs.mkdirSync(hostDir);
    standIn = await host.start?.(hostDir);
  });

  afterAll(async () => {
    await standIn?.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  /** A repository made from the base files plus the team's commit, with the template's change proposed on BRANCH. */
  async function proposed(name: string) {
    const dir = path.join(hostDir, `${name}.git`);
    execFileSync('git', ['init', '-q', '--bare', '-b', 'main', dir]);
    bare(dir, 'config', 'http.receivepack', 'true');
    const work = path.join(root, 'work', name);
    createRepo(work, BASE);
    commitFiles(work, { 'TEAM.md': 'team-a\n' }, 'our own change');
    execFileSync('git', ['-C', work, 'push', '-q', dir, 'HEAD:main']);
    const target: RepositoryTarget =
      host.kind === 'local'
        ? { kind: 'local', name, cloneUrl: dir }
        : {
            kind: host.kind,
            name,
            owner: 'acme',
            cloneUrl: `http://${standIn!.host}/acme/${name}.git`,
            apiBaseUrl: standIn!.apiBaseUrl,
            token: TOKEN,
          };
    const applied = await applyTemplateChange({
      target,
      base: asFiles(BASE),
      theirs: asFiles(THEIRS),
      branch: BRANCH,
      message: TITLE,
      author: { name: 'Golden Paths', email: 'golden-paths@example.com' },
      tmpDir: root,
    });
    expect(applied.status).toBe('proposed');
    return { dir, target, head: bare(dir, 'rev-parse', 'main') };
  }

  /** Merges BRANCH into main as the host's merge button does. */
  async function merge(
    repo: { dir: string; target: RepositoryTarget },
    number?: number,
  ) {
    if (standIn) {
      await standIn.mergeChangeRequest(repo.target.name, number!);
      return;
    }
    const tree = bare(
      repo.dir,
      'merge-tree',
      '--write-tree',
      'main',
      BRANCH,
    ).split('\n')[0];
    const commit = bare(
      repo.dir,
      'commit-tree',
      tree,
      '-p',
      'main',
      '-p',
      BRANCH,
      '-m',
      'merge',
    );
    bare(repo.dir, 'update-ref', 'refs/heads/main', commit);
  }

  /** Closes the request without merging (locally: deletes the branch). */
  async function close(
    repo: { dir: string; target: RepositoryTarget },
    number?: number,
  ) {
    if (standIn) await standIn.closeChangeRequest(repo.target.name, number!);
    else bare(repo.dir, 'update-ref', '-d', `refs/heads/${BRANCH}`);
  }

  /** What openChangeRequest should answer for the first request of a repository. */
  function expectedRequest(name: string, dir: string) {
    if (!standIn) return { url: `git:${dir}#${BRANCH}`, state: 'open' };
    const url =
      host.kind === 'github'
        ? `http://${standIn.host}/acme/${name}/pull/1`
        : `http://${standIn.host}/acme/${name}/-/merge_requests/1`;
    return { url, number: 1, state: 'open' };
  }

  /** The request as the host's API shows it (nothing for local). */
  async function onHost(name: string, number?: number) {
    if (!standIn) return undefined;
    const res = await fetch(
      host.kind === 'github'
        ? `${standIn.apiBaseUrl}/repos/acme/${name}/pulls/${number}`
        : `${standIn.apiBaseUrl}/projects/acme%2F${name}/merge_requests/${number}`,
      { headers: { Authorization: `Bearer ${TOKEN}` } },
    );
    const body = await res.json();
    return host.kind === 'github'
      ? {
          title: body.title,
          body: body.body,
          head: body.head.ref,
          base: body.base.ref,
        }
      : {
          title: body.title,
          body: body.description,
          head: body.source_branch,
          base: body.target_branch,
        };
  }

  const open = (target: RepositoryTarget) =>
    openChangeRequest({
      target,
      branch: BRANCH,
      baseBranch: 'main',
      title: TITLE,
      body: BODY,
    });
  const stateOf = (target: RepositoryTarget, number?: number) =>
    changeRequestState({ target, branch: BRANCH, baseBranch: 'main', number });

  it('opens a change request, which is open until merged', async () => {
    const repo = await proposed('orders');
    const request = await open(repo.target);
    expect(request).toEqual(expectedRequest('orders', repo.dir));
    // The host has it with the title and body, from BRANCH into main.
    expect(await onHost('orders', request.number)).toEqual(
      host.kind === 'local'
        ? undefined
        : { title: TITLE, body: BODY, head: BRANCH, base: 'main' },
    );
    // Opening again finds the open one instead of making a second.
    expect(await open(repo.target)).toEqual(request);
    expect(await stateOf(repo.target, request.number)).toBe('open');
    expect(await stateOf(repo.target)).toBe('open');
    // Opening a request pushed nothing to the default branch.
    expect(bare(repo.dir, 'rev-parse', 'main')).toBe(repo.head);

    await merge(repo, request.number);
    expect(await stateOf(repo.target, request.number)).toBe('merged');
    expect(await stateOf(repo.target)).toBe('merged');
    // The merge really happened in the repository.
    expect(bare(repo.dir, 'show', 'main:Dockerfile')).toBe('FROM node:22');
  });

  it('a change request closed without merging is closed', async () => {
    const repo = await proposed('billing');
    const request = await open(repo.target);
    await close(repo, request.number);
    expect(await stateOf(repo.target, request.number)).toBe('closed');
    expect(await stateOf(repo.target)).toBe('closed');
    expect(bare(repo.dir, 'rev-parse', 'main')).toBe(repo.head);
  });

  it('refuses a change request into the branch itself', async () => {
    const repo = await proposed('search');
    await expect(
      openChangeRequest({
        target: repo.target,
        branch: 'main',
        baseBranch: 'main',
        title: TITLE,
        body: BODY,
      }),
    ).rejects.toThrow(/default branch/);
  });

  if (host.kind !== 'local') {
    it('says what the host answered, never the token', async () => {
      const repo = await proposed('payments');
      const wrong = { ...repo.target, token: 'wrong-token-456' };
      const error = await failure(open(wrong));
      expect(error.message).toMatch(
        new RegExp(
          `${standIn!.host} answered 401 Unauthorized for POST .* \\(${
            host.kind
          } repository acme/payments on ${standIn!.host}\\): .*`,
        ),
      );
      expect(error.message).not.toContain('wrong-token-456');
      // A branch the host does not have is the host's validation message.
      const missing = await failure(
        openChangeRequest({
          target: repo.target,
          branch: 'no-such-branch',
          baseBranch: 'main',
          title: TITLE,
          body: BODY,
        }),
      );
      expect(missing.message).toMatch(
        host.kind === 'github'
          ? /answered 422 .*head invalid/
          : /answered 422 .*Source branch does not exist/,
      );
      await expect(stateOf(repo.target, 99)).rejects.toThrow(/answered 404/);
    });
  }
});
