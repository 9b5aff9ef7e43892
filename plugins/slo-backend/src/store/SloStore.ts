import { resolvePackagePath } from '@backstage/backend-plugin-api';
import type {
  AlertRuleState,
  BurnRate,
  ErrorBudget,
  SloAlertEvent,
  SloOrigin,
  SloProblem,
  SloSpec,
  SloState,
} from '@internal/plugin-slo-common';
import type { Knex } from 'knex';
import { isDeepStrictEqual } from 'node:util';

const migrationsDir = resolvePackagePath(
  '@internal/plugin-slo-backend',
  'migrations',
);

/** jsonb on PostgreSQL comes back parsed; SQLite (development) gives text. */
function json<T>(value: unknown): T | undefined {
  if (value === null || value === undefined) return undefined;
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

function iso(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  return new Date(value as string | number | Date).toISOString();
}

export interface SloDefinitionRow {
  id: string;
  entityRef: string;
  ownerRef?: string;
  systemRef?: string;
  origin: SloOrigin;
  file?: string;
  name: string;
  sourceType: string;
  /** Undefined when the SLO was refused (see problems). */
  spec?: SloSpec;
  yaml?: string;
  problems: SloProblem[];
  createdBy?: string;
  cursorMinute?: number;
}

export interface SloStatusRow {
  sloId: string;
  state: SloState;
  evaluatedAt: string;
  budget?: ErrorBudget;
  burnRates: BurnRate[];
  alerts: AlertRuleState[];
  error?: string;
}

export interface Counts {
  good: number;
  total: number;
}

function toDefinition(row: any): SloDefinitionRow {
  return {
    id: row.id,
    entityRef: row.entity_ref,
    ownerRef: row.owner_ref ?? undefined,
    systemRef: row.system_ref ?? undefined,
    origin: row.origin,
    file: row.file ?? undefined,
    name: row.name,
    sourceType: row.source_type,
    spec: json<SloSpec>(row.spec),
    yaml: row.yaml ?? undefined,
    problems: json<SloProblem[]>(row.problems) ?? [],
    createdBy: row.created_by ?? undefined,
    cursorMinute:
      row.cursor_minute === null || row.cursor_minute === undefined
        ? undefined
        : Number(row.cursor_minute),
  };
}

function toStatus(row: any): SloStatusRow {
  return {
    sloId: row.slo_id,
    state: row.state,
    evaluatedAt: iso(row.evaluated_at)!,
    budget: json<ErrorBudget>(row.budget),
    burnRates: json<BurnRate[]>(row.burn_rates) ?? [],
    alerts: json<AlertRuleState[]>(row.alerts) ?? [],
    error: row.error ?? undefined,
  };
}

/** Equal as JSON: undefined fields left out, key order ignored (jsonb reorders). */
const sameJson = (a: unknown, b: unknown) =>
  isDeepStrictEqual(
    JSON.parse(JSON.stringify(a ?? null)),
    JSON.parse(JSON.stringify(b ?? null)),
  );

/** The database row of a new definition. */
function toRow(d: SloDefinitionRow, now: Date) {
  return {
    id: d.id,
    entity_ref: d.entityRef,
    owner_ref: d.ownerRef ?? null,
    system_ref: d.systemRef ?? null,
    origin: d.origin,
    file: d.file ?? null,
    name: d.name,
    source_type: d.sourceType,
    spec: d.spec ? JSON.stringify(d.spec) : null,
    yaml: d.yaml ?? null,
    problems: JSON.stringify(d.problems),
    created_by: d.createdBy ?? null,
    created_at: now,
    updated_at: now,
  };
}

/** A definition is re-read from scratch when what it counts changes. */
const countsTheSame = (a?: SloSpec, b?: SloSpec) =>
  sameJson(
    [a?.indicator, a?.objective, a?.budgetingMethod],
    [b?.indicator, b?.objective, b?.budgetingMethod],
  );

/**
 * Storage of the SLO plugin. Buckets hold one minute each, with running
 * sums, so the events of any window are the difference of two rows.
 */
export class SloStore {
  static async create(options: {
    knex: Knex;
    skipMigrations?: boolean;
  }): Promise<SloStore> {
    if (!options.skipMigrations)
      await options.knex.migrate.latest({ directory: migrationsDir });
    return new SloStore(options.knex);
  }

  private constructor(readonly knex: Knex) {}

  private readonly changeListeners: Array<() => void> = [];

  /**
   * Calls `listener` after definitions were added, changed or removed by
   * this replica (to tell other plugins, whose facts derive from them).
   */
  onDefinitionsChanged(listener: () => void): void {
    this.changeListeners.push(listener);
  }

  private definitionsChanged() {
    for (const listener of this.changeListeners) listener();
  }

  /**
   * Makes the definitions of one scope (an entity's repository SLOs, the
   * platform's, ...) exactly `definitions`: new ones are added, missing ones
   * removed with their data, changed ones updated. When what an SLO counts
   * changes, its buckets start over.
   */
  async replaceDefinitions(
    scope: { origin: SloOrigin; entityRef?: string },
    definitions: SloDefinitionRow[],
  ): Promise<{ added: number; removed: number; changed: number }> {
    const counts = await this.knex.transaction(async tx => {
      const q = tx('slo_definitions').where('origin', scope.origin);
      if (scope.entityRef) q.andWhere('entity_ref', scope.entityRef);
      const existing = new Map(
        (await q.select('*')).map(r => [r.id as string, toDefinition(r)]),
      );
      const keep = new Set(definitions.map(d => d.id));
      const gone = [...existing.keys()].filter(id => !keep.has(id));
      if (gone.length) await tx('slo_definitions').whereIn('id', gone).delete();
      let added = 0;
      let changed = 0;
      for (const d of definitions) {
        const before = existing.get(d.id);
        if (before && before.origin !== d.origin) continue;
        const {
          id: _id,
          created_by: _by,
          created_at: _at,
          ...row
        } = toRow(d, new Date());
        if (!before) {
          added++;
          await tx('slo_definitions')
            .insert(toRow(d, new Date()))
            .onConflict('id')
            .merge();
          continue;
        }
        if (sameJson(before, { ...before, ...d })) continue;
        changed++;
        const reset = !countsTheSame(before.spec, d.spec);
        await tx('slo_definitions')
          .where('id', d.id)
          .update({ ...row, ...(reset ? { cursor_minute: null } : {}) });
        if (reset) {
          await tx('slo_buckets').where('slo_id', d.id).delete();
          await tx('slo_status').where('slo_id', d.id).delete();
        }
      }
      return { added, removed: gone.length, changed };
    });
    if (counts.added + counts.removed + counts.changed > 0)
      this.definitionsChanged();
    return counts;
  }

  async insertDefinitions(definitions: SloDefinitionRow[]): Promise<void> {
    const now = new Date();
    await this.knex('slo_definitions').insert(
      definitions.map(d => toRow(d, now)),
    );
    if (definitions.length > 0) this.definitionsChanged();
  }

  async listDefinitions(
    filter: {
      ids?: string[];
      entityRef?: string;
      ownerRef?: string;
      systemRef?: string;
      origin?: SloOrigin;
    } = {},
  ): Promise<SloDefinitionRow[]> {
    const q = this.knex('slo_definitions').orderBy(['entity_ref', 'id']);
    if (filter.ids) q.whereIn('id', filter.ids);
    if (filter.entityRef) q.where('entity_ref', filter.entityRef);
    if (filter.ownerRef) q.where('owner_ref', filter.ownerRef);
    if (filter.systemRef) q.where('system_ref', filter.systemRef);
    if (filter.origin) q.where('origin', filter.origin);
    return (await q.select('*')).map(toDefinition);
  }

  async getDefinition(id: string): Promise<SloDefinitionRow | undefined> {
    const row = await this.knex('slo_definitions').where('id', id).first();
    return row ? toDefinition(row) : undefined;
  }

  async deleteDefinition(id: string): Promise<boolean> {
    const deleted =
      (await this.knex('slo_definitions').where('id', id).delete()) > 0;
    if (deleted) this.definitionsChanged();
    return deleted;
  }

  /**
   * Adds counts to minute buckets and brings the running sums after the
   * earliest of them up to date, in one transaction that holds the SLO's
   * row lock (pushes and the evaluator may write at the same time).
   * `cursorMinute` moves the source cursor in the same transaction.
   */
  async addCounts(
    sloId: string,
    counts: Map<number, Counts>,
    cursorMinute?: number,
  ): Promise<void> {
    await this.knex.transaction(async tx => {
      await tx('slo_definitions').where('id', sloId).forUpdate().first('id');
      const minutes = [...counts.keys()].sort((a, b) => a - b);
      if (minutes.length > 0) {
        const first = minutes[0];
        const before = await tx('slo_buckets')
          .where('slo_id', sloId)
          .andWhere('minute', '<', first)
          .orderBy('minute', 'desc')
          .first('cum_good', 'cum_total');
        const rows = new Map<number, Counts>();
        for (const r of await tx('slo_buckets')
          .where('slo_id', sloId)
          .andWhere('minute', '>=', first)
          .orderBy('minute')
          .select('minute', 'good', 'total'))
          rows.set(Number(r.minute), {
            good: Number(r.good),
            total: Number(r.total),
          });
        for (const m of minutes) {
          const add = counts.get(m)!;
          const old = rows.get(m) ?? { good: 0, total: 0 };
          rows.set(m, {
            good: old.good + add.good,
            total: old.total + add.total,
          });
        }
        let cumGood = Number(before?.cum_good ?? 0);
        let cumTotal = Number(before?.cum_total ?? 0);
        const upserts = [...rows.entries()]
          .sort((a, b) => a[0] - b[0])
          .map(([minute, c]) => {
            cumGood += c.good;
            cumTotal += c.total;
            return {
              slo_id: sloId,
              minute,
              good: c.good,
              total: c.total,
              cum_good: cumGood,
              cum_total: cumTotal,
            };
          });
        for (let i = 0; i < upserts.length; i += 1000)
          await tx('slo_buckets')
            .insert(upserts.slice(i, i + 1000))
            .onConflict(['slo_id', 'minute'])
            .merge();
      }
      if (cursorMinute !== undefined)
        await tx('slo_definitions')
          .where('id', sloId)
          .update({ cursor_minute: cursorMinute });
    });
  }

  /**
   * The running sums just before each minute: good and total of every
   * bucket with `minute < m`. The events of [a, b) are `at(b) - at(a)`.
   */
  async cumulativeAt(
    sloId: string,
    minutes: number[],
  ): Promise<Map<number, Counts>> {
    const result = new Map<number, Counts>();
    const unique = [...new Set(minutes)];
    for (let i = 0; i < unique.length; i += 400) {
      const chunk = unique.slice(i, i + 400);
      const values = chunk.map(() => '(CAST(? AS BIGINT))').join(', ');
      const lookup = (column: string) =>
        `(SELECT b.${column} FROM slo_buckets b WHERE b.slo_id = ? AND b.minute < t.m ORDER BY b.minute DESC LIMIT 1)`;
      const rows = await this.knex.raw(
        `WITH t(m) AS (VALUES ${values}) SELECT t.m AS m, ${lookup(
          'cum_good',
        )} AS g, ${lookup('cum_total')} AS n FROM t`,
        [...chunk, sloId, sloId],
      );
      for (const r of (rows.rows ?? rows) as any[])
        result.set(Number(r.m), {
          good: Number(r.g ?? 0),
          total: Number(r.n ?? 0),
        });
    }
    return result;
  }

  /** Sums of good and total over [from, to) minutes, straight from buckets. */
  async sumRaw(sloId: string, from: number, to: number): Promise<Counts> {
    const row = await this.knex('slo_buckets')
      .where('slo_id', sloId)
      .andWhere('minute', '>=', from)
      .andWhere('minute', '<', to)
      .sum({ g: 'good', n: 'total' })
      .first();
    return { good: Number(row?.g ?? 0), total: Number(row?.n ?? 0) };
  }

  async getStatuses(ids?: string[]): Promise<Map<string, SloStatusRow>> {
    const q = this.knex('slo_status');
    if (ids) q.whereIn('slo_id', ids);
    return new Map(
      (await q.select('*')).map(r => [r.slo_id as string, toStatus(r)]),
    );
  }

  /**
   * Saves an evaluation. Returns the alert transitions against the stored
   * state, recorded in the same transaction, so each is reported once.
   */
  async saveStatus(
    status: SloStatusRow,
    transitions: (
      previous: AlertRuleState[],
    ) => Array<Omit<SloAlertEvent, 'id' | 'sloId'>>,
  ): Promise<SloAlertEvent[]> {
    return this.knex.transaction(async tx => {
      const exists = await tx('slo_definitions')
        .where('id', status.sloId)
        .forUpdate()
        .first('id');
      if (!exists) return [];
      const previous = await tx('slo_status')
        .where('slo_id', status.sloId)
        .first('alerts');
      const events = transitions(
        json<AlertRuleState[]>(previous?.alerts) ?? [],
      );
      await tx('slo_status')
        .insert({
          slo_id: status.sloId,
          state: status.state,
          evaluated_at: new Date(status.evaluatedAt),
          budget: status.budget ? JSON.stringify(status.budget) : null,
          burn_rates: JSON.stringify(status.burnRates),
          alerts: JSON.stringify(status.alerts),
          error: status.error ?? null,
        })
        .onConflict('slo_id')
        .merge();
      const saved: SloAlertEvent[] = [];
      for (const e of events) {
        const [row] = await tx('slo_alert_events')
          .insert({
            slo_id: status.sloId,
            rule: e.rule,
            severity: e.severity,
            state: e.state,
            at: new Date(e.at),
            long_rate: e.longRate,
            short_rate: e.shortRate,
          })
          .returning('id');
        saved.push({ ...e, id: String(row?.id ?? row), sloId: status.sloId });
      }
      return saved;
    });
  }

  async listAlertEvents(sloId: string, limit = 100): Promise<SloAlertEvent[]> {
    const rows = await this.knex('slo_alert_events')
      .where('slo_id', sloId)
      .orderBy('at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit);
    return rows.map(r => ({
      id: String(r.id),
      sloId: r.slo_id,
      rule: r.rule,
      severity: r.severity,
      state: r.state,
      at: iso(r.at)!,
      longRate: Number(r.long_rate),
      shortRate: Number(r.short_rate),
    }));
  }

  /** Records a pushed batch id; false when it was seen before. */
  async claimBatch(sloId: string, batchId: string): Promise<boolean> {
    const rows = await this.knex('slo_push_batches')
      .insert({ slo_id: sloId, batch_id: batchId, received_at: new Date() })
      .onConflict(['slo_id', 'batch_id'])
      .ignore()
      .returning('batch_id');
    return rows.length > 0;
  }

  async insertProbeResults(
    results: Array<{
      ts: Date;
      target: string;
      ok: boolean;
      latencyMs: number;
      status?: number;
      error?: string;
    }>,
  ): Promise<void> {
    if (results.length === 0) return;
    await this.knex('slo_probe_results').insert(
      results.map(r => ({
        minute: Math.floor(r.ts.getTime() / 60_000),
        ts: r.ts,
        target: r.target,
        ok: r.ok,
        latency_ms: r.latencyMs,
        status: r.status ?? null,
        error: r.error?.slice(0, 2000) ?? null,
      })),
    );
  }

  /** Probe results per minute in [from, to), optionally of one target. */
  async probeCounts(
    from: number,
    to: number,
    target?: string,
  ): Promise<Array<{ minute: number; good: number; total: number }>> {
    const q = this.knex('slo_probe_results')
      .where('minute', '>=', from)
      .andWhere('minute', '<', to)
      .groupBy('minute')
      .select('minute')
      .count({ total: '*' })
      .sum({ good: this.knex.raw('CASE WHEN ok THEN 1 ELSE 0 END') });
    if (target) q.andWhere('target', target);
    return (await q).map((r: any) => ({
      minute: Number(r.minute),
      good: Number(r.good ?? 0),
      total: Number(r.total),
    }));
  }

  /** Per target: counts and latencies in [from, to) and the latest result. */
  async probeSummary(from: number, to: number) {
    const rows = await this.knex('slo_probe_results')
      .where('minute', '>=', from)
      .andWhere('minute', '<', to)
      .orderBy('ts', 'asc')
      .select('target', 'ok', 'latency_ms', 'ts', 'error');
    const byTarget = new Map<
      string,
      {
        ok: number;
        total: number;
        latencies: number[];
        last?: { ok: boolean; at: string; error?: string };
      }
    >();
    for (const r of rows) {
      const t = byTarget.get(r.target) ?? { ok: 0, total: 0, latencies: [] };
      const ok = Boolean(r.ok);
      t.total++;
      if (ok) t.ok++;
      t.latencies.push(Number(r.latency_ms));
      t.last = { ok, at: iso(r.ts)!, error: r.error ?? undefined };
      byTarget.set(r.target, t);
    }
    return byTarget;
  }

  /** Copies finished scaffolder tasks; a task seen again is updated. */
  async upsertProvisioningRuns(
    runs: Array<{
      taskId: string;
      status: 'completed' | 'failed';
      templateRef?: string;
      createdAt: Date;
      finishedAt: Date;
    }>,
  ): Promise<void> {
    for (let i = 0; i < runs.length; i += 500)
      await this.knex('slo_provisioning_runs')
        .insert(
          runs.slice(i, i + 500).map(r => ({
            task_id: r.taskId,
            status: r.status,
            template_ref: r.templateRef ?? null,
            created_at: r.createdAt,
            finished_at: r.finishedAt,
            finished_minute: Math.floor(r.finishedAt.getTime() / 60_000),
            duration_seconds: Math.max(
              0,
              (r.finishedAt.getTime() - r.createdAt.getTime()) / 1000,
            ),
          })),
        )
        .onConflict('task_id')
        .merge();
  }

  /** Finished provisioning runs with their finishing time, in [from, to) minutes. */
  async provisioningRuns(
    from: number,
    to: number,
  ): Promise<
    Array<{ status: string; finishedAt: Date; durationSeconds: number }>
  > {
    const rows = await this.knex('slo_provisioning_runs')
      .where('finished_minute', '>=', from)
      .andWhere('finished_minute', '<', to)
      .select('status', 'finished_at', 'duration_seconds');
    return rows.map(r => ({
      status: r.status,
      finishedAt: new Date(r.finished_at),
      durationSeconds: Number(r.duration_seconds),
    }));
  }

  /** Records an evaluation cycle; keeps the latest 1,000. */
  async recordEvaluation(run: {
    startedAt: Date;
    durationMs: number;
    evaluated: number;
    failed: number;
  }): Promise<void> {
    await this.knex('slo_evaluation_runs').insert({
      started_at: run.startedAt,
      duration_ms: run.durationMs,
      evaluated: run.evaluated,
      failed: run.failed,
    });
    const old = await this.knex('slo_evaluation_runs')
      .orderBy('id', 'desc')
      .offset(1000)
      .first('id');
    if (old)
      await this.knex('slo_evaluation_runs').where('id', '<=', old.id).delete();
  }

  async listEvaluations(
    limit: number,
  ): Promise<
    Array<{ at: string; durationMs: number; evaluated: number; failed: number }>
  > {
    const rows = await this.knex('slo_evaluation_runs')
      .orderBy('id', 'desc')
      .limit(limit);
    return rows.map(r => ({
      at: iso(r.started_at)!,
      durationMs: Number(r.duration_ms),
      evaluated: Number(r.evaluated),
      failed: Number(r.failed),
    }));
  }

  /**
   * Drops buckets no window needs any more: before `beforeMinute` for
   * the SLO. Running sums stay right (windows are differences).
   */
  async pruneBuckets(sloId: string, beforeMinute: number): Promise<number> {
    return this.knex('slo_buckets')
      .where('slo_id', sloId)
      .andWhere('minute', '<', beforeMinute)
      .delete();
  }

  /** Drops probe results older than `beforeMinute`. */
  async pruneProbes(beforeMinute: number): Promise<number> {
    return this.knex('slo_probe_results')
      .where('minute', '<', beforeMinute)
      .delete();
  }
}
