import type {
  UpgradeMetrics,
  UpgradeNote,
  UpgradeProposal,
  UpgradeState,
} from '@internal/plugin-golden-paths-common';
import type { Knex } from 'knex';
import { median, percentile } from '@internal/portal-common';
import { createHash } from 'node:crypto';

const iso = (v: unknown) =>
  v === null || v === undefined
    ? undefined
    : new Date(v as string | number | Date).toISOString();
const json = <T>(v: unknown, fallback: T): T =>
  v === null || v === undefined
    ? fallback
    : ((typeof v === 'string' ? JSON.parse(v) : v) as T);

/** A file of a template folder, as the scaffolder's dry run takes it. */
export interface TemplateFile {
  path: string;
  base64Content: string;
}

/** A template version as it was when the portal saw it. */
export interface TemplateSnapshot {
  templateRef: string;
  version: string;
  entity: Record<string, any>;
  files: TemplateFile[];
  capturedAt: string;
}

/** What a run asked for, past its policy step. */
export interface RunParameters {
  taskId: string;
  templateRef: string;
  templateVersion?: string;
  entityName?: string;
  parameters: Record<string, unknown>;
  requester?: string;
  recordedAt: string;
}

/** The states in which a proposal waits on its host. */
export const WAITING: UpgradeState[] = ['open', 'conflicts'];

function toProposal(row: any): UpgradeProposal {
  return {
    id: String(row.id),
    entityRef: row.entity_ref,
    templateRef: row.template_ref,
    fromVersion: row.from_version,
    toVersion: row.to_version,
    state: row.state,
    host: row.host ?? undefined,
    repository: row.repository ?? undefined,
    branch: row.branch ?? undefined,
    baseBranch: row.base_branch ?? undefined,
    url: row.url ?? undefined,
    number: row.number ?? undefined,
    changed: json(row.changed, []),
    conflicts: json(row.conflicts, []),
    notes: json<UpgradeNote[]>(row.notes, []),
    needsPerson: Boolean(row.needs_person),
    requestedBy: row.requested_by,
    createdAt: iso(row.created_at)!,
    updatedAt: iso(row.updated_at)!,
    mergedAt: iso(row.merged_at),
    closedAt: iso(row.closed_at),
    error: row.error ?? undefined,
  };
}

/** Nearest-rank quantile of sorted numbers. */
/**
 * The upgrade tables of the golden-paths plugin: run parameters, template
 * snapshots and proposals.
 */
export class UpgradeStore {
  constructor(private readonly db: Knex) {}

  // --- run parameters ------------------------------------------------------

  /** Records a run's parameters once (a retried policy step changes nothing). */
  async recordRunParameters(run: Omit<RunParameters, 'recordedAt'>) {
    await this.db('golden_path_run_parameters')
      .insert({
        task_id: run.taskId,
        template_ref: run.templateRef,
        template_version: run.templateVersion ?? null,
        entity_name: run.entityName ?? null,
        parameters: JSON.stringify(run.parameters),
        requester: run.requester ?? null,
        recorded_at: new Date(),
      })
      .onConflict('task_id')
      .ignore();
  }

  /**
   * The parameters of the newest run of a template that made `entityName`
   * with `version` (any version if none matches), preferring runs that
   * completed.
   */
  async runParametersFor(
    templateRef: string,
    entityName: string,
    version: string,
  ): Promise<RunParameters | undefined> {
    const rows = await this.db('golden_path_run_parameters as p')
      .leftJoin('golden_path_runs as r', 'r.task_id', 'p.task_id')
      .whereRaw('lower(p.template_ref) = ?', [templateRef.toLowerCase()])
      .where('p.entity_name', entityName)
      .select('p.*', 'r.status as run_status')
      .orderBy('p.recorded_at', 'desc')
      .limit(50);
    const score = (r: any) =>
      (r.template_version === version ? 2 : 0) +
      (r.run_status === 'completed' ? 1 : 0);
    const best = [...rows].sort((a, b) => score(b) - score(a))[0];
    if (!best) return undefined;
    return {
      taskId: best.task_id,
      templateRef: best.template_ref,
      templateVersion: best.template_version ?? undefined,
      entityName: best.entity_name ?? undefined,
      parameters: json(best.parameters, {}),
      requester: best.requester ?? undefined,
      recordedAt: iso(best.recorded_at)!,
    };
  }

  // --- template snapshots --------------------------------------------------

  /**
   * Keeps a template version's entity and files, unless that version was
   * kept before (a version is what it was when first seen). Returns whether
   * the kept copy differs from what was given (the template changed
   * without a new version).
   */
  async keepSnapshot(
    snapshot: Omit<TemplateSnapshot, 'capturedAt'>,
  ): Promise<{ kept: boolean; differs: boolean }> {
    const files = [...snapshot.files].sort((a, b) =>
      a.path.localeCompare(b.path),
    );
    const digest = createHash('sha256')
      .update(JSON.stringify(files))
      .digest('hex');
    const inserted = await this.db('golden_path_template_snapshots')
      .insert({
        template_ref: snapshot.templateRef.toLowerCase(),
        version: snapshot.version,
        entity: JSON.stringify(snapshot.entity),
        files: JSON.stringify(files),
        digest,
        captured_at: new Date(),
      })
      .onConflict(['template_ref', 'version'])
      .ignore()
      .returning('digest');
    if (inserted.length) return { kept: true, differs: false };
    const row = await this.db('golden_path_template_snapshots')
      .where({
        template_ref: snapshot.templateRef.toLowerCase(),
        version: snapshot.version,
      })
      .first('digest');
    return { kept: false, differs: row?.digest !== digest };
  }

  async snapshot(
    templateRef: string,
    version: string,
  ): Promise<TemplateSnapshot | undefined> {
    const row = await this.db('golden_path_template_snapshots')
      .where({ template_ref: templateRef.toLowerCase(), version })
      .first();
    if (!row) return undefined;
    return {
      templateRef: row.template_ref,
      version: row.version,
      entity: json(row.entity, {}),
      files: json(row.files, []),
      capturedAt: iso(row.captured_at)!,
    };
  }

  /** The versions kept of a template. */
  async snapshotVersions(templateRef: string): Promise<string[]> {
    const rows = await this.db('golden_path_template_snapshots')
      .where({ template_ref: templateRef.toLowerCase() })
      .select('version');
    return rows.map(r => r.version);
  }

  // --- proposals -----------------------------------------------------------

  /** The proposal of a service to a version that still waits, if any. */
  async waitingProposal(
    entityRef: string,
    toVersion: string,
  ): Promise<UpgradeProposal | undefined> {
    const row = await this.db('golden_path_upgrades')
      .where({ entity_ref: entityRef, to_version: toVersion })
      .whereIn('state', WAITING)
      .orderBy('id', 'desc')
      .first();
    return row ? toProposal(row) : undefined;
  }

  async insertProposal(
    p: Omit<UpgradeProposal, 'id' | 'createdAt' | 'updatedAt'>,
  ): Promise<UpgradeProposal> {
    const now = new Date();
    const [row] = await this.db('golden_path_upgrades')
      .insert({
        entity_ref: p.entityRef,
        template_ref: p.templateRef,
        from_version: p.fromVersion,
        to_version: p.toVersion,
        state: p.state,
        host: p.host ?? null,
        repository: p.repository ?? null,
        branch: p.branch ?? null,
        base_branch: p.baseBranch ?? null,
        url: p.url ?? null,
        number: p.number ?? null,
        changed: JSON.stringify(p.changed),
        conflicts: JSON.stringify(p.conflicts),
        notes: JSON.stringify(p.notes),
        needs_person: p.needsPerson,
        requested_by: p.requestedBy,
        error: p.error ?? null,
        created_at: now,
        updated_at: now,
        merged_at: p.mergedAt ? new Date(p.mergedAt) : null,
        closed_at: p.closedAt ? new Date(p.closedAt) : null,
      })
      .returning('*');
    return toProposal(row);
  }

  /** Moves a waiting proposal to the state its host reports. */
  async updateState(
    id: string,
    state: UpgradeState,
    at = new Date(),
  ): Promise<void> {
    await this.db('golden_path_upgrades')
      .where({ id })
      .update({
        state,
        updated_at: at,
        ...(state === 'merged' ? { merged_at: at } : {}),
        ...(state === 'closed' ? { closed_at: at } : {}),
      });
  }

  async proposal(id: string): Promise<UpgradeProposal | undefined> {
    if (!/^\d{1,18}$/.test(id)) return undefined;
    const row = await this.db('golden_path_upgrades').where({ id }).first();
    return row ? toProposal(row) : undefined;
  }

  async listProposals(filter: {
    entityRefs?: string[];
    templateRef?: string;
    states?: UpgradeState[];
    branch?: string;
    limit: number;
  }): Promise<UpgradeProposal[]> {
    const q = this.db('golden_path_upgrades')
      .orderBy('id', 'desc')
      .limit(filter.limit);
    if (filter.entityRefs) q.whereIn('entity_ref', filter.entityRefs);
    if (filter.templateRef)
      q.whereRaw('lower(template_ref) = ?', [filter.templateRef.toLowerCase()]);
    if (filter.states) q.whereIn('state', filter.states);
    if (filter.branch) q.where('branch', filter.branch);
    return (await q).map(toProposal);
  }

  /** Proposals opened in [from, to), what became of them, and how fast. */
  async metrics(from: Date, to: Date): Promise<UpgradeMetrics> {
    const rows = await this.db('golden_path_upgrades')
      .where('created_at', '>=', from)
      .where('created_at', '<', to)
      .select('state', 'created_at', 'merged_at', 'conflicts');
    const count = (s: UpgradeState) => rows.filter(r => r.state === s).length;
    const hours = rows
      .filter(r => r.state === 'merged' && r.merged_at)
      .map(
        r =>
          (new Date(r.merged_at).getTime() - new Date(r.created_at).getTime()) /
          3_600_000,
      );
    const opened = rows.filter(
      r => r.state !== 'failed' && r.state !== 'up-to-date',
    );
    return {
      from: from.toISOString(),
      to: to.toISOString(),
      opened: opened.length,
      merged: count('merged'),
      closed: count('closed'),
      open: count('open') + count('conflicts'),
      withConflicts: opened.filter(r => json<unknown[]>(r.conflicts, []).length)
        .length,
      failed: count('failed'),
      timeToMerge: {
        medianHours: median(hours) ?? null,
        p90Hours: percentile(hours, 90) ?? null,
      },
    };
  }
}
