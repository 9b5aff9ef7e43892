import {
  DefaultGithubCredentialsProvider,
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

export interface GithubRepositorySourceOptions {
  id: string;
  /** Host of a configured `integrations.github` entry, e.g. github.com. */
  host: string;
  /** Organisation (or user) whose repositories are discovered. */
  org: string;
  integrations: ScmIntegrationRegistry;
  /** Per-request timeout. */
  timeoutMs?: number;
}

interface GithubRepo {
  name: string;
  html_url: string;
  default_branch?: string | null;
  pushed_at?: string | null;
  archived?: boolean;
}

/**
 * The repositories of a GitHub organisation, through the REST API of the
 * `integrations.github` entry for the host (token or GitHub App
 * credentials). The listing's `pushed_at` is the version marker: a
 * repository nobody pushed to is not read again. Files are read from the
 * default branch's tree and blobs. Redirects are refused, so a request
 * never follows to another host.
 */
export class GithubRepositorySource implements RepositorySource {
  readonly type = 'github' as const;
  readonly id: string;
  readonly target: string;
  private readonly apiBaseUrl: string;
  private readonly credentials: DefaultGithubCredentialsProvider;

  constructor(private readonly options: GithubRepositorySourceOptions) {
    const integration = options.integrations.github.byHost(options.host);
    if (!integration) {
      throw new Error(
        `no integrations.github entry for host ${options.host}; add one to app-config`,
      );
    }
    this.id = options.id;
    this.target = `https://${options.host}/${options.org}`;
    this.apiBaseUrl = (
      integration.config.apiBaseUrl ?? 'https://api.github.com'
    ).replace(/\/$/, '');
    this.credentials = DefaultGithubCredentialsProvider.fromIntegrations(
      options.integrations,
    );
  }

  private async request<T>(path: string): Promise<{ body: T; next?: string }> {
    const { headers } = await this.credentials.getCredentials({
      url: this.target,
    });
    const url = path.startsWith('http') ? path : `${this.apiBaseUrl}${path}`;
    return scmRequest<T>(url, {
      headers: { accept: 'application/vnd.github+json', ...headers },
      timeoutMs: this.options.timeoutMs ?? 30_000,
      host: 'GitHub',
    });
  }

  private toRef(repo: GithubRepo): RepositoryRef {
    return {
      name: repo.name,
      location: repo.html_url,
      branch: repo.default_branch ?? undefined,
      // An empty repository has no default branch to read.
      commit: repo.default_branch
        ? `pushed:${repo.pushed_at ?? ''}`
        : undefined,
    };
  }

  async list(): Promise<RepositoryRef[]> {
    const repos: GithubRepo[] = [];
    let page: string | undefined = `/orgs/${encodeURIComponent(
      this.options.org,
    )}/repos?per_page=100&type=all`;
    while (page) {
      const { body, next }: { body: GithubRepo[]; next?: string } =
        await this.request<GithubRepo[]>(page);
      if (!Array.isArray(body))
        throw new Error('GitHub listing is not an array');
      repos.push(...body);
      page = next;
    }
    return repos.filter(r => !r.archived).map(r => this.toRef(r));
  }

  async get(name: string): Promise<RepositoryRef | undefined> {
    if (!/^[A-Za-z0-9._-]+$/.test(name)) return undefined;
    try {
      const { body } = await this.request<GithubRepo>(
        `/repos/${encodeURIComponent(this.options.org)}/${encodeURIComponent(
          name,
        )}`,
      );
      return body.archived ? undefined : this.toRef(body);
    } catch {
      return undefined;
    }
  }

  async read(repo: RepositoryRef): Promise<RepositoryContent> {
    if (!repo.branch) return { files: [], read: async () => new Map() };
    const base = `/repos/${encodeURIComponent(
      this.options.org,
    )}/${encodeURIComponent(repo.name)}`;
    const { body } = await this.request<{
      truncated?: boolean;
      tree: Array<{
        path: string;
        mode: string;
        type: string;
        sha: string;
        size?: number;
      }>;
    }>(`${base}/git/trees/${encodeURIComponent(repo.branch)}?recursive=1`);
    if (body.truncated) {
      throw new Error(
        'GitHub truncated the tree listing (over 100,000 entries); the repository is too large to scan',
      );
    }
    const files: TreeEntry[] = body.tree
      .filter(e => e.type === 'blob' || e.type === 'commit')
      .map(e => ({
        path: e.path,
        mode: e.mode,
        oid: e.sha,
        size: e.size ?? 0,
      }));
    const limit = pLimit(8);
    return {
      files,
      read: async oids => {
        const out = new Map<string, Buffer>();
        await Promise.all(
          [...new Set(oids)].map(oid =>
            limit(async () => {
              const blob = await this.request<{
                content: string;
                encoding: string;
              }>(`${base}/git/blobs/${oid}`);
              out.set(
                oid,
                Buffer.from(
                  blob.body.content,
                  blob.body.encoding === 'base64' ? 'base64' : 'utf8',
                ),
              );
            }),
          ),
        );
        return out;
      },
    };
  }

  locationOf(repo: RepositoryRef, file: string): string {
    return `url:${repo.location}/blob/${repo.branch ?? 'HEAD'}/${file}`;
  }
}
