import type { GateReason, PolicyViolation } from './evaluatePolicy';

/** Annotation of a generated entity: the template that made it. */
export const ANNOTATION_TEMPLATE = 'portal.dev/template';
/** Annotation of a generated entity (and of a template): its version. */
export const ANNOTATION_TEMPLATE_VERSION = 'portal.dev/template-version';

export type GateStatus = 'pending' | 'approved' | 'rejected';

/** A request that left the paved road and waits for the platform team. */
export interface GateRequest {
  id: string;
  /** The scaffolder task that asked; approval re-runs it. */
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
}

export type GateAuditAction = 'requested' | 'approved' | 'rejected';

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
  | 'awaiting-approval'
  /** Its gate was approved; the requester continues the task. */
  | 'approved';

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
  gateId?: string;
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
}

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
}
