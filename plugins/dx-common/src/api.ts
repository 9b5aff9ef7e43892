/**
 * The shapes of the DX API (`/api/dx`) beyond the DORA metrics: scorecards,
 * adoption, onboarding and surveys. The frontend and the backend share them.
 */

import type {
  ChangeFailureRate,
  DeploymentFrequency,
  DoraLevel,
  LeadTime,
  RecoveryTime,
  ReworkRate,
} from './dora';
import type { DoraDiagnostic } from './doraDiagnostics';

/**
 * The four keys over one period, as `GET /metrics/dora` answers, with the
 * fifth (deployment rework rate) and the diagnostics of each number.
 */
export interface DoraPeriod {
  from: string;
  to: string;
  deploymentFrequency: DeploymentFrequency;
  /** `rows` only with `rows=true`. */
  leadTime: Omit<LeadTime, 'rows'> & { rows?: LeadTime['rows'] };
  changeFailureRate: Omit<ChangeFailureRate, 'rows' | 'incidentRows'> & {
    rows?: ChangeFailureRate['rows'];
    incidentRows?: ChangeFailureRate['incidentRows'];
  };
  recoveryTime: Omit<RecoveryTime, 'rows'> & { rows?: RecoveryTime['rows'] };
  level: DoraLevel | null;
  perDay: Array<{ day: string; deployments: number }>;
  unlinked: { resolvedWithoutOpening: number };
  /**
   * DORA's fifth key (2024). Absent from answers of older servers, and
   * from periods added up from the roll-ups, which do not hold it.
   */
  reworkRate?: Omit<ReworkRate, 'rows'> & { rows?: ReworkRate['rows'] };
  /**
   * For each number, what is missing and how to fix it (`metrics` names
   * the numbers a diagnostic touches). Absent from older servers' answers.
   */
  diagnostics?: DoraDiagnostic[];
  /**
   * `events`: computed from the stored events (exact, with rows);
   * `rollup`: added up from daily roll-ups (whole UTC days; counts exact,
   * durations within 1 %), as of `rollupAt`.
   */
  source?: 'events' | 'rollup';
  rollupAt?: string;
}

/**
 * `GET /metrics/dora?entityRef=|owner=&from=&to=&tz=&rows=`: the period
 * asked for and the one of equal length before it.
 */
export interface DoraResponse extends DoraPeriod {
  scope:
    | { organisation: true }
    | { entityRef: string }
    | { owner: string; entities: number };
  previous: Omit<DoraPeriod, 'perDay'>;
}

/** `GET /metrics/golden-paths?from=&to=` */
export interface GoldenPathComparison {
  from: string;
  to: string;
  goldenPath: DoraPeriod & { entities: number };
  others: DoraPeriod;
}

/** A check's state for one entity. `n/a` counts as passing. */
export type CheckStatus = 'pass' | 'fail' | 'n/a';

/** One check of a scorecard as evaluated for one entity. */
export interface CheckResult {
  id: string;
  title: string;
  /** The level this check belongs to (e.g. `bronze`). */
  level: string;
  status: CheckStatus;
  /** What was found, in words: "owned by Team A, in the catalog". */
  detail: string;
  /** How to fix it; present when the check fails. */
  fix?: string;
}

/** One entity's result for one scorecard. */
export interface EntityScorecard {
  scorecardId: string;
  title: string;
  entityRef: string;
  owner?: string;
  /** The highest level whose checks (and all lower levels') pass; null: none. */
  level: string | null;
  /** The levels of the scorecard, lowest first. */
  levels: string[];
  /** Passing checks / all checks, 0..1. */
  score: number;
  checks: CheckResult[];
  evaluatedAt: string;
}

/** Levels of many entities: a team's or the organisation's. */
export interface ScorecardRollup {
  scorecardId: string;
  title: string;
  levels: string[];
  /** `owner` for a team; absent for the organisation. */
  owner?: string;
  entities: number;
  /** Entities per level; `none` for those that reach no level. */
  byLevel: Record<string, number>;
  /** Mean score, 0..1. */
  score: number;
  /** Checks by how many entities fail them, most first. */
  failing: Array<{
    id: string;
    title: string;
    level: string;
    entities: number;
  }>;
  /** One point per day evaluated, oldest first. */
  trend: Array<{
    day: string;
    entities: number;
    byLevel: Record<string, number>;
    score: number;
  }>;
}

/** `GET /scorecards/rollup?owner=&from=&to=` */
export interface ScorecardRollupResponse {
  items: ScorecardRollup[];
  /** Per-team roll-ups, when asked for the organisation. */
  teams?: Array<{ owner: string; items: ScorecardRollup[] }>;
}

/** `GET /metrics/adoption?owner=` */
export interface AdoptionMetrics {
  /** Components counted (of the owner, or all). */
  components: number;
  fromGoldenPath: AdoptionShare;
  /** Of the components made from a template, those on its newest version. */
  onNewestTemplateVersion: AdoptionShare;
  withSlo: AdoptionShare;
  /** Whose owner is an existing Group or User of the catalog. */
  withOwner: AdoptionShare;
  /** Golden gates over the range: requests and waits. */
  gates: {
    requested: number;
    approved: number;
    rejected: number;
    pending: number;
    medianWaitMs?: number;
    p90WaitMs?: number;
  };
  /** Golden-path runs over the range. */
  provisioning: {
    runs: number;
    completed: number;
    failed: number;
    medianMs?: number;
    p95Ms?: number;
  };
  /** Sources that did not answer; what they give is left at 0. */
  unavailable?: string[];
  /** Per component, what was counted (drill-down). */
  rows?: Array<{
    entityRef: string;
    owner?: string;
    goldenPath: boolean;
    template?: string;
    templateVersion?: string;
    newestVersion?: string;
    slo: boolean;
    ownerExists: boolean;
  }>;
}

export interface AdoptionShare {
  count: number;
  of: number;
  /** count / of, or null when of is 0. */
  share: number | null;
}

/** `GET /metrics/onboarding?owner=&from=&to=` */
export interface OnboardingMetrics {
  /** Users who first appeared in the catalog within the range. */
  users: number;
  firstChange: { reached: number; medianMs: number | null };
  firstDeployment: { reached: number; medianMs: number | null };
  rows: Array<{
    userRef: string;
    firstSeenAt: string;
    firstChangeAt?: string;
    firstDeploymentAt?: string;
  }>;
}

export type SurveyQuestionType = 'scale' | 'text';

/** How often one person may answer a portal survey. */
export type SurveyPeriod = 'week' | 'month' | 'quarter';

export interface SurveyQuestion {
  id: string;
  text: string;
  /** `scale`: 1 (worst) to 5 (best); `text`: free text. */
  type: SurveyQuestionType;
  required?: boolean;
}

export interface Survey {
  id: string;
  title: string;
  description?: string;
  /** `golden-path`: offered right after a golden-path run, tied to it. */
  trigger: 'portal' | 'golden-path';
  /** Portal surveys: one answer per person per period. Golden-path surveys: one per run (absent). */
  period?: SurveyPeriod;
  questions: SurveyQuestion[];
}

/**
 * `GET /surveys?taskId=`: `answeredThisPeriod` of a golden-path survey is
 * whether that run was answered about (false without `taskId`).
 */
export interface SurveyList {
  items: Array<Survey & { answeredThisPeriod: boolean }>;
  minGroupSize: number;
}

/** `POST /surveys/:id/responses` body. */
export interface SurveyResponseBody {
  answers: Record<string, number | string>;
  /** The scaffolder task the answer is about (golden-path surveys). */
  taskId?: string;
}

/** `GET /surveys/:id/results?owner=&from=&to=` */
export interface SurveyResults {
  surveyId: string;
  title: string;
  owner?: string;
  /** The period of the answers counted (`2026-12`, `2026-Q4`, `2026-W49`). */
  period?: string;
  /** The range of the answers counted, [from, to): the period's. */
  from?: string;
  to?: string;
  respondents: number;
  minGroupSize: number;
  /** True when there are fewer respondents than minGroupSize: nothing else is shown. */
  hidden: boolean;
  questions: Array<{
    id: string;
    text: string;
    type: SurveyQuestionType;
    responses: number;
    mean?: number;
    /** Answers per score, index 0 for 1 ... index 4 for 5. */
    distribution?: number[];
    /** Free-text answers (shown only when not hidden). */
    comments?: string[];
  }>;
  /**
   * Mean of the scale answers per ISO week (`2026-W49`); a week with fewer
   * than minGroupSize respondents is merged with its neighbours
   * (`2026-W44–W45`).
   */
  trend: Array<{ week: string; respondents: number; mean: number }>;
  /**
   * Golden-path surveys: the answer beside that run's provisioning time, per
   * bucket; buckets with fewer than minGroupSize respondents merged with
   * their neighbours (`5–15 min + > 15 min`).
   */
  byProvisioningTime?: Array<{
    bucket: string;
    respondents: number;
    mean: number | null;
  }>;
}
