import type { ScmIntegrationRegistry } from '@backstage/integration';
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

export interface GitlabHistoryOptions {
  integrations: ScmIntegrationRegistry;
  host: string;
  group: string;
  incidentLabels: string[];
  perPage?: number;
  timeoutMs?: number;
}

type Json = Record<string, any>;

const DEPLOYED: Record<string, 'success' | 'failure' | 'cancelled'> = {
  success: 'success',
  failed: 'failure',
  canceled: 'cancelled',
};

/**
 * The history of a GitLab group's projects through the REST API and the
 * host's `integrations.gitlab` token: merged merge requests into the default
 * branch with their commits, deployments, and issues that are incidents
 * (issue type `incident` or an incident label), as generic events keyed by
 * the project path and GitLab's ids.
 */
export class GitlabHistoryReader implements HistoryReader {
  private readonly apiBaseUrl: string;
  private readonly token?: string;
  private readonly perPage: number;
  /** Project ids and default branches by path, from the listing. */
  private readonly projects = new Map<
    string,
    { id: number; branch?: string }
  >();

  constructor(private readonly options: GitlabHistoryOptions) {
    const integration = options.integrations.gitlab.byHost(options.host);
    if (!integration)
      throw new Error(
        `no integrations.gitlab entry for host ${options.host}; add one to app-config`,
      );
    this.apiBaseUrl = integration.config.apiBaseUrl.replace(/\/$/, '');
    this.token = integration.config.token;
    this.perPage = options.perPage ?? 100;
  }

  private get<T>(path: string) {
    const url = path.startsWith('http') ? path : `${this.apiBaseUrl}${path}`;
    return scmRequest<T>(url, {
      headers: this.token ? { 'private-token': this.token } : {},
      timeoutMs: this.options.timeoutMs ?? 30_000,
      host: 'GitLab',
    });
  }

  async listRepositories(): Promise<string[]> {
    let page: string | undefined = `/groups/${encodeURIComponent(
      this.options.group,
    )}/projects?include_subgroups=true&archived=false&per_page=100`;
    while (page) {
      const { body, next }: { body: Json[]; next?: string } = await this.get<
        Json[]
      >(page);
      if (!Array.isArray(body))
        throw new Error('GitLab project listing is not an array');
      for (const p of body)
        this.projects.set(p.path_with_namespace, {
          id: p.id,
          branch: p.default_branch ?? undefined,
        });
      page = next;
    }
    return [...this.projects.keys()];
  }

  private async project(path: string) {
    const known = this.projects.get(path);
    if (known) return known;
    const { body } = await this.get<Json>(
      `/projects/${encodeURIComponent(path)}`,
    );
    const found = { id: body.id, branch: body.default_branch ?? undefined };
    this.projects.set(path, found);
    return found;
  }

  async step(
    repository: string,
    position: BackfillPosition | undefined,
    range: BackfillRange,
  ): Promise<BackfillStep> {
    const phase = position?.phase ?? 'changes';
    const { id, branch } = await this.project(repository);
    const base = `/projects/${id}`;
    const after = `updated_after=${range.from.toISOString()}&updated_before=${new Date(
      range.to.getTime() + 86_400_000,
    ).toISOString()}`;
    const items: IngestItem[] = [];

    if (phase === 'changes') {
      if (!branch) return { items, next: { phase: 'deployments' } };
      const page = await this.get<Json[]>(
        position?.cursor ??
          `${base}/merge_requests?state=merged&target_branch=${encodeURIComponent(
            branch,
          )}&${after}&order_by=updated_at&sort=desc&per_page=${this.perPage}`,
      );
      for (const mr of page.body) {
        if (!inRange(mr.merged_at, range)) continue;
        const commits: Json[] = [];
        let c:
          | string
          | undefined = `${base}/merge_requests/${mr.iid}/commits?per_page=100`;
        while (c) {
          const res: { body: Json[]; next?: string } = await this.get<Json[]>(
            c,
          );
          commits.push(...res.body);
          c = res.next;
        }
        items.push(
          genericItem({
            id: `gitlab-mr:${repository}!${mr.iid}`,
            type: 'change',
            action: 'merged',
            timestamp: mr.merged_at,
            repository,
            changeId: String(mr.iid),
            commitSha: mr.merge_commit_sha ?? mr.squash_commit_sha ?? mr.sha,
            commits: commits.slice(0, 1000).map(x => ({
              sha: x.id,
              at: x.authored_date ?? x.created_at,
            })),
            actor: mr.merged_by?.username,
            title: mr.title,
          }),
        );
      }
      return {
        items,
        next: page.next
          ? { phase, cursor: page.next }
          : { phase: 'deployments' },
        pauseUntil: page.pauseUntil,
      };
    }

    if (phase === 'deployments') {
      const page = await this.get<Json[]>(
        position?.cursor ??
          `${base}/deployments?${after}&order_by=updated_at&sort=desc&per_page=${this.perPage}`,
      );
      for (const d of page.body) {
        const outcome = DEPLOYED[d.status];
        const at = outcome
          ? d.deployable?.finished_at ?? d.updated_at
          : d.created_at;
        if (!inRange(at, range)) continue;
        items.push(
          genericItem({
            id: `gitlab-deployment:${repository}:${d.id}:${d.status}`,
            type: 'deployment',
            action: outcome ? 'deployed' : 'requested',
            ...(outcome ? { outcome } : {}),
            timestamp: at,
            repository,
            environment: d.environment?.name,
            deploymentId: String(d.id),
            commitSha: d.sha,
            actor: d.user?.username,
          }),
        );
      }
      return {
        items,
        next: page.next ? { phase, cursor: page.next } : { phase: 'incidents' },
        pauseUntil: page.pauseUntil,
      };
    }

    const labels = new Set(
      this.options.incidentLabels.map(l => l.toLowerCase()),
    );
    const page = await this.get<Json[]>(
      position?.cursor ?? `${base}/issues?${after}&per_page=${this.perPage}`,
    );
    for (const issue of page.body) {
      const incident =
        issue.issue_type === 'incident' ||
        (issue.labels ?? []).some((l: unknown) =>
          labels.has(String(l).toLowerCase()),
        );
      if (!incident) continue;
      const common = {
        type: 'incident',
        repository,
        incidentId: String(issue.iid),
        title: issue.title,
      };
      if (inRange(issue.created_at, range))
        items.push(
          genericItem({
            ...common,
            id: `gitlab-incident:${repository}#${issue.iid}:reported`,
            action: 'reported',
            timestamp: issue.created_at,
          }),
        );
      if (issue.closed_at && inRange(issue.closed_at, range))
        items.push(
          genericItem({
            ...common,
            id: `gitlab-incident:${repository}#${issue.iid}:resolved`,
            action: 'resolved',
            timestamp: issue.closed_at,
          }),
        );
    }
    return {
      items,
      next: page.next ? { phase, cursor: page.next } : undefined,
      pauseUntil: page.pauseUntil,
    };
  }
}
