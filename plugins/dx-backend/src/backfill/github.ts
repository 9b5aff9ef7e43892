import {
  DefaultGithubCredentialsProvider,
  type ScmIntegrationRegistry,
} from '@backstage/integration';
import { scmRequest } from '@internal/portal-node';
import type { IngestItem } from '../service/ingest';
import {
  genericItem,
  inRange,
  type BackfillPosition,
  type BackfillRange,
  type BackfillStep,
  type HistoryReader,
} from './types';

/** Where deployments come from when a repository has no GitHub deployments. */
export type DeploymentsFallback = 'none' | 'releases';

export interface GithubHistoryOptions {
  integrations: ScmIntegrationRegistry;
  host: string;
  org: string;
  /** Issue labels that make an issue an incident. */
  incidentLabels: string[];
  deploymentsFallback: DeploymentsFallback;
  /** Items per listing page. */
  perPage?: number;
  timeoutMs?: number;
}

type Json = Record<string, any>;

const PHASES = ['changes', 'deployments', 'releases', 'incidents'] as const;

/**
 * The history of a GitHub organisation's repositories through the REST API
 * and the host's `integrations.github` credentials: merged pull requests
 * with their commits (as the `pull_request` and `push` webhooks would have
 * delivered them), deployments and their statuses, releases where a
 * repository has no deployments (if configured), and issues labelled as
 * incidents.
 */
export class GithubHistoryReader implements HistoryReader {
  private readonly apiBaseUrl: string;
  private readonly credentials: DefaultGithubCredentialsProvider;
  private readonly perPage: number;

  constructor(private readonly options: GithubHistoryOptions) {
    const integration = options.integrations.github.byHost(options.host);
    if (!integration)
      throw new Error(
        `no integrations.github entry for host ${options.host}; add one to app-config`,
      );
    this.apiBaseUrl = (
      integration.config.apiBaseUrl ?? 'https://api.github.com'
    ).replace(/\/$/, '');
    this.credentials = DefaultGithubCredentialsProvider.fromIntegrations(
      options.integrations,
    );
    this.perPage = options.perPage ?? 100;
  }

  private async get<T>(path: string) {
    const { headers } = await this.credentials.getCredentials({
      url: `https://${this.options.host}/${this.options.org}`,
    });
    const url = path.startsWith('http') ? path : `${this.apiBaseUrl}${path}`;
    return scmRequest<T>(url, {
      headers: { accept: 'application/vnd.github+json', ...headers },
      timeoutMs: this.options.timeoutMs ?? 30_000,
      host: 'GitHub',
    });
  }

  private repoPath(name: string) {
    return `/repos/${encodeURIComponent(this.options.org)}/${encodeURIComponent(
      name,
    )}`;
  }

  async listRepositories(): Promise<string[]> {
    const names: string[] = [];
    let page: string | undefined = `/orgs/${encodeURIComponent(
      this.options.org,
    )}/repos?per_page=100&type=all`;
    while (page) {
      const { body, next }: { body: Json[]; next?: string } = await this.get<
        Json[]
      >(page);
      if (!Array.isArray(body))
        throw new Error('GitHub repository listing is not an array');
      names.push(...body.filter(r => !r.archived).map(r => String(r.name)));
      page = next;
    }
    return names;
  }

  async step(
    repository: string,
    position: BackfillPosition | undefined,
    range: BackfillRange,
  ): Promise<BackfillStep> {
    const phase = position?.phase ?? PHASES[0];
    const base = this.repoPath(repository);
    const repo = {
      full_name: `${this.options.org}/${repository}`,
    } as Json;
    const nextPhase = (after: string, pauseUntil?: Date): BackfillStep => {
      const i = PHASES.indexOf(after as (typeof PHASES)[number]);
      let following = PHASES[i + 1];
      if (
        following === 'releases' &&
        this.options.deploymentsFallback !== 'releases'
      )
        following = PHASES[i + 2];
      return {
        items: [],
        next: following ? { phase: following } : undefined,
        pauseUntil,
      };
    };

    if (phase === 'changes') {
      const { body, next, pauseUntil } = await this.get<Json[]>(
        position?.cursor ??
          `${base}/pulls?state=closed&sort=updated&direction=desc&per_page=${this.perPage}`,
      );
      const items: IngestItem[] = [];
      for (const pr of body) {
        if (!inRange(pr.merged_at, range)) continue;
        items.push(...(await this.mergedPullRequest(base, repo, pr)));
      }
      const older =
        body.length > 0 &&
        Date.parse(body[body.length - 1].updated_at) < range.from.getTime();
      if (next && !older)
        return { items, next: { phase, cursor: next }, pauseUntil };
      return { ...nextPhase(phase, pauseUntil), items };
    }

    if (phase === 'deployments') {
      const { body, next, pauseUntil } = await this.get<Json[]>(
        position?.cursor ?? `${base}/deployments?per_page=${this.perPage}`,
      );
      if (!position?.cursor && body.length === 0)
        return nextPhase(phase, pauseUntil);
      const items: IngestItem[] = [];
      for (const d of body) {
        if (!inRange(d.created_at, range)) continue;
        items.push({
          format: 'github',
          githubEvent: 'deployment',
          payload: { action: 'created', deployment: d, repository: repo },
        });
        let page:
          | string
          | undefined = `${base}/deployments/${encodeURIComponent(
          d.id,
        )}/statuses?per_page=100`;
        while (page) {
          const statuses: { body: Json[]; next?: string } = await this.get<
            Json[]
          >(page);
          for (const s of statuses.body)
            items.push({
              format: 'github',
              githubEvent: 'deployment_status',
              payload: {
                action: 'created',
                deployment_status: s,
                deployment: d,
                repository: repo,
              },
            });
          page = statuses.next;
        }
      }
      const older =
        body.length > 0 &&
        Date.parse(body[body.length - 1].created_at) < range.from.getTime();
      if (next && !older)
        return { items, next: { phase, cursor: next }, pauseUntil };
      // Deployments found: releases are not read as deployments too.
      const after = nextPhase('releases', pauseUntil);
      return { ...after, items };
    }

    if (phase === 'releases') {
      const { body, next, pauseUntil } = await this.get<Json[]>(
        position?.cursor ?? `${base}/releases?per_page=${this.perPage}`,
      );
      const items: IngestItem[] = [];
      for (const r of body) {
        if (r.draft || !inRange(r.published_at, range)) continue;
        const commit = await this.get<Json>(
          `${base}/commits/${encodeURIComponent(r.tag_name)}`,
        );
        items.push(
          genericItem({
            id: `github-release:${repo.full_name}:${r.id}`,
            type: 'deployment',
            action: 'deployed',
            outcome: 'success',
            timestamp: r.published_at,
            repository: repo.full_name,
            environment: 'production',
            deploymentId: String(r.id),
            commitSha: commit.body.sha,
            title: r.name || r.tag_name,
          }),
        );
      }
      const older =
        body.length > 0 &&
        Date.parse(
          body[body.length - 1].published_at ??
            body[body.length - 1].created_at,
        ) < range.from.getTime();
      if (next && !older)
        return { items, next: { phase, cursor: next }, pauseUntil };
      return { ...nextPhase(phase, pauseUntil), items };
    }

    // Incidents: issues with an incident label, updated in the range, one
    // label after the other (`incidents:<index of the label>`).
    const labelIndex = Number(/^incidents:(\d+)$/.exec(phase)?.[1] ?? 0);
    const label = this.options.incidentLabels[labelIndex];
    if (!label) return { items: [] };
    const page = await this.get<Json[]>(
      position?.cursor ??
        `${base}/issues?state=all&labels=${encodeURIComponent(
          label,
        )}&since=${range.from.toISOString()}&per_page=${this.perPage}`,
    );
    const items: IngestItem[] = [];
    for (const issue of page.body) {
      if (issue.pull_request) continue;
      if (inRange(issue.created_at, range))
        items.push({
          format: 'github',
          githubEvent: 'issues',
          payload: { action: 'opened', issue, repository: repo },
        });
      if (issue.closed_at && inRange(issue.closed_at, range))
        items.push({
          format: 'github',
          githubEvent: 'issues',
          payload: { action: 'closed', issue, repository: repo },
        });
    }
    let following: BackfillPosition | undefined;
    if (page.next)
      following = { phase: `incidents:${labelIndex}`, cursor: page.next };
    else if (labelIndex + 1 < this.options.incidentLabels.length)
      following = { phase: `incidents:${labelIndex + 1}` };
    return { items, next: following, pauseUntil: page.pauseUntil };
  }

  /** A merged pull request as its `pull_request` and `push` webhooks. */
  private async mergedPullRequest(
    base: string,
    repo: Json,
    pr: Json,
  ): Promise<IngestItem[]> {
    const defaultBranch = pr.base?.repo?.default_branch;
    const repository = { ...repo, default_branch: defaultBranch };
    const items: IngestItem[] = [
      {
        format: 'github',
        githubEvent: 'pull_request',
        payload: {
          action: 'closed',
          number: pr.number,
          pull_request: { ...pr, merged: true },
          repository,
        },
      },
    ];
    if (!pr.merge_commit_sha || pr.base?.ref !== defaultBranch) return items;
    const commits: Json[] = [];
    let page:
      | string
      | undefined = `${base}/pulls/${pr.number}/commits?per_page=100`;
    while (page) {
      const { body, next }: { body: Json[]; next?: string } = await this.get<
        Json[]
      >(page);
      commits.push(...body);
      page = next;
    }
    const merge = (
      await this.get<Json>(
        `${base}/commits/${encodeURIComponent(pr.merge_commit_sha)}`,
      )
    ).body;
    items.push({
      format: 'github',
      githubEvent: 'push',
      payload: {
        ref: `refs/heads/${defaultBranch}`,
        before: merge.parents?.[0]?.sha,
        after: pr.merge_commit_sha,
        head_commit: {
          id: pr.merge_commit_sha,
          timestamp: merge.commit?.committer?.date ?? pr.merged_at,
          message: merge.commit?.message,
        },
        commits: commits.map(c => ({
          id: c.sha,
          timestamp: c.commit?.author?.date,
        })),
        repository,
      },
    });
    return items;
  }
}
