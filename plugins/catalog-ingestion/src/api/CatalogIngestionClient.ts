import type { DiscoveryApi, FetchApi } from '@backstage/frontend-plugin-api';
import { ResponseError } from '@backstage/errors';
import type {
  IngestionHealth,
  IngestionProblem,
  IngestionRun,
  IngestionSourceSummary,
  RescanResult,
} from '@internal/plugin-catalog-ingestion-common';
import type { CatalogIngestionApi } from './CatalogIngestionApi';

type Query = Record<string, string | number | undefined>;

/**
 * {@link CatalogIngestionApi} over HTTP. The base URL comes from discovery
 * (the catalog plugin's), requests go through the fetch API so they carry
 * the user's token.
 *
 * @public
 */
export class CatalogIngestionClient implements CatalogIngestionApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  getSources(): Promise<IngestionSourceSummary[]> {
    return this.getJson('/ingestion/sources');
  }

  async getRuns(
    options: { source?: string; limit?: number } = {},
  ): Promise<IngestionRun[]> {
    const { items } = await this.getJson<{ items: IngestionRun[] }>(
      '/ingestion/runs',
      { source: options.source, limit: options.limit },
    );
    return items;
  }

  async getProblems(
    options: { source?: string; repository?: string; entityRef?: string } = {},
  ): Promise<IngestionProblem[]> {
    const { items } = await this.getJson<{ items: IngestionProblem[] }>(
      '/ingestion/problems',
      {
        source: options.source,
        repository: options.repository,
        entityRef: options.entityRef,
      },
    );
    return items;
  }

  getHealth(): Promise<IngestionHealth> {
    return this.getJson('/ingestion/health');
  }

  async rescan(
    options: { source?: string; repository?: string } = {},
  ): Promise<RescanResult> {
    const response = await this.request('/ingestion/rescan', undefined, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        source: options.source,
        repository: options.repository,
      }),
    });
    return response.json();
  }

  private async getJson<T>(path: string, query?: Query): Promise<T> {
    const response = await this.request(path, query);
    return response.json();
  }

  private async request(
    path: string,
    query?: Query,
    init?: RequestInit,
  ): Promise<Response> {
    const baseUrl = await this.discoveryApi.getBaseUrl('catalog');
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value !== undefined && value !== '') params.set(key, String(value));
    }
    const search = params.toString();
    const url = `${baseUrl}${path}${search ? `?${search}` : ''}`;
    const response = await this.fetchApi.fetch(url, init);
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return response;
  }
}
