import type { DiscoveryApi, FetchApi } from '@backstage/frontend-plugin-api';
import { ResponseError } from '@backstage/errors';
import type {
  AdoptionMetrics,
  BackfillStatus,
  DoraResponse,
  EntityScorecard,
  GoldenPathComparison,
  OnboardingMetrics,
  ScorecardRollupResponse,
  SurveyList,
  SurveyResponseBody,
  SurveyResults,
} from '@internal/plugin-dx-common';
import type {
  DoraQuery,
  DxApi,
  DxEvent,
  DxEventFilter,
  DxRange,
  UnmappedReason,
} from './DxApi';

type Query = Record<string, string | undefined>;

const range = (r: Partial<DxRange>): Query => ({
  from: r.from?.toISOString(),
  to: r.to?.toISOString(),
});

function doraParams(q: DoraQuery): Query {
  return {
    entityRef: q.entityRef,
    owner: q.entityRef ? undefined : q.owner,
    ...range(q),
    tz: q.timeZone,
    rows: q.rows ? 'true' : undefined,
  };
}

/** `?a=1&b=2` of the set values; empty without any. */
function toSearch(query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value) params.set(key, value);
  }
  const search = params.toString();
  return search ? `?${search}` : '';
}

/**
 * {@link DxApi} over HTTP. The base URL comes from discovery (`dx`);
 * requests go through the fetch API so they carry the user's token. Failed
 * requests throw a `ResponseError` whose `cause` is the server's error.
 *
 * @public
 */
export class DxClient implements DxApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  getDora(query: DoraQuery): Promise<DoraResponse> {
    return this.json('/metrics/dora', { query: doraParams(query) });
  }

  getDoraCsv(query: DoraQuery): Promise<string> {
    return this.getCsv(
      '/metrics/dora.csv',
      doraParams({ ...query, rows: false }),
    );
  }

  getDoraCsvUrl(query: DoraQuery): Promise<string> {
    return this.getCsvUrl(
      '/metrics/dora.csv',
      doraParams({ ...query, rows: false }),
    );
  }

  async getCsv(path: string, query: Query): Promise<string> {
    const response = await this.request(path, { query });
    return response.text();
  }

  async getCsvUrl(path: string, query: Query): Promise<string> {
    const baseUrl = await this.discoveryApi.getBaseUrl('dx');
    return `${baseUrl}${path}${toSearch(query)}`;
  }

  getGoldenPaths(r: DxRange): Promise<GoldenPathComparison> {
    return this.json('/metrics/golden-paths', { query: range(r) });
  }

  getAdoption(
    q: DxRange & { owner?: string; rows?: boolean },
  ): Promise<AdoptionMetrics> {
    return this.json('/metrics/adoption', {
      query: {
        owner: q.owner,
        ...range(q),
        rows: q.rows ? 'true' : undefined,
      },
    });
  }

  getOnboarding(q: DxRange & { owner?: string }): Promise<OnboardingMetrics> {
    return this.json('/metrics/onboarding', {
      query: { owner: q.owner, ...range(q) },
    });
  }

  async getEntityScorecards(entityRef: string): Promise<EntityScorecard[]> {
    const { items } = await this.json<{ items: EntityScorecard[] }>(
      '/scorecards/entity',
      { query: { entityRef } },
    );
    return items;
  }

  getScorecardRollup(
    q: DxRange & { owner?: string },
  ): Promise<ScorecardRollupResponse> {
    return this.json('/scorecards/rollup', {
      query: { owner: q.owner, ...range(q) },
    });
  }

  async listEvents(filter: DxEventFilter = {}): Promise<DxEvent[]> {
    const { items } = await this.json<{ items: DxEvent[] }>('/events', {
      query: {
        entityRef: filter.entityRef,
        kind: filter.kind,
        ...range(filter),
        limit: filter.limit === undefined ? undefined : String(filter.limit),
      },
    });
    return items;
  }

  async getUnmappedEvents(): Promise<UnmappedReason[]> {
    const { reasons } = await this.json<{ reasons: UnmappedReason[] }>(
      '/events/unmapped',
    );
    return reasons;
  }

  getBackfill(): Promise<BackfillStatus> {
    return this.json('/backfill');
  }

  listSurveys(): Promise<SurveyList> {
    return this.json('/surveys');
  }

  async submitSurveyResponse(
    surveyId: string,
    body: SurveyResponseBody,
  ): Promise<void> {
    await this.request(`/surveys/${encodeURIComponent(surveyId)}/responses`, {
      method: 'POST',
      body,
    });
  }

  getSurveyResults(
    surveyId: string,
    q: { owner?: string; period?: string },
  ): Promise<SurveyResults> {
    return this.json(`/surveys/${encodeURIComponent(surveyId)}/results`, {
      query: { owner: q.owner, period: q.period },
    });
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
    const baseUrl = await this.discoveryApi.getBaseUrl('dx');
    const init: RequestInit = { method: options.method ?? 'GET' };
    if (options.body !== undefined) {
      init.headers = { 'Content-Type': 'application/json' };
      init.body = JSON.stringify(options.body);
    }
    const response = await this.fetchApi.fetch(
      `${baseUrl}${path}${toSearch(options.query)}`,
      init,
    );
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return response;
  }
}
