import {
  getPluginJson,
  type PluginClientOptions,
  type PluginRequestOptions,
} from '@internal/portal-common';
import type { SloSummary } from './types';

/** Typed client of the SLO backend (`/api/slo/*`), for other plugins. */
export class SloClient {
  constructor(private readonly options: PluginClientOptions) {}

  /** Every SLO, or those of one entity. */
  listSlos(
    request: { entityRef?: string } = {},
    options?: PluginRequestOptions,
  ): Promise<{ items: SloSummary[] }> {
    const query = new URLSearchParams();
    if (request.entityRef) query.set('entityRef', request.entityRef);
    return getPluginJson(this.options, 'slo', `/slos?${query}`, options);
  }
}
