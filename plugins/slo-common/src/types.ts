/**
 * Shapes shared by the SLO backend, its sources and the frontend. One
 * {@link SloDefinition} is one objective of one OpenSLO `SLO` document: an
 * SLO with two objectives (say an internal target and the SLA) becomes two
 * SLOs with their own error budgets.
 */

/** Where an SLO was declared. */
export type SloOrigin = 'repository' | 'ui' | 'platform';

/** How the error budget is counted (OpenSLO `budgetingMethod`). */
export type BudgetingMethod = 'Occurrences' | 'Timeslices';

export type ComparisonOp = 'lt' | 'lte' | 'gt' | 'gte';

/** A metric source as written in OpenSLO (`metricSource`). */
export interface MetricSourceSpec {
  /** The source type, e.g. `Prometheus`, `Portal`, `Push`. */
  type: string;
  /** Source-specific fields, e.g. `{ query: '...' }` for Prometheus. */
  spec: Record<string, unknown>;
  metricSourceRef?: string;
}

/** The indicator (OpenSLO `SLI`), normalised. */
export type IndicatorSpec =
  | {
      kind: 'ratio';
      /** The queries return ever-growing counters (OpenSLO `counter`). */
      counter: boolean;
      good?: MetricSourceSpec;
      bad?: MetricSourceSpec;
      total: MetricSourceSpec;
    }
  | { kind: 'threshold'; metric: MetricSourceSpec };

/** The time window of an SLO (OpenSLO `timeWindow`). */
export interface TimeWindowSpec {
  /** As written, e.g. `28d`, `1w`, `1M`. */
  duration: string;
  rolling: boolean;
  /** Calendar windows: when the first period starts, in which zone. */
  calendar?: { startTime: string; timeZone: string };
}

/** One burn-rate alert rule: both windows must burn at `factor` or more. */
export interface BurnRateRule {
  name: string;
  severity: string;
  /** Burn rate that fires the rule (1 = exactly the whole budget per window). */
  factor: number;
  op: ComparisonOp;
  longWindowMinutes: number;
  shortWindowMinutes: number;
}

/** One SLO ready to evaluate: one objective of an OpenSLO SLO. */
export interface SloSpec {
  /** The OpenSLO `metadata.name`. */
  name: string;
  displayName?: string;
  description?: string;
  /** The OpenSLO `spec.service`. */
  service?: string;
  indicator: IndicatorSpec;
  timeWindow: TimeWindowSpec;
  budgetingMethod: BudgetingMethod;
  objective: {
    displayName?: string;
    /** Share of good events (or slices) wanted, in (0, 1). */
    target: number;
    /** Threshold SLIs: a value is good when `value op threshold` holds. */
    op?: ComparisonOp;
    value?: number;
    /** Timeslices: a ratio slice is good when its ratio reaches this. */
    timeSliceTarget?: number;
    /** Timeslices: slice length in minutes. */
    timeSliceMinutes?: number;
  };
  /** Objective index within the OpenSLO document, when it has several. */
  objectiveIndex: number;
  alerting: {
    rules: BurnRateRule[];
    /** True when the rules are the defaults (no alert policy was given). */
    defaults: boolean;
  };
}

/** A problem found in an OpenSLO file, with where it is. */
export interface SloProblem {
  /** Path of the field, e.g. `slo-indicatorref-calendar[0].spec.objectives[0].target`. */
  path: string;
  message: string;
  /** `error`: the object is not usable; `unsupported`: a field is ignored. */
  severity: 'error' | 'unsupported';
  /**
   * The file the field is in, when several files were read together (a
   * repository's OpenSLO files, or an upload of several).
   */
  file?: string;
}

/** Current state of one SLO. */
export type SloState = 'ok' | 'warning' | 'breaching' | 'no-data' | 'error';

/** Error budget over the SLO window. */
export interface ErrorBudget {
  /** Good / total over the window; null without any events. */
  sli: number | null;
  good: number;
  total: number;
  /** Bad events (or slices) the window may have. */
  allowed: number;
  /** Bad events (or slices) it had. */
  consumed: number;
  /** 1 - consumed / allowed; below 0 once the budget is spent. */
  remaining: number;
}

/** The burn rate over one lookback window. */
export interface BurnRate {
  windowMinutes: number;
  /** (bad / total) / (1 - target); 0 without events. */
  rate: number;
  good: number;
  total: number;
}

export interface AlertRuleState {
  rule: BurnRateRule;
  firing: boolean;
  longRate: number;
  shortRate: number;
  since?: string;
}

/** What the SLO list and overview show for one SLO. */
export interface SloSummary {
  id: string;
  name: string;
  displayName?: string;
  description?: string;
  entityRef: string;
  ownerRef?: string;
  systemRef?: string;
  origin: SloOrigin;
  /** The file it came from (repository SLOs). */
  file?: string;
  sourceType: string;
  target: number;
  window: TimeWindowSpec;
  budgetingMethod: BudgetingMethod;
  state: SloState;
  evaluatedAt?: string;
  budget?: ErrorBudget;
  /** Error of the latest evaluation, in words. */
  error?: string;
  problems: SloProblem[];
  firingAlerts: number;
  /** Burn rate per lookback window at the latest evaluation. */
  burnRates: BurnRate[];
}

export interface SloSeriesPoint {
  /** End of the step, ISO time. */
  ts: string;
  /** Good / total within the step; null without events. */
  sli: number | null;
  good: number;
  total: number;
  /** Budget remaining over the window ending at `ts`. */
  budgetRemaining: number;
}

export interface SloAlertEvent {
  id: string;
  sloId: string;
  rule: string;
  severity: string;
  state: 'firing' | 'resolved';
  at: string;
  longRate: number;
  shortRate: number;
}

/** Answer of `GET /api/slo/slos/:id`. */
export interface SloDetail extends SloSummary {
  /** Absent when the SLO was refused (see `problems`). */
  spec?: SloSpec;
  alerts: AlertRuleState[];
  series: SloSeriesPoint[];
  alertHistory: SloAlertEvent[];
  /** The window the series covers. */
  from: string;
  to: string;
}

/** Answer of `GET /api/slo/platform`. */
export interface PlatformHealth {
  slos: SloSummary[];
  /** The latest evaluation cycle of every SLO. */
  evaluation?: {
    at: string;
    durationMs: number;
    evaluated: number;
    failed: number;
  };
  provisioning: {
    from: string;
    to: string;
    completed: number;
    failed: number;
    /** completed / (completed + failed); null without runs. */
    successRate: number | null;
    p50Seconds: number | null;
    p95Seconds: number | null;
  };
  probes: Array<{
    target: string;
    ok: number;
    total: number;
    lastOk?: boolean;
    lastAt?: string;
    lastError?: string;
    p95LatencyMs: number | null;
  }>;
}

/** Body of `POST /api/slo/slos/:id/events`: counts pushed by a client. */
export interface SloPushRequest {
  /** Optional idempotency key: a batch with a key seen before is ignored. */
  batchId?: string;
  events: Array<{ timestamp: string; good: number; total: number }>;
}

/** Body of `POST /api/slo/slos`: an SLO made in the UI. */
export interface SloCreateRequest {
  entityRef: string;
  /** OpenSLO v1 YAML with one SLO (and its SLI and alert policies). */
  yaml: string;
}

/**
 * Events-service topic the SLO backend publishes to when SLO definitions
 * were added, changed or removed (payload: `{}`); the DX backend re-runs
 * its scorecards on it, so "has an SLO" follows at once.
 */
export const SLO_DEFINITIONS_TOPIC = 'portal.slo.definitions';
