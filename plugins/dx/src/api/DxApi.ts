import { createApiRef } from '@backstage/frontend-plugin-api';
import type {
  AdoptionMetrics,
  BackfillStatus,
  DoraResponse,
  DxEventKind,
  EntityScorecard,
  GoldenPathComparison,
  NormalizedEvent,
  OnboardingMetrics,
  ScorecardRollupResponse,
  SurveyList,
  SurveyResponseBody,
  SurveyResults,
} from '@internal/plugin-dx-common';

/** A half-open time range [from, to). */
export interface DxRange {
  from: Date;
  to: Date;
}

/**
 * Whose metrics: one entity (`entityRef`), a team (`owner`, a group ref) or,
 * with neither, the organisation.
 */
export interface DxScope {
  entityRef?: string;
  owner?: string;
}

/** A DORA request: scope, range, the viewer's time zone, and whether rows come too. */
export interface DoraQuery extends DxScope, DxRange {
  /** IANA time zone the days of `perDay` are counted in. */
  timeZone?: string;
  /** Include the rows each number was computed from (drill-down). */
  rows?: boolean;
}

/** A stored event, as `GET /events` answers it. */
export interface DxEvent extends Omit<NormalizedEvent, 'subject'> {
  id: string;
  receivedAt: string;
  /** The catalog entity it was mapped to; absent when unmapped. */
  entityRef?: string;
  unmappedReason?: string;
  subject?: NormalizedEvent['subject'];
}

/** Filters of `GET /events`. */
export interface DxEventFilter {
  entityRef?: string;
  kind?: DxEventKind;
  from?: Date;
  to?: Date;
  /** 1 to 1000; the backend's default is 100. */
  limit?: number;
}

/** Events that could not be mapped to an entity, by reason and kind. */
export interface UnmappedReason {
  reason: string;
  kind: string;
  events: number;
}

/**
 * Client of the DX backend (`/api/dx`).
 *
 * @public
 */
export interface DxApi {
  /** The DORA four keys of an entity, a team or the organisation, with the previous period. */
  getDora(query: DoraQuery): Promise<DoraResponse>;
  /** The same numbers as CSV (`/metrics/dora.csv`). */
  getDoraCsv(query: DoraQuery): Promise<string>;
  /** The URL of that CSV, for a link. */
  getDoraCsvUrl(query: DoraQuery): Promise<string>;
  /**
   * Any CSV of the DX API (`/metrics/golden-paths.csv`,
   * `/metrics/adoption.csv`, `/metrics/onboarding.csv`,
   * `/scorecards/results.csv`, `/surveys/<id>/results.csv`) with its
   * parameters.
   */
  getCsv(
    path: string,
    query: Record<string, string | undefined>,
  ): Promise<string>;
  /** The URL of such a CSV, for a link. */
  getCsvUrl(
    path: string,
    query: Record<string, string | undefined>,
  ): Promise<string>;
  /** The four keys of golden-path components beside the others. */
  getGoldenPaths(range: DxRange): Promise<GoldenPathComparison>;
  /** Adoption shares, gates and provisioning of a team or the organisation. */
  getAdoption(
    query: DxRange & { owner?: string; rows?: boolean },
  ): Promise<AdoptionMetrics>;
  /** Time to first change and first deployment of new users. */
  getOnboarding(
    query: DxRange & { owner?: string },
  ): Promise<OnboardingMetrics>;
  /** Every scorecard's result for one entity. */
  getEntityScorecards(entityRef: string): Promise<EntityScorecard[]>;
  /** Scorecard levels of a team or (with per-team roll-ups) the organisation. */
  getScorecardRollup(
    query: DxRange & { owner?: string },
  ): Promise<ScorecardRollupResponse>;
  /** Stored events, newest first. */
  listEvents(filter?: DxEventFilter): Promise<DxEvent[]>;
  /** Events not mapped to an entity, by reason. */
  getUnmappedEvents(): Promise<UnmappedReason[]>;
  /** The sources whose history can be read, and the backfills with their progress. */
  getBackfill(): Promise<BackfillStatus>;
  /** The active surveys, and whether the user answered them this period. */
  listSurveys(): Promise<SurveyList>;
  /** Answers a survey. */
  submitSurveyResponse(
    surveyId: string,
    body: SurveyResponseBody,
  ): Promise<void>;
  /**
   * A survey's results for a team or the organisation over one whole
   * period (`2026-12`, `2026-Q4`, `2026-W49`; default the current one).
   */
  getSurveyResults(
    surveyId: string,
    query: { owner?: string; period?: string },
  ): Promise<SurveyResults>;
}

/** @public */
export const dxApiRef = createApiRef<DxApi>({ id: 'plugin.dx.api' });
