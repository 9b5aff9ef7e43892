import type { DiscoveryApi, FetchApi } from '@backstage/frontend-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  GOLDEN_GATE_PARAMETER,
  type GateAuditEntry,
  type GateMetrics,
  type GateRequest,
  type GateStatus,
  type GoldenPathRun,
  type PolicyCheckResult,
  type TemplateVersionSummary,
  type UpgradeMetrics,
  type UpgradeProposal,
} from '@internal/plugin-golden-paths-common';
import type {
  GateApproval,
  GateList,
  GoldenPathsApi,
  UpgradeBatch,
  UpgradeFilter,
} from './GoldenPathsApi';

type Query = Record<string, string | number | boolean | undefined>;

/**
 * {@link GoldenPathsApi} over HTTP. Base URLs come from discovery
 * (`golden-paths`, and `scaffolder` for retries and continuations);
 * requests go through the fetch API so they carry the user's token. Failed requests throw a
 * `ResponseError` whose `cause` is the server's error.
 *
 * @public
 */
export class GoldenPathsClient implements GoldenPathsApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  evaluatePolicy(request: {
    template: string;
    parameters: Record<string, unknown>;
  }): Promise<PolicyCheckResult> {
    return this.postJson('/policy/evaluate', {
      template: request.template,
      parameters: request.parameters,
    });
  }

  listGates(
    options: { status?: GateStatus; mine?: boolean; limit?: number } = {},
  ): Promise<GateList> {
    return this.getJson('/gates', {
      status: options.status,
      mine: options.mine ? 'true' : undefined,
      limit: options.limit,
    });
  }

  getGate(id: string): Promise<GateRequest> {
    return this.getJson(`/gates/${encodeURIComponent(id)}`);
  }

  async getGateAudit(id: string): Promise<GateAuditEntry[]> {
    const { items } = await this.getJson<{ items: GateAuditEntry[] }>(
      `/gates/${encodeURIComponent(id)}/audit`,
    );
    return items;
  }

  approveGate(
    id: string,
    input: { comment?: string; parameters?: Record<string, unknown> },
  ): Promise<GateApproval> {
    const body: { comment?: string; parameters?: Record<string, unknown> } = {};
    if (input.comment !== undefined) body.comment = input.comment;
    if (input.parameters !== undefined) body.parameters = input.parameters;
    return this.postJson(`/gates/${encodeURIComponent(id)}/approve`, body);
  }

  rejectGate(id: string, input: { comment: string }): Promise<GateRequest> {
    return this.postJson(`/gates/${encodeURIComponent(id)}/reject`, {
      comment: input.comment,
    });
  }

  async listRuns(
    options: { mine?: boolean; templateRef?: string; limit?: number } = {},
  ): Promise<GoldenPathRun[]> {
    const { items } = await this.getJson<{ items: GoldenPathRun[] }>('/runs', {
      mine: options.mine ? 'true' : undefined,
      templateRef: options.templateRef,
      limit: options.limit,
    });
    return items;
  }

  getGateMetrics(
    options: { from?: Date; to?: Date } = {},
  ): Promise<GateMetrics> {
    return this.getJson('/metrics/gates', {
      from: options.from?.toISOString(),
      to: options.to?.toISOString(),
    });
  }

  async getTemplateVersions(): Promise<TemplateVersionSummary[]> {
    const { items } = await this.getJson<{ items: TemplateVersionSummary[] }>(
      '/templates/versions',
    );
    return items;
  }

  async retryRun(taskId: string): Promise<void> {
    await this.request(
      'scaffolder',
      `/v2/tasks/${encodeURIComponent(taskId)}/retry`,
      undefined,
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({}),
      },
    );
  }

  async continueGate(gateId: string): Promise<{ taskId: string }> {
    const gate = await this.getGate(gateId);
    if (gate.status !== 'approved') {
      throw new Error(
        `golden gate request ${gateId} is ${gate.status}: only an approved request can be continued`,
      );
    }
    const response = await this.request('scaffolder', '/v2/tasks', undefined, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        templateRef: gate.templateRef,
        values: {
          ...(gate.approvedParameters ?? gate.parameters),
          [GOLDEN_GATE_PARAMETER]: gate.id,
        },
      }),
    });
    const { id } = (await response.json()) as { id: string };
    return { taskId: id };
  }

  proposeUpgrade(entityRef: string): Promise<UpgradeProposal> {
    return this.postJson('/upgrades', { entityRef });
  }

  proposeUpgrades(templateRef: string): Promise<UpgradeBatch> {
    return this.postJson('/upgrades', { templateRef });
  }

  async listUpgrades(filter: UpgradeFilter = {}): Promise<UpgradeProposal[]> {
    const { items } = await this.getJson<{ items: UpgradeProposal[] }>(
      '/upgrades',
      {
        entityRef: filter.entityRef,
        templateRef: filter.templateRef,
        state: filter.state,
        limit: filter.limit,
      },
    );
    return items;
  }

  refreshUpgrades(): Promise<{ checked: number; changed: number }> {
    return this.postJson('/upgrades/refresh', {});
  }

  upgradeMetrics(
    range: { from?: Date; to?: Date } = {},
  ): Promise<UpgradeMetrics> {
    return this.getJson('/metrics/upgrades', {
      from: range.from?.toISOString(),
      to: range.to?.toISOString(),
    });
  }

  private async getJson<T>(path: string, query?: Query): Promise<T> {
    const response = await this.request('golden-paths', path, query);
    return response.json();
  }

  private async postJson<T>(path: string, body: unknown): Promise<T> {
    const response = await this.request('golden-paths', path, undefined, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    return response.json();
  }

  private async request(
    pluginId: 'golden-paths' | 'scaffolder',
    path: string,
    query?: Query,
    init?: RequestInit,
  ): Promise<Response> {
    const baseUrl = await this.discoveryApi.getBaseUrl(pluginId);
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
