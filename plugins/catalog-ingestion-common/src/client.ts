import {
  getPluginJson,
  type PluginClientOptions,
  type PluginRequestOptions,
} from '@internal/portal-common';
import type { IngestionHealth, OpenSloFilePage } from './types';

/**
 * Typed client of catalog ingestion's API (`/api/catalog/ingestion/*`), for
 * other plugins: the SLO backend reads health and OpenSLO files.
 */
export class IngestionClient {
  constructor(private readonly options: PluginClientOptions) {}

  private get<T>(path: string, options?: PluginRequestOptions) {
    return getPluginJson<T>(
      this.options,
      'catalog',
      `/ingestion${path}`,
      options,
    );
  }

  /** Runs and their outcome in [from, to). */
  getHealth(
    request: { from: Date; to: Date },
    options?: PluginRequestOptions,
  ): Promise<IngestionHealth> {
    const query = new URLSearchParams({
      from: request.from.toISOString(),
      to: request.to.toISOString(),
    });
    return this.get(`/health?${query}`, options);
  }

  /** One page of the OpenSLO files read from repositories. */
  listOpenSloFiles(
    request: { offset?: number; limit?: number; entityRef?: string },
    options?: PluginRequestOptions,
  ): Promise<OpenSloFilePage> {
    const query = new URLSearchParams();
    if (request.offset !== undefined)
      query.set('offset', String(request.offset));
    if (request.limit !== undefined) query.set('limit', String(request.limit));
    if (request.entityRef) query.set('entityRef', request.entityRef);
    return this.get(`/openslo?${query}`, options);
  }
}
