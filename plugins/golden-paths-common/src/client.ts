import {
  getPluginJson,
  type PluginClientOptions,
  type PluginRequestOptions,
} from '@internal/portal-common';
import type {
  GateMetrics,
  GoldenPathRun,
  TemplateVersionSummary,
} from './types';

/**
 * Typed client of the golden-paths backend (`/api/golden-paths/*`), for
 * other plugins: DX reads runs, gate metrics and template versions.
 */
export class GoldenPathsClient {
  constructor(private readonly options: PluginClientOptions) {}

  private get<T>(path: string, options?: PluginRequestOptions) {
    return getPluginJson<T>(this.options, 'golden-paths', path, options);
  }

  /** The newest runs first (a service caller sees everyone's). */
  listRuns(
    request: { limit?: number; templateRef?: string },
    options?: PluginRequestOptions,
  ): Promise<{ items: GoldenPathRun[] }> {
    const query = new URLSearchParams();
    if (request.limit !== undefined) query.set('limit', String(request.limit));
    if (request.templateRef) query.set('templateRef', request.templateRef);
    return this.get(`/runs?${query}`, options);
  }

  /** Golden-gate requests and their waits in [from, to). */
  getGateMetrics(
    request: { from: Date; to: Date },
    options?: PluginRequestOptions,
  ): Promise<GateMetrics> {
    const query = new URLSearchParams({
      from: request.from.toISOString(),
      to: request.to.toISOString(),
    });
    return this.get(`/metrics/gates?${query}`, options);
  }

  /** Components per template version, and the newest version. */
  listTemplateVersions(
    options?: PluginRequestOptions,
  ): Promise<{ items: TemplateVersionSummary[] }> {
    return this.get('/templates/versions', options);
  }
}
