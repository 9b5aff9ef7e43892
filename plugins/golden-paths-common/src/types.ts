import type { GateReason, PolicyViolation } from './evaluatePolicy';

/** Annotation of a generated entity: the template that made it. */
export const ANNOTATION_TEMPLATE = 'portal.dev/template';
/** Annotation of a generated entity (and of a template): its version. */
export const ANNOTATION_TEMPLATE_VERSION = 'portal.dev/template-version';

export type GateStatus = 'pending' | 'approved' | 'rejected';

/**
 * The template parameter that continues an approved request: a new task of
 * the same template, started by the requester with the approved parameters
 * and this parameter set to the gate request's id. The policy step reads it
 * and never passes it on.
 */
export const GOLDEN_GATE_PARAMETER = 'goldenGate';

/** A request that left the paved road and waits for the platform team. */
export interface GateRequest {
  id: string;
  /** The scaffolder task that asked (it ended waiting at the gate). */
  taskId: string;
  templateRef: string;
  templateVersion?: string;
  requester: string;
  parameters: Record<string, unknown>;
  /** The parameters the template runs with after approval. */
  approvedParameters?: Record<string, unknown>;
  reasons: GateReason[];
  status: GateStatus;
  createdAt: string;
  decidedAt?: string;
  decidedBy?: string;
  comment?: string;
  /** Who approves it, in words ("the Platform Team"), as asked when it opened. */
  reviewers?: string;
  /** The task that continued the approved request (at most one). */
  continuedTaskId?: string;
  continuedAt?: string;
  /**
   * An agent (an MCP client, through the portal's actions) asked for it on
   * behalf of a person: `agent` is the acting service's subject
   * (`plugin:mcp-actions`), `onBehalfOf` the user's entity ref.
   */
  requestedVia?: { agent: string; onBehalfOf: string };
}

export type GateAuditAction =
  | 'requested'
  | 'approved'
  | 'rejected'
  /** The requester started the approved request as a new task. */
  | 'continued';

/** Who did what to a gate request, and when. */
export interface GateAuditEntry {
  id: number;
  gateId: string;
  actor: string;
  action: GateAuditAction;
  at: string;
  comment?: string;
  /** Parameters the reviewer changed: name → { from, to }. */
  changes?: Record<string, { from: unknown; to: unknown }>;
}

export type RunStatus =
  | 'open'
  | 'processing'
  | 'completed'
  | 'failed'
  | 'cancelled'
  /** Ended at a golden gate that waits for a reviewer: nothing was created. */
  | 'awaiting-approval'
  /** Its gate was approved; the requester continues it (a new task). */
  | 'approved'
  /** Its gate was approved and the requester continued it as a new task. */
  | 'continued'
  /** Its gate was rejected: nothing was created. */
  | 'rejected';

/** One golden-path run: the event DX metrics count. */
export interface GoldenPathRun {
  taskId: string;
  templateRef: string;
  templateVersion?: string;
  requester?: string;
  status: RunStatus;
  createdAt: string;
  finishedAt?: string;
  durationMs?: number;
  attempts: number;
  failedStep?: string;
  /** Why it failed, in words. */
  failureReason?: string;
  /** The golden gate it waited at, or whose approval it continues. */
  gateId?: string;
  /** Waiting at its gate: since when, and who approves it (in words). */
  waitingSince?: string;
  reviewers?: string;
  /** The task that continued this approved run. */
  continuedTaskId?: string;
  /** The run whose approved gate this task continues. */
  continuesTaskId?: string;
}

/** What the policy check answers for a filled-in form. */
export interface PolicyCheckResult {
  problems: string[];
  violations: PolicyViolation[];
  gates: GateReason[];
}

/** Components per template version, and which are behind the newest. */
export interface TemplateVersionSummary {
  templateRef: string;
  title?: string;
  latestVersion?: string;
  versions: Array<{ version: string; components: number }>;
  behind: Array<{ entityRef: string; version: string; owner?: string }>;
}

/** Cost of golden gates, for the DX dashboards. */
export interface GateMetrics {
  requested: number;
  pending: number;
  approved: number;
  rejected: number;
  /** Median and 90th percentile wait from request to decision, in ms. */
  medianWaitMs?: number;
  p90WaitMs?: number;
  /**
   * The same numbers for requests people made themselves and for requests
   * agents made on behalf of people.
   */
  byRequester?: { people: GateRequesterMetrics; agents: GateRequesterMetrics };
}

/** Gate counts and the median wait of one kind of requester. */
export type GateRequesterMetrics = Pick<
  GateMetrics,
  'requested' | 'pending' | 'approved' | 'rejected' | 'medianWaitMs'
>;

/**
 * What the golden-paths backend answers the scaffolder's policy step:
 * go ahead (with these parameters), wait at a gate, or stop.
 */
export interface GateCheckResponse {
  decision: 'proceed' | 'wait' | 'reject';
  result: PolicyCheckResult;
  /** The parameters to run with: the approved ones after a gate. */
  parameters: Record<string, unknown>;
  gate?: GateRequest;
  /**
   * Why a golden gate refuses the request (rejected, someone else's, other
   * parameters, already continued), in words; `result` has no broken rule.
   */
  refusal?: string;
}

/**
 * Where a template upgrade proposal stands: `open` (a change request
 * waits for review), `conflicts` (open, with files left for people),
 * `merged`, `closed` (without merging), `up-to-date` (the service already
 * has the new version's files: nothing proposed), `failed` (it could not
 * be proposed: `error` says why).
 */
export type UpgradeState =
  | 'open'
  | 'conflicts'
  | 'merged'
  | 'closed'
  | 'up-to-date'
  | 'failed';

/** What a template version says about upgrading to it (`upgrades.yaml`). */
export interface UpgradeNote {
  version: string;
  /** What changed, in a sentence. */
  summary: string;
  /** Whether an upgrade to this version needs a person (e.g. a migration). */
  needsPerson: boolean;
  /** More, in Markdown. */
  details?: string;
}

/** A proposal to bring a service up to a newer version of its template. */
export interface UpgradeProposal {
  id: string;
  entityRef: string;
  templateRef: string;
  fromVersion: string;
  toVersion: string;
  state: UpgradeState;
  /** local, github or gitlab. */
  host?: string;
  /** The repository, in words (`acme/orders-api`, or a local path). */
  repository?: string;
  branch?: string;
  /** The default branch the change request goes into. */
  baseBranch?: string;
  /** The pull or merge request (or `git:<repo>#<branch>` for a local one). */
  url?: string;
  number?: number;
  changed: Array<{ path: string; change: 'added' | 'modified' | 'deleted' }>;
  conflicts: Array<{ path: string; reason: string }>;
  notes: UpgradeNote[];
  /** Some version on the way needs a person. */
  needsPerson: boolean;
  requestedBy: string;
  createdAt: string;
  updatedAt: string;
  mergedAt?: string;
  closedAt?: string;
  error?: string;
}

/** Proposals opened in a period, what became of them, and how fast. */
export interface UpgradeMetrics {
  from: string;
  to: string;
  opened: number;
  merged: number;
  closed: number;
  /** Still open (with or without conflicts) at `to`. */
  open: number;
  withConflicts: number;
  failed: number;
  /** Of the merged ones: hours from opening to merge. */
  timeToMerge: { medianHours: number | null; p90Hours: number | null };
}
