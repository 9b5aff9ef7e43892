import {
  addDay,
  dailyDora,
  DEFAULT_DORA_OPTIONS,
  doraFromDays,
  emptyDay,
  type DailyDora,
  type DoraOptions,
  type DoraPeriod,
  type DoraRecords,
} from '@internal/plugin-dx-common';
import type { Knex } from 'knex';
import { loadDoraRecords } from '../metrics/doraMetrics';

const DAY = 86_400_000;
/** How far back roll-ups reach: a 180-day range and its previous period. */
export const ROLLUP_DAYS = 400;
/** The organisation's rows. */
export const ALL = '*';
/** Entities recomputed per query. */
const BATCH = 100;

const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const startOfDay = (ms: number) => Math.floor(ms / DAY) * DAY;
const json = <T>(v: unknown): T =>
  (typeof v === 'string' ? JSON.parse(v) : v) as T;

/** Whether a time is a UTC midnight (roll-ups hold whole UTC days). */
export const isUtcMidnight = (d: Date) => d.getTime() % DAY === 0;

/**
 * Daily roll-ups of the four keys. Ingestion marks the entities that got
 * delivery events; `rollUp` (a scheduled task, one replica at a time)
 * recomputes each marked entity's days from its events with the exact
 * functions, then the organisation's days that changed. Dashboards add up
 * days: a team's 90 days are its entities' rows, the organisation's are 90
 * rows.
 */
export class DoraRollups {
  constructor(
    private readonly knex: Knex,
    private readonly dora: DoraOptions = DEFAULT_DORA_OPTIONS,
  ) {}

  /** Entities waiting for their roll-ups. */
  async pending(): Promise<number> {
    const row = await this.knex('dx_rollup_dirty').count({ n: '*' }).first();
    return Number(row?.n ?? 0);
  }

  async rolledUpAt(): Promise<string | undefined> {
    const row = await this.knex('dx_rollup_state').where('id', 1).first();
    return row ? new Date(row.rolled_up_at).toISOString() : undefined;
  }

  /** Brings the roll-ups of every marked entity up to date. */
  async rollUp(now = new Date()): Promise<{ entities: number; days: number }> {
    // The first run (a new install, or events stored before roll-ups
    // existed) rolls up every entity with events.
    if (!(await this.rolledUpAt())) await this.markAll();
    const taken = await this.takeMarked();
    const end = startOfDay(now.getTime()) + DAY;
    const range = {
      from: new Date(end - ROLLUP_DAYS * DAY).toISOString(),
      to: new Date(end).toISOString(),
    };
    const touched = new Set<string>();
    let done = 0;
    try {
      for (; done < taken.length; done += BATCH) {
        const batch = taken.slice(done, done + BATCH);
        const records = await loadDoraRecords(
          this.knex,
          { entityRefs: batch },
          range,
          this.dora,
        );
        const byEntity = splitByEntity(records, batch);
        const rows = batch.flatMap(entityRef =>
          dailyDora(byEntity.get(entityRef)!, range, this.dora).map(d => ({
            entity_ref: entityRef,
            day: d.day,
            data: JSON.stringify(d),
          })),
        );
        await this.knex.transaction(async tx => {
          const before = await tx('dx_dora_daily')
            .whereIn('entity_ref', batch)
            .distinct('day');
          for (const r of before) touched.add(r.day);
          await tx('dx_dora_daily').whereIn('entity_ref', batch).delete();
          for (let i = 0; i < rows.length; i += 1000)
            await tx('dx_dora_daily').insert(rows.slice(i, i + 1000));
        });
        for (const r of rows) touched.add(r.day);
      }
    } catch (e) {
      // What was not rolled up stays marked for the next run.
      await markForRollup(this.knex, taken.slice(done));
      throw e;
    }
    await this.rollUpOrganisation([...touched].sort());
    await this.knex('dx_rollup_state')
      .insert({ id: 1, rolled_up_at: now })
      .onConflict('id')
      .merge();
    return { entities: taken.length, days: touched.size };
  }

  /** Marks every entity with delivery events. */
  private async markAll(): Promise<void> {
    const refs: string[] = (
      await this.knex('dx_events')
        .whereNotNull('entity_ref')
        .whereIn('kind', ['deployment', 'change', 'incident'])
        .distinct('entity_ref')
    ).map((r: { entity_ref: string }) => r.entity_ref);
    await markForRollup(this.knex, refs);
  }

  /** Takes the marked entities (a mark made meanwhile stays for next time). */
  private async takeMarked(): Promise<string[]> {
    if (this.knex.client.config.client === 'pg') {
      const rows = await this.knex('dx_rollup_dirty')
        .delete()
        .returning('entity_ref');
      return rows.map((r: { entity_ref: string }) => r.entity_ref);
    }
    // SQLite (development): one writer at a time, so read then delete.
    return this.knex.transaction(async tx => {
      const refs: string[] = (
        await tx('dx_rollup_dirty').select('entity_ref')
      ).map((r: { entity_ref: string }) => r.entity_ref);
      for (let i = 0; i < refs.length; i += 500)
        await tx('dx_rollup_dirty')
          .whereIn('entity_ref', refs.slice(i, i + 500))
          .delete();
      return refs;
    });
  }

  /** The organisation's rows of the given days: the sum of all entities'. */
  private async rollUpOrganisation(days: string[]): Promise<void> {
    for (let i = 0; i < days.length; i += 31) {
      const chunk = days.slice(i, i + 31);
      const rows = await this.knex('dx_dora_daily')
        .whereIn('day', chunk)
        .whereNot('entity_ref', ALL)
        .select('day', 'data');
      const sums = new Map<string, DailyDora>();
      for (const r of rows) {
        const sum = sums.get(r.day) ?? emptyDay(r.day);
        addDay(sum, json<DailyDora>(r.data));
        sums.set(r.day, sum);
      }
      await this.knex.transaction(async tx => {
        await tx('dx_dora_daily')
          .where('entity_ref', ALL)
          .whereIn('day', chunk)
          .delete();
        const inserts = [...sums.values()].map(d => ({
          entity_ref: ALL,
          day: d.day,
          data: JSON.stringify(d),
        }));
        if (inserts.length) await tx('dx_dora_daily').insert(inserts);
      });
    }
  }

  /**
   * Whether [from, to) can be answered from roll-ups: whole UTC days within
   * the roll-up horizon.
   */
  covers(from: Date, to: Date, now = new Date()): boolean {
    const horizon = startOfDay(now.getTime()) + DAY - ROLLUP_DAYS * DAY;
    return (
      isUtcMidnight(from) && isUtcMidnight(to) && from.getTime() >= horizon
    );
  }

  /** The four keys of some entities (or the organisation) from roll-ups. */
  async metrics(
    scope: { entityRefs?: string[] },
    range: { from: string; to: string },
  ): Promise<DoraPeriod> {
    const fromDay = dayOf(Date.parse(range.from));
    const toDay = dayOf(Date.parse(range.to));
    const days: DailyDora[] = [];
    const read = async (refs: string[]) => {
      const rows = await this.knex('dx_dora_daily')
        .whereIn('entity_ref', refs)
        .where('day', '>=', fromDay)
        .where('day', '<', toDay)
        .select('data');
      for (const r of rows) days.push(json<DailyDora>(r.data));
    };
    if (scope.entityRefs) {
      for (let i = 0; i < scope.entityRefs.length; i += 1000)
        await read(scope.entityRefs.slice(i, i + 1000));
    } else {
      await read([ALL]);
    }
    return {
      ...doraFromDays(days, range),
      source: 'rollup',
      rollupAt: await this.rolledUpAt(),
    };
  }
}

/** Marks entities whose roll-ups must be computed again. */
export async function markForRollup(
  knex: Knex,
  entityRefs: string[],
): Promise<void> {
  const unique = [...new Set(entityRefs)];
  for (let i = 0; i < unique.length; i += 500)
    await knex('dx_rollup_dirty')
      .insert(
        unique
          .slice(i, i + 500)
          .map(entity_ref => ({ entity_ref, marked_at: new Date() })),
      )
      .onConflict('entity_ref')
      .ignore();
}

/** The records of each entity of a batch (every entity gets an entry). */
function splitByEntity(
  records: DoraRecords,
  entityRefs: string[],
): Map<string, DoraRecords> {
  const out = new Map<string, DoraRecords>(
    entityRefs.map(e => [
      e,
      {
        deployments: [],
        rollbacks: [],
        changes: [],
        incidents: [],
        resolvedWithoutOpening: [],
      },
    ]),
  );
  for (const d of records.deployments)
    out.get(d.entityRef)?.deployments.push(d);
  for (const r of records.rollbacks) out.get(r.entityRef)?.rollbacks.push(r);
  for (const c of records.changes) out.get(c.entityRef)?.changes.push(c);
  for (const i of records.incidents) out.get(i.entityRef)?.incidents.push(i);
  for (const r of records.resolvedWithoutOpening)
    out.get(r.entityRef)?.resolvedWithoutOpening.push(r);
  return out;
}
