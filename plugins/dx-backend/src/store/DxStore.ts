import { resolvePackagePath } from '@backstage/backend-plugin-api';
import type { DxEventKind, NormalizedEvent } from '@internal/plugin-dx-common';
import type { Knex } from 'knex';
import { markDaysForRollup, markForRollup } from '../rollups/DoraRollups';

const migrationsDir = resolvePackagePath(
  '@internal/plugin-dx-backend',
  'migrations',
);

/** An event ready to store: normalised, mapped (or not), with its payload. */
export interface EventToStore {
  event: NormalizedEvent;
  entityRef?: string;
  unmappedReason?: string;
  raw: unknown;
}

export interface StoredEvent extends NormalizedEvent {
  id: string;
  entityRef?: string;
  unmappedReason?: string;
  receivedAt: string;
}

const iso = (v: unknown) => new Date(v as string).toISOString();
const json = <T>(v: unknown): T | undefined =>
  v === null || v === undefined
    ? undefined
    : ((typeof v === 'string' ? JSON.parse(v) : v) as T);

function toEvent(r: any): StoredEvent {
  const defined = <T extends object>(o: T) =>
    Object.fromEntries(
      Object.entries(o).filter(([, v]) => v !== null && v !== undefined),
    ) as T;
  return defined({
    id: String(r.id),
    key: r.key,
    source: r.source,
    type: r.type,
    kind: r.kind,
    action: r.action,
    occurredAt: iso(r.occurred_at),
    receivedAt: iso(r.received_at),
    entityRef: r.entity_ref,
    unmappedReason: r.unmapped_reason,
    subject: defined({
      entityRef: r.subject_ref,
      repository: r.repository,
      service: r.service,
    }),
    environment: r.environment,
    outcome: r.outcome,
    commitSha: r.commit_sha,
    commits: json(r.commits),
    changeId: r.change_id,
    incidentId: r.incident_id,
    deploymentId: r.deployment_id,
    actor: r.actor,
    title: r.title,
    labels: json(r.labels),
    branch: r.branch,
  });
}

const COLUMN_DEFS: Array<[string, string]> = [
  ['key', 'text'],
  ['source', 'text'],
  ['type', 'text'],
  ['kind', 'text'],
  ['action', 'text'],
  ['occurred_at', 'timestamptz'],
  ['received_at', 'timestamptz'],
  ['entity_ref', 'text'],
  ['unmapped_reason', 'text'],
  ['subject_ref', 'text'],
  ['repository', 'text'],
  ['service', 'text'],
  ['environment', 'text'],
  ['outcome', 'text'],
  ['commit_sha', 'text'],
  ['change_id', 'text'],
  ['incident_id', 'text'],
  ['deployment_id', 'text'],
  ['actor', 'text'],
  ['title', 'text'],
  ['commits', 'jsonb'],
  ['raw', 'jsonb'],
  ['labels', 'jsonb'],
  ['branch', 'text'],
];
const COLUMNS = COLUMN_DEFS.map(([c]) => c);
const COLUMN_TYPES = COLUMN_DEFS.map(([c, t]) => `${c} ${t}`).join(', ');

/** Storage of the DX plugin: the events, normalised and raw. */
export class DxStore {
  static async create(options: {
    knex: Knex;
    skipMigrations?: boolean;
  }): Promise<DxStore> {
    if (!options.skipMigrations)
      await options.knex.migrate.latest({ directory: migrationsDir });
    return new DxStore(options.knex);
  }

  private constructor(readonly knex: Knex) {}

  /**
   * Stores events; one whose key is stored already is skipped. Returns the
   * keys that were new.
   */
  async insertEvents(events: EventToStore[]): Promise<Set<string>> {
    const inserted = new Set<string>();
    const now = new Date().toISOString();
    const rows = events.map(({ event: e, ...m }) => ({
      key: e.key,
      source: e.source,
      type: e.type.slice(0, 200),
      kind: e.kind,
      action: e.action.slice(0, 40),
      occurred_at: e.occurredAt,
      received_at: now,
      entity_ref: m.entityRef ?? null,
      unmapped_reason: m.unmappedReason?.slice(0, 300) ?? null,
      subject_ref: e.subject.entityRef?.slice(0, 512) ?? null,
      repository: e.subject.repository?.slice(0, 300) ?? null,
      service: e.subject.service?.slice(0, 300) ?? null,
      environment: e.environment?.slice(0, 200) ?? null,
      outcome: e.outcome ?? null,
      commit_sha: e.commitSha?.slice(0, 100) ?? null,
      change_id: e.changeId?.slice(0, 200) ?? null,
      incident_id: e.incidentId?.slice(0, 200) ?? null,
      deployment_id: e.deploymentId?.slice(0, 200) ?? null,
      actor: e.actor?.slice(0, 200) ?? null,
      title: e.title ?? null,
      commits: e.commits ?? null,
      raw: m.raw ?? null,
      labels: e.labels?.length ? e.labels : null,
      branch: e.branch?.slice(0, 300) ?? null,
    }));
    if (this.knex.client.config.client === 'pg') {
      // One statement per 5,000 rows: the rows travel as one JSON value.
      for (let i = 0; i < rows.length; i += 5000) {
        // The days of the entities with new delivery events are marked
        // for their roll-ups in the same statement.
        const { rows: done } = await this.knex.raw(
          `WITH ins AS (
             INSERT INTO dx_events (${COLUMNS.join(', ')})
             SELECT ${COLUMNS.join(', ')}
             FROM json_to_recordset(?::json) AS x(${COLUMN_TYPES})
             ON CONFLICT (key) DO NOTHING
             RETURNING key, entity_ref, kind, occurred_at
           ), marked AS (
             INSERT INTO dx_rollup_dirty_days (entity_ref, day, kind)
             SELECT DISTINCT entity_ref,
               to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'), kind
             FROM ins
             WHERE entity_ref IS NOT NULL
               AND kind IN ('deployment', 'change', 'incident')
             ON CONFLICT DO NOTHING
           )
           SELECT key FROM ins`,
          [JSON.stringify(rows.slice(i, i + 5000))],
        );
        for (const r of done) inserted.add(r.key);
      }
      return inserted;
    }
    for (let i = 0; i < rows.length; i += 500) {
      const done = await this.knex('dx_events')
        .insert(
          rows.slice(i, i + 500).map(r => ({
            ...r,
            occurred_at: new Date(r.occurred_at),
            received_at: new Date(r.received_at),
            commits: r.commits ? JSON.stringify(r.commits) : null,
            raw: JSON.stringify(r.raw),
            labels: r.labels ? JSON.stringify(r.labels) : null,
          })),
        )
        .onConflict('key')
        .ignore()
        .returning('key');
      for (const r of done) inserted.add(typeof r === 'string' ? r : r.key);
    }
    await markDaysForRollup(
      this.knex,
      rows
        .filter(
          r =>
            inserted.has(r.key) &&
            r.entity_ref &&
            ['deployment', 'change', 'incident'].includes(r.kind),
        )
        .map(r => ({
          entityRef: r.entity_ref as string,
          day: new Date(r.occurred_at).toISOString().slice(0, 10),
          kind: r.kind,
        })),
    );
    return inserted;
  }

  /** Marks entities whose roll-ups must be computed again. */
  async markDirty(entityRefs: string[]): Promise<void> {
    await markForRollup(this.knex, entityRefs);
  }

  async hasEventsWithKeyPrefix(prefix: string): Promise<boolean> {
    const row = await this.knex('dx_events')
      .where('key', 'like', `${prefix.replace(/[\\%_]/g, c => `\\${c}`)}%`)
      .first('id');
    return Boolean(row);
  }

  async listEvents(filter: {
    /** Only events of these entities (lower case). */
    entityRefs?: string[];
    kind?: DxEventKind;
    unmapped?: boolean;
    from?: Date;
    to?: Date;
    limit: number;
  }): Promise<StoredEvent[]> {
    const q = this.knex('dx_events')
      .orderBy('occurred_at', 'desc')
      .orderBy('id', 'desc')
      .limit(filter.limit);
    if (filter.entityRefs) q.whereIn('entity_ref', filter.entityRefs);
    if (filter.unmapped) q.whereNull('entity_ref');
    if (filter.kind) q.where('kind', filter.kind);
    if (filter.from) q.where('occurred_at', '>=', filter.from);
    if (filter.to) q.where('occurred_at', '<', filter.to);
    return (await q.select('*')).map(toEvent);
  }

  /** Unmapped events by reason, for the report. */
  async unmappedSummary(): Promise<
    Array<{ reason: string; kind: string; events: number }>
  > {
    const rows = await this.knex('dx_events')
      .whereNull('entity_ref')
      .groupBy('unmapped_reason', 'kind')
      .select('unmapped_reason as reason', 'kind')
      .count({ events: '*' })
      .orderBy('events', 'desc');
    return rows.map((r: any) => ({
      reason: r.reason ?? 'unknown',
      kind: r.kind,
      events: Number(r.events),
    }));
  }

  /** A page of unmapped events (id order), for re-mapping. */
  async unmappedPage(afterId: number, limit: number) {
    const rows = await this.knex('dx_events')
      .whereNull('entity_ref')
      .andWhere('id', '>', afterId)
      .orderBy('id')
      .limit(limit)
      .select('id', 'subject_ref', 'repository', 'service');
    return rows.map((r: any) => ({
      id: Number(r.id),
      subject: {
        entityRef: r.subject_ref ?? undefined,
        repository: r.repository ?? undefined,
        service: r.service ?? undefined,
      },
    }));
  }

  async setEntity(ids: Array<{ id: string | number; entityRef: string }>) {
    await this.knex.transaction(async tx => {
      for (const { id, entityRef } of ids)
        await tx('dx_events')
          .where('id', id)
          .update({ entity_ref: entityRef, unmapped_reason: null });
    });
    await this.markDirty(ids.map(i => i.entityRef));
  }
}
