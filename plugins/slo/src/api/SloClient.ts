import type { DiscoveryApi, FetchApi } from '@backstage/frontend-plugin-api';
import { ResponseError } from '@backstage/errors';
import type {
  PlatformHealth,
  SloCreateRequest,
  SloDetail,
  SloSummary,
} from '@internal/plugin-slo-common';
import type { SloApi, SloListFilter, SloValidation } from './SloApi';

type Query = Record<string, string | undefined>;

/**
 * {@link SloApi} over HTTP. The base URL comes from discovery (`slo`);
 * requests go through the fetch API so they carry the user's token. Failed
 * requests throw a `ResponseError` whose `cause` is the server's error.
 *
 * @public
 */
export class SloClient implements SloApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  async listSlos(filter: SloListFilter = {}): Promise<SloSummary[]> {
    const { items } = await this.json<{ items: SloSummary[] }>('/slos', {
      query: {
        entityRef: filter.entityRef,
        owner: filter.owner,
        system: filter.system,
        state: filter.state,
      },
    });
    return items;
  }

  getSlo(
    id: string,
    range: { from?: Date; to?: Date } = {},
  ): Promise<SloDetail> {
    return this.json(`/slos/${encodeURIComponent(id)}`, {
      query: { from: range.from?.toISOString(), to: range.to?.toISOString() },
    });
  }

  validateSlo(yaml: string): Promise<SloValidation> {
    return this.json('/validate', { method: 'POST', body: { yaml } });
  }

  async createSlo(request: SloCreateRequest): Promise<SloSummary[]> {
    const { items } = await this.json<{ items: SloSummary[] }>('/slos', {
      method: 'POST',
      body: { entityRef: request.entityRef, yaml: request.yaml },
    });
    return items;
  }

  async deleteSlo(id: string): Promise<void> {
    await this.request(`/slos/${encodeURIComponent(id)}`, {
      method: 'DELETE',
    });
  }

  getPlatformHealth(): Promise<PlatformHealth> {
    return this.json('/platform');
  }

  private async json<T>(
    path: string,
    options: { query?: Query; method?: string; body?: unknown } = {},
  ): Promise<T> {
    const response = await this.request(path, options);
    return response.json();
  }

  private async request(
    path: string,
    options: { query?: Query; method?: string; body?: unknown },
  ): Promise<Response> {
    const baseUrl = await this.discoveryApi.getBaseUrl('slo');
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value) params.set(key, value);
    }
    const search = params.toString();
    const init: RequestInit = { method: options.method ?? 'GET' };
    if (options.body !== undefined) {
      init.headers = { 'Content-Type': 'application/json' };
      init.body = JSON.stringify(options.body);
    }
    const response = await this.fetchApi.fetch(
      `${baseUrl}${path}${search ? `?${search}` : ''}`,
      init,
    );
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return response;
  }
}
