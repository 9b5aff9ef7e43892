import { createApiRef } from '@backstage/frontend-plugin-api';
import type {
  GateAuditEntry,
  GateMetrics,
  GateRequest,
  GateStatus,
  GoldenPathRun,
  PolicyCheckResult,
  TemplateVersionSummary,
  UpgradeMetrics,
  UpgradeProposal,
  UpgradeState,
} from '@internal/plugin-golden-paths-common';

/** The gates a user may see, and whether the user reviews golden gates. */
export interface GateList {
  items: GateRequest[];
  /** Whether the user holds `golden-paths.gate.review`. */
  canReview: boolean;
}

/**
 * What an approval answers: the decided gate. The requester continues it
 * (a new task as them), which runs with the approved parameters.
 */
export interface GateApproval {
  gate: GateRequest;
}

/**
 * What proposing upgrades for every service of a template answers: one
 * proposal per service behind (at most 100), and how many were left out.
 */
export interface UpgradeBatch {
  items: UpgradeProposal[];
  /** Services behind that were not proposed this time (above the 100). */
  skipped: number;
}

/** Which upgrade proposals to list (all optional). */
export interface UpgradeFilter {
  entityRef?: string;
  templateRef?: string;
  state?: UpgradeState;
  limit?: number;
}

/**
 * Client of the golden-paths backend (`/api/golden-paths`), plus the
 * scaffolder calls made as the user: the retry of a task
 * (`/api/scaffolder/v2/tasks/:taskId/retry`) and the continuation of an
 * approved request (`POST /api/scaffolder/v2/tasks`).
 *
 * @public
 */
export interface GoldenPathsApi {
  /** Checks a filled-in form against the organisation policy; opens no gate. */
  evaluatePolicy(request: {
    template: string;
    parameters: Record<string, unknown>;
  }): Promise<PolicyCheckResult>;
  /**
   * Gate requests. Without `mine` only reviewers may list (others get a
   * 403 `NotAllowedError`); with `mine` the user's own requests.
   */
  listGates(options?: {
    status?: GateStatus;
    mine?: boolean;
    limit?: number;
  }): Promise<GateList>;
  /** One gate request (the user's own, or any for reviewers). */
  getGate(id: string): Promise<GateRequest>;
  /** Who did what to a gate request, oldest first. */
  getGateAudit(id: string): Promise<GateAuditEntry[]>;
  /** Approves a pending request, optionally changing requested parameters. */
  approveGate(
    id: string,
    input: { comment?: string; parameters?: Record<string, unknown> },
  ): Promise<GateApproval>;
  /** Rejects a pending request; the comment tells the requester why. */
  rejectGate(id: string, input: { comment: string }): Promise<GateRequest>;
  /** Golden-path runs, newest first. */
  listRuns(options?: {
    mine?: boolean;
    templateRef?: string;
    limit?: number;
  }): Promise<GoldenPathRun[]>;
  /** Gate counts and waits; the backend's default window is the last 28 days. */
  getGateMetrics(options?: { from?: Date; to?: Date }): Promise<GateMetrics>;
  /** Per template: components per version and those behind the newest. */
  getTemplateVersions(): Promise<TemplateVersionSummary[]>;
  /** Runs a failed scaffolder task again (the scaffolder's own retry). */
  retryRun(taskId: string): Promise<void>;
  /**
   * Continues an approved gate request: a new task of its template, as the
   * user, with the approved parameters and `goldenGate: <id>`.
   */
  continueGate(gateId: string): Promise<{ taskId: string }>;
  /**
   * Proposes the upgrade of one service to the newest version of its
   * template: a change request that carries only the template's changes.
   * A proposal already waiting for that version comes back as it is; one
   * that could not be made has `state: 'failed'` and `error`.
   */
  proposeUpgrade(entityRef: string): Promise<UpgradeProposal>;
  /** Proposes the upgrade of every service behind a template (at most 100). */
  proposeUpgrades(templateRef: string): Promise<UpgradeBatch>;
  /** Upgrade proposals, newest first. */
  listUpgrades(filter?: UpgradeFilter): Promise<UpgradeProposal[]>;
  /** Asks the hosts whether open proposals were merged or closed. */
  refreshUpgrades(): Promise<{ checked: number; changed: number }>;
  /** Upgrades opened in a period (the backend's default: the last 90 days). */
  upgradeMetrics(range?: { from?: Date; to?: Date }): Promise<UpgradeMetrics>;
}

/** @public */
export const goldenPathsApiRef = createApiRef<GoldenPathsApi>({
  id: 'plugin.golden-paths.api',
});
