import {
  getGitLabRequestOptions,
  ScmIntegrationRegistry,
} from '@backstage/integration';
import pLimit from 'p-limit';
import type { TreeEntry } from '../git/GitRepository';
import { scmRequest } from '@internal/portal-node';
import type {
  RepositoryContent,
  RepositoryRef,
  RepositorySource,
} from '../ingestion/types';

export interface GitlabRepositorySourceOptions {
  id: string;
  /** Host of a configured `integrations.gitlab` entry, e.g. gitlab.com. */
  host: string;
  /** Group path (subgroups included), e.g. `acme` or `acme/platform`. */
  group: string;
  integrations: ScmIntegrationRegistry;
  timeoutMs?: number;
}

interface GitlabProject {
  id: number;
  path_with_namespace: string;
  web_url: string;
  default_branch?: string | null;
  last_activity_at?: string;
  empty_repo?: boolean;
  archived?: boolean;
}

/**
 * The projects of a GitLab group and its subgroups, through the REST API
 * of the `integrations.gitlab` entry for the host. `last_activity_at` is
 * the version marker; files come from the default branch's tree and raw
 * blobs. A repository's name is its path below the group (`sub/project`).
 */
export class GitlabRepositorySource implements RepositorySource {
  readonly type = 'gitlab' as const;
  readonly id: string;
  readonly target: string;
  private readonly apiBaseUrl: string;
  private readonly headers: Record<string, string>;
  private readonly ids = new Map<string, number>();

  constructor(private readonly options: GitlabRepositorySourceOptions) {
    const integration = options.integrations.gitlab.byHost(options.host);
    if (!integration) {
      throw new Error(
        `no integrations.gitlab entry for host ${options.host}; add one to app-config`,
      );
    }
    this.id = options.id;
    this.target = `https://${options.host}/${options.group}`;
    this.apiBaseUrl = integration.config.apiBaseUrl.replace(/\/$/, '');
    this.headers = getGitLabRequestOptions(integration.config).headers;
  }

  private request<T>(path: string) {
    const url = path.startsWith('http') ? path : `${this.apiBaseUrl}${path}`;
    return scmRequest<T>(url, {
      headers: this.headers,
      timeoutMs: this.options.timeoutMs ?? 30_000,
      host: 'GitLab',
    });
  }

  private toRef(p: GitlabProject): RepositoryRef {
    const name = p.path_with_namespace.slice(this.options.group.length + 1);
    this.ids.set(name, p.id);
    const readable = p.default_branch && !p.empty_repo;
    return {
      name,
      location: p.web_url,
      branch: p.default_branch ?? undefined,
      commit: readable ? `activity:${p.last_activity_at ?? ''}` : undefined,
    };
  }

  async list(): Promise<RepositoryRef[]> {
    const projects: GitlabProject[] = [];
    let page: string | undefined = `/groups/${encodeURIComponent(
      this.options.group,
    )}/projects?include_subgroups=true&archived=false&per_page=100&order_by=id&sort=asc`;
    while (page) {
      const { body, next }: { body: GitlabProject[]; next?: string } =
        await this.request<GitlabProject[]>(page);
      if (!Array.isArray(body))
        throw new Error('GitLab listing is not an array');
      projects.push(...body);
      page = next;
    }
    return projects
      .filter(
        p =>
          !p.archived &&
          p.path_with_namespace.startsWith(`${this.options.group}/`),
      )
      .map(p => this.toRef(p));
  }

  async get(name: string): Promise<RepositoryRef | undefined> {
    if (!/^[A-Za-z0-9._/-]+$/.test(name) || name.split('/').includes('..'))
      return undefined;
    try {
      const { body } = await this.request<GitlabProject>(
        `/projects/${encodeURIComponent(`${this.options.group}/${name}`)}`,
      );
      return body.archived ? undefined : this.toRef(body);
    } catch {
      return undefined;
    }
  }

  async read(repo: RepositoryRef): Promise<RepositoryContent> {
    const id =
      this.ids.get(repo.name) ??
      encodeURIComponent(`${this.options.group}/${repo.name}`);
    if (!repo.branch) return { files: [], read: async () => new Map() };
    const files: TreeEntry[] = [];
    let page:
      | string
      | undefined = `/projects/${id}/repository/tree?recursive=true&per_page=100&ref=${encodeURIComponent(
      repo.branch,
    )}`;
    while (page) {
      const {
        body,
        next,
      }: {
        body: Array<{ id: string; type: string; path: string; mode: string }>;
        next?: string;
      } = await this.request(page);
      for (const e of body) {
        // GitLab's tree has no sizes: the reader checks them after reading.
        if (e.type === 'blob' || e.type === 'commit')
          files.push({ path: e.path, mode: e.mode, oid: e.id, size: 0 });
      }
      page = next;
    }
    const limit = pLimit(8);
    return {
      files,
      read: async oids => {
        const out = new Map<string, Buffer>();
        await Promise.all(
          [...new Set(oids)].map(oid =>
            limit(async () => {
              const res = await fetch(
                `${this.apiBaseUrl}/projects/${id}/repository/blobs/${oid}/raw`,
                {
                  headers: this.headers,
                  redirect: 'error',
                  signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
                },
              );
              if (!res.ok)
                throw new Error(
                  `GitLab answered ${res.status} for blob ${oid}`,
                );
              out.set(oid, Buffer.from(await res.arrayBuffer()));
            }),
          ),
        );
        return out;
      },
    };
  }

  locationOf(repo: RepositoryRef, file: string): string {
    return `url:${repo.location}/-/blob/${repo.branch ?? 'HEAD'}/${file}`;
  }
}
