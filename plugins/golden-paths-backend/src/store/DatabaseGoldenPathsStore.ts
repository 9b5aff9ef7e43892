import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import type {
  GateAuditAction,
  GateAuditEntry,
  GateReason,
  GateRequest,
  GateStatus,
  GoldenPathRun,
  RunStatus,
} from '@internal/plugin-golden-paths-common';
import type { Knex } from 'knex';

const migrationsDir = resolvePackagePath(
  '@internal/plugin-golden-paths-backend',
  'migrations',
);

function iso(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  return new Date(value as string | number | Date).toISOString();
}

/** jsonb on PostgreSQL comes back parsed; SQLite (development) gives text. */
function json<T>(value: unknown): T | undefined {
  if (value === null || value === undefined) return undefined;
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

function toGate(row: any): GateRequest {
  return {
    id: String(row.id),
    taskId: row.task_id,
    templateRef: row.template_ref,
    templateVersion: row.template_version ?? undefined,
    requester: row.requester,
    parameters: json(row.parameters) ?? {},
    approvedParameters: json(row.approved_parameters),
    reasons: json<GateReason[]>(row.reasons) ?? [],
    status: row.status,
    createdAt: iso(row.created_at)!,
    decidedAt: iso(row.decided_at),
    decidedBy: row.decided_by ?? undefined,
    comment: row.comment ?? undefined,
    reviewers: row.reviewers ?? undefined,
    continuedTaskId: row.continued_task_id ?? undefined,
    continuedAt: iso(row.continued_at),
    ...(row.via_agent
      ? {
          requestedVia: {
            agent: row.via_agent,
            onBehalfOf: row.via_on_behalf_of,
          },
        }
      : {}),
  };
}

/**
 * Gate requests with who asked through an action: joined when read (the
 * task may reach its policy step before its action records it).
 */
function gatesQuery(db: Knex | Knex.Transaction) {
  return db('golden_gate_requests as g')
    .leftJoin('golden_path_agent_requests as a', 'a.task_id', 'g.task_id')
    .select(
      'g.*',
      'a.agent as via_agent',
      'a.on_behalf_of as via_on_behalf_of',
    );
}

/** `alice` for `user:default/alice`: the name people read in a comment. */
function userName(ref: string): string {
  try {
    const { namespace, name } = parseEntityRef(ref, {
      defaultKind: 'user',
      defaultNamespace: 'default',
    });
    return namespace === 'default' ? name : `${namespace}/${name}`;
  } catch {
    return ref;
  }
}

function toRun(row: any): GoldenPathRun {
  return {
    taskId: row.task_id,
    templateRef: row.template_ref,
    templateVersion: row.template_version ?? undefined,
    requester: row.requester ?? undefined,
    status: row.status,
    createdAt: iso(row.created_at)!,
    finishedAt: iso(row.finished_at),
    durationMs: row.duration_ms ?? undefined,
    attempts: Number(row.attempts),
    failedStep: row.failed_step ?? undefined,
    failureReason: row.failure_reason ?? undefined,
    gateId:
      row.gate_id || row.continued_gate_id
        ? String(row.gate_id ?? row.continued_gate_id)
        : undefined,
    waitingSince:
      row.gate_id && row.status === 'awaiting-approval'
        ? iso(row.gate_created_at)
        : undefined,
    reviewers: row.gate_id ? row.gate_reviewers ?? undefined : undefined,
    continuedTaskId:
      row.gate_continued_task_id && row.gate_continued_task_id !== row.task_id
        ? row.gate_continued_task_id
        : undefined,
    continuesTaskId:
      row.continues_task_id && row.continues_task_id !== row.task_id
        ? row.continues_task_id
        : undefined,
  };
}

export interface NewGateRequest {
  taskId: string;
  templateRef: string;
  templateVersion?: string;
  requester: string;
  parameters: Record<string, unknown>;
  reasons: GateReason[];
  /** Who approves it, in words. */
  reviewers?: string;
}

/**
 * Storage of the golden-paths plugin: runs, gate requests, and the audit
 * trail of every decision.
 */
export class DatabaseGoldenPathsStore {
  static async create(options: {
    knex: Knex;
    skipMigrations?: boolean;
  }): Promise<DatabaseGoldenPathsStore> {
    if (!options.skipMigrations) {
      await options.knex.migrate.latest({ directory: migrationsDir });
    }
    return new DatabaseGoldenPathsStore(options.knex);
  }

  private constructor(private readonly db: Knex) {}

  /** The plugin's database, for the stores of its other tables. */
  get knex(): Knex {
    return this.db;
  }

  // --- gates -------------------------------------------------------------

  /**
   * Opens a gate for a task, once: a second call for the same task returns
   * the request that exists (a retried policy step does not open another).
   */
  async openGate(
    request: NewGateRequest,
    actor: string,
  ): Promise<{ gate: GateRequest; created: boolean }> {
    return this.db.transaction(async tx => {
      const inserted = await tx('golden_gate_requests')
        .insert({
          task_id: request.taskId,
          template_ref: request.templateRef,
          template_version: request.templateVersion ?? null,
          requester: request.requester,
          parameters: JSON.stringify(request.parameters),
          reasons: JSON.stringify(request.reasons),
          reviewers: request.reviewers ?? null,
          status: 'pending',
          created_at: new Date(),
        })
        .onConflict('task_id')
        .ignore()
        .returning('id');
      const created = inserted.length > 0;
      const row = await gatesQuery(tx)
        .where('g.task_id', request.taskId)
        .first();
      if (created) {
        await tx('golden_gate_audit').insert({
          gate_id: row.id,
          actor,
          action: 'requested' satisfies GateAuditAction,
          at: new Date(),
          comment: request.reasons.map(r => r.reason).join('; '),
        });
      }
      return { gate: toGate(row), created };
    });
  }

  async gateByTask(taskId: string): Promise<GateRequest | undefined> {
    const row = await gatesQuery(this.db).where('g.task_id', taskId).first();
    return row ? toGate(row) : undefined;
  }

  async gate(id: string): Promise<GateRequest | undefined> {
    if (!/^\d{1,18}$/.test(id)) return undefined;
    const row = await gatesQuery(this.db).where('g.id', id).first();
    return row ? toGate(row) : undefined;
  }

  async listGates(filter: {
    status?: GateStatus;
    requester?: string;
    limit: number;
  }): Promise<GateRequest[]> {
    const query = gatesQuery(this.db)
      .orderBy('g.created_at', 'desc')
      .orderBy('g.id', 'desc')
      .limit(filter.limit);
    if (filter.status) query.where('g.status', filter.status);
    if (filter.requester) query.where('g.requester', filter.requester);
    return (await query).map(toGate);
  }

  /**
   * Records who asked for a task through an action: the person, and the
   * agent that acted for them (undefined when the person called it).
   */
  async recordAgentRequest(request: {
    taskId: string;
    agent?: string;
    onBehalfOf: string;
  }): Promise<void> {
    await this.db('golden_path_agent_requests')
      .insert({
        task_id: request.taskId,
        agent: request.agent ?? null,
        on_behalf_of: request.onBehalfOf,
        created_at: new Date(),
      })
      .onConflict('task_id')
      .ignore();
  }

  /**
   * Decides a pending request. Returns undefined when it was no longer
   * pending (someone else decided first): decisions are final.
   */
  async decideGate(options: {
    id: string;
    status: Exclude<GateStatus, 'pending'>;
    actor: string;
    comment?: string;
    approvedParameters?: Record<string, unknown>;
    changes?: GateAuditEntry['changes'];
  }): Promise<GateRequest | undefined> {
    return this.db.transaction(async tx => {
      const now = new Date();
      const count = await tx('golden_gate_requests')
        .where({ id: options.id, status: 'pending' })
        .update({
          status: options.status,
          decided_at: now,
          decided_by: options.actor,
          comment: options.comment ?? null,
          approved_parameters: options.approvedParameters
            ? JSON.stringify(options.approvedParameters)
            : null,
        });
      if (count !== 1) return undefined;
      await tx('golden_gate_audit').insert({
        gate_id: options.id,
        actor: options.actor,
        action: options.status satisfies GateAuditAction,
        at: now,
        comment: options.comment ?? null,
        changes:
          options.changes && Object.keys(options.changes).length
            ? JSON.stringify(options.changes)
            : null,
      });
      return toGate(await gatesQuery(tx).where('g.id', options.id).first());
    });
  }

  /**
   * Hands an approved request to the one task that continues it (or that
   * runs past its gate itself): the first claim wins, a second claim by the
   * same task is that task running its policy step again. Audited once.
   */
  async claimApprovedGate(options: {
    id: string;
    taskId: string;
    actor: string;
  }): Promise<{ gate: GateRequest; claimed: boolean } | undefined> {
    return this.db.transaction(async tx => {
      const now = new Date();
      const count = await tx('golden_gate_requests')
        .where({ id: options.id, status: 'approved' })
        .whereNull('continued_task_id')
        .update({ continued_task_id: options.taskId, continued_at: now });
      if (count === 1) {
        await tx('golden_gate_audit').insert({
          gate_id: options.id,
          actor: options.actor,
          action: 'continued' satisfies GateAuditAction,
          at: now,
          comment: `continued as task ${options.taskId}`,
        });
      }
      const row = await gatesQuery(tx).where('g.id', options.id).first();
      if (!row) return undefined;
      const gate = toGate(row);
      return { gate, claimed: gate.continuedTaskId === options.taskId };
    });
  }

  /** Moves a run on, from one of the states it may be in, to `to`. */
  async moveRun(
    taskId: string,
    from: RunStatus[],
    to: RunStatus,
  ): Promise<void> {
    await this.db('golden_path_runs')
      .where({ task_id: taskId })
      .whereIn('status', from)
      .update({ status: to });
  }

  /**
   * The audit trail of a request. The opening of a request an agent made
   * says so: "opened by agent plugin:mcp-actions for alice".
   */
  async audit(gateId: string): Promise<GateAuditEntry[]> {
    if (!/^\d{1,18}$/.test(gateId)) return [];
    const rows = await this.db('golden_gate_audit as e')
      .leftJoin('golden_gate_requests as g', 'g.id', 'e.gate_id')
      .leftJoin('golden_path_agent_requests as a', 'a.task_id', 'g.task_id')
      .where('e.gate_id', gateId)
      .orderBy('e.at')
      .orderBy('e.id')
      .select('e.*', 'a.agent as via_agent', 'a.on_behalf_of as via_user');
    return rows.map(row => {
      const opening =
        row.action === ('requested' satisfies GateAuditAction) && row.via_agent
          ? `opened by agent ${row.via_agent} for ${userName(row.via_user)}`
          : undefined;
      const comment = opening
        ? [opening, row.comment].filter(Boolean).join(': ')
        : row.comment ?? undefined;
      return {
        id: Number(row.id),
        gateId: String(row.gate_id),
        actor: row.actor,
        action: row.action,
        at: iso(row.at)!,
        comment,
        changes: json(row.changes),
      };
    });
  }

  /**
   * Requests created in [from, to), with their wait times (decided ones)
   * and the agent that asked for a person, if one did.
   */
  async gateWaits(from: Date, to: Date) {
    const rows = await this.db('golden_gate_requests as g')
      .leftJoin('golden_path_agent_requests as a', 'a.task_id', 'g.task_id')
      .where('g.created_at', '>=', from)
      .where('g.created_at', '<', to)
      .select('g.status', 'g.created_at', 'g.decided_at', 'a.agent');
    return rows.map(row => ({
      status: row.status as GateStatus,
      waitMs: row.decided_at
        ? new Date(row.decided_at).getTime() -
          new Date(row.created_at).getTime()
        : undefined,
      agent: (row.agent as string | null) ?? undefined,
    }));
  }

  // --- runs --------------------------------------------------------------

  async recordRunOpened(run: {
    taskId: string;
    templateRef: string;
    templateVersion?: string;
    requester?: string;
    at: Date;
  }): Promise<void> {
    await this.db('golden_path_runs')
      .insert({
        task_id: run.taskId,
        template_ref: run.templateRef,
        template_version: run.templateVersion ?? null,
        requester: run.requester ?? null,
        status: 'open' satisfies RunStatus,
        created_at: run.at,
        attempt_started_at: run.at,
        attempts: 1,
      })
      .onConflict('task_id')
      .ignore();
  }

  async run(taskId: string): Promise<GoldenPathRun | undefined> {
    const row = await this.runsQuery().where('r.task_id', taskId).first();
    return row ? toRun(row) : undefined;
  }

  async listRuns(filter: {
    requester?: string;
    templateRef?: string;
    limit: number;
  }): Promise<GoldenPathRun[]> {
    const query = this.runsQuery()
      .orderBy('r.created_at', 'desc')
      .limit(filter.limit);
    if (filter.requester) query.where('r.requester', filter.requester);
    if (filter.templateRef) query.where('r.template_ref', filter.templateRef);
    return (await query).map(toRun);
  }

  private runsQuery() {
    return (
      this.db('golden_path_runs as r')
        // The gate the run waited at...
        .leftJoin('golden_gate_requests as g', 'g.task_id', 'r.task_id')
        // ...or whose approval it continues.
        .leftJoin(
          'golden_gate_requests as c',
          'c.continued_task_id',
          'r.task_id',
        )
        .select(
          'r.*',
          'g.id as gate_id',
          'g.created_at as gate_created_at',
          'g.reviewers as gate_reviewers',
          'g.continued_task_id as gate_continued_task_id',
          'c.id as continued_gate_id',
          'c.task_id as continues_task_id',
        )
    );
  }

  /**
   * The task was claimed by a worker. A claim of a task that had finished
   * is a retry: a new attempt of the same run starts.
   */
  async markRunProcessing(taskId: string, at: Date): Promise<void> {
    await this.db('golden_path_runs')
      .where({ task_id: taskId, status: 'open' })
      .update({ status: 'processing' satisfies RunStatus });
    await this.db('golden_path_runs')
      .where({ task_id: taskId })
      .whereNotIn('status', ['open', 'processing'])
      .update({
        status: 'processing' satisfies RunStatus,
        attempt_started_at: at,
        finished_at: null,
        duration_ms: null,
        failed_step: null,
        failure_reason: null,
        attempts: this.db.raw('attempts + 1'),
      });
  }

  /**
   * The task ended at its golden gate: the run waits (or was decided
   * meanwhile). Nothing was provisioned, so it has no duration: it is
   * neither a completion nor a failure.
   */
  async markRunWaiting(options: {
    taskId: string;
    status: RunStatus;
    at: Date;
  }): Promise<void> {
    await this.db('golden_path_runs')
      .where({ task_id: options.taskId })
      .update({
        status: options.status,
        finished_at: options.at,
        duration_ms: null,
        failed_step: null,
        failure_reason: null,
      });
  }

  async markRunFinished(options: {
    taskId: string;
    status: RunStatus;
    at: Date;
    failedStep?: string;
    failureReason?: string;
  }): Promise<void> {
    const row = await this.db('golden_path_runs')
      .where({ task_id: options.taskId })
      .first('attempt_started_at');
    if (!row) return;
    await this.db('golden_path_runs')
      .where({ task_id: options.taskId })
      .update({
        status: options.status,
        finished_at: options.at,
        duration_ms: Math.max(
          0,
          options.at.getTime() - new Date(row.attempt_started_at).getTime(),
        ),
        failed_step: options.failedStep ?? null,
        failure_reason: options.failureReason ?? null,
      });
  }
}
