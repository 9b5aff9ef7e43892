import {
  addDay,
  dailyDora,
  DEFAULT_DORA_OPTIONS,
  doraFromDays,
  emptyDay,
  isEmptyDay,
  subtractDay,
  type DailyDora,
  type DoraOptions,
  type DoraPeriod,
  type DoraRecords,
  type RollupCounts,
} from '@internal/plugin-dx-common';
import type { Knex } from 'knex';
import { LOOKBACK_MS, loadDoraRecords } from '../metrics/doraMetrics';

const DAY = 86_400_000;
/** How far back roll-ups reach: a 180-day range and its previous period. */
export const ROLLUP_DAYS = 400;
/** The organisation's rows. */
export const ALL = '*';
/** Entities recomputed per query. */
const BATCH = 100;

const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const startOfDay = (ms: number) => Math.floor(ms / DAY) * DAY;
/** A time read from the database (a Date on PostgreSQL, a number on SQLite). */
const msOf = (v: unknown) => new Date(v as string | number | Date).getTime();
/** What a full recompute reads, and the days it writes. */
type Bounds = {
  floor: number;
  ceil: number;
  firstDay: string;
  lastDay: string;
};
const json = <T>(v: unknown): T =>
  (typeof v === 'string' ? JSON.parse(v) : v) as T;

/** Whether a time is a UTC midnight (roll-ups hold whole UTC days). */
export const isUtcMidnight = (d: Date) => d.getTime() % DAY === 0;

/** What a roll-up run did. */
export interface RollUpResult {
  /** Entities recomputed (some of their days, or all). */
  entities: number;
  /** Days of the organisation recomputed. */
  days: number;
  /** Entity days recomputed: a whole entity counts ROLLUP_DAYS. */
  entityDays: number;
  /** Of `entities`, those recomputed whole. */
  whole: number;
}

/** A day of an entity that got delivery events of a kind. */
export interface DayMark {
  entityRef: string;
  /** UTC day, YYYY-MM-DD. */
  day: string;
  /** deployment, change or incident. */
  kind: string;
}

/** Days [first, last] (UTC, YYYY-MM-DD) of one entity to recompute. */
type Interval = { first: string; last: string };

/**
 * An entity with more touched days than this, or whose days to recompute
 * add up to more than half the horizon, is recomputed whole (a backfill).
 */
const MAX_TOUCHED_DAYS = 60;

/**
 * Daily roll-ups of the five keys. Ingestion marks the days of the
 * entities that got delivery events; `rollUp` (a scheduled task, one
 * replica at a time) recomputes the days those events can change with the
 * exact functions. Whenever an entity's rows of some days are replaced,
 * the difference (new rows minus old ones) is added to the organisation's
 * rows of those days in the same transaction, so that one event costs the
 * same beside 10 or 10,000 entities. Entities marked whole (re-mapped
 * events, the first run) are recomputed over all ROLLUP_DAYS. Dashboards
 * add up days: a team's 90 days are its entities' rows, the
 * organisation's are 90 rows.
 *
 * Which days an event can change (`affected`): a change counts on the day
 * of the first production deployment at or after its merge (or, never
 * deployed, on its merge day); a deployment takes over the changes merged
 * since the production deployment before it (lead time, deployments
 * without changes, changes not deployed), cuts that deployment's failure
 * window short, and explains the incidents and rollbacks up to the next
 * production deployment or the end of its own failure window; an incident
 * or a rollback fails the last production deployment before it and counts
 * on its opening and resolution days; an incident also makes the first
 * production deployment at or after its opening rework (within the
 * failure window), and makes rework the deployments that shipped the
 * changes naming it (`incidentId`), which count as changes of their days.
 * So the days from the production deployment before the event's day to
 * the one after it (or the failure window) — plus the days of the other
 * events of the same change (commit) or incident, and of the changes
 * naming the incident — hold everything it can change. Those days are
 * recomputed from the events between the production deployment before
 * them and the next one after them (or the failure window), with every
 * change and incident that has an event there read whole, and every
 * incident those changes name: exactly what a full recompute gives for
 * them (DoraRollups.incremental.test.ts checks this on random event sets,
 * the organisation's rows included).
 */
export class DoraRollups {
  constructor(
    private readonly knex: Knex,
    private readonly dora: DoraOptions = DEFAULT_DORA_OPTIONS,
  ) {}

  /** Entities waiting for their roll-ups. */
  async pending(): Promise<number> {
    const row = await this.knex
      .from(
        this.knex('dx_rollup_dirty')
          .select('entity_ref')
          .union(this.knex('dx_rollup_dirty_days').select('entity_ref'))
          .as('pending'),
      )
      .count({ n: '*' })
      .first();
    return Number(row?.n ?? 0);
  }

  async rolledUpAt(): Promise<string | undefined> {
    const row = await this.knex('dx_rollup_state').where('id', 1).first();
    return row ? new Date(row.rolled_up_at).toISOString() : undefined;
  }

  /** What the last run that recomputed anything did, and how long it took. */
  async lastWork(): Promise<
    { at: string; ms: number; entities: number; entityDays: number } | undefined
  > {
    const row = await this.knex('dx_rollup_state').where('id', 1).first();
    if (!row?.worked_at) return undefined;
    return {
      at: new Date(row.worked_at).toISOString(),
      ms: Number(row.work_ms),
      entities: Number(row.work_entities),
      entityDays: Number(row.work_days),
    };
  }

  /** Brings the roll-ups of every marked entity and day up to date. */
  async rollUp(now = new Date()): Promise<RollUpResult> {
    const started = Date.now();
    // The first run (a new install, events stored before roll-ups
    // existed, or an upgrade that deleted the state row) rolls up every
    // entity with events.
    const previous = await this.rolledUpAt();
    const end = startOfDay(now.getTime()) + DAY;
    const range = {
      from: new Date(end - ROLLUP_DAYS * DAY).toISOString(),
      to: new Date(end).toISOString(),
    };
    // What a full recompute reads: from the lookback before the range to
    // the failure window after it.
    const bounds = {
      floor: end - ROLLUP_DAYS * DAY - LOOKBACK_MS,
      ceil: end + this.dora.failureWindowMs,
      firstDay: dayOf(end - ROLLUP_DAYS * DAY),
      lastDay: dayOf(end - DAY),
    };
    if (!previous) {
      // Rows kept from before (an upgrade re-rolls everything) are where
      // the differences start from: the organisation's must be their sum.
      await this.sumOrganisation(bounds.firstDay);
      await this.markAll();
    }
    const whole = new Set(await this.takeMarked());
    const taken = await this.takeMarkedDays();
    // Days that came into the horizon since the last run: events stored
    // while their day was still to come changed the days before it then;
    // their own day is written now.
    if (previous) {
      const previousEnd = startOfDay(Date.parse(previous)) + DAY;
      if (previousEnd < end)
        taken.push(
          ...(
            await this.knex('dx_events')
              .whereIn('kind', ['deployment', 'change', 'incident'])
              .whereNotNull('entity_ref')
              .where('occurred_at', '>=', new Date(previousEnd))
              .where('occurred_at', '<', new Date(end))
              .distinct('entity_ref', 'kind', 'occurred_at')
          ).map(r => ({
            entityRef: r.entity_ref,
            day: dayOf(msOf(r.occurred_at)),
            kind: r.kind,
          })),
        );
    }
    const marks = new Map<string, DayMark[]>();
    for (const m of taken) {
      if (whole.has(m.entityRef)) continue;
      const list = marks.get(m.entityRef) ?? [];
      list.push(m);
      marks.set(m.entityRef, list);
    }
    const touched = new Set<string>();
    let entityDays = 0;
    const partly = [...marks.keys()];
    let done = 0;
    try {
      for (; done < partly.length; done++) {
        const entityRef = partly[done];
        const intervals = await this.affected(
          entityRef,
          marks.get(entityRef)!,
          bounds,
        );
        if (!intervals) {
          whole.add(entityRef);
          continue;
        }
        for (const interval of intervals) {
          const days = await this.recompute(entityRef, interval, bounds);
          for (const d of days) touched.add(d);
          entityDays += days.length;
        }
      }
    } catch (e) {
      // What was not rolled up stays marked for the next run.
      await markDaysForRollup(
        this.knex,
        partly.slice(done).flatMap(r => marks.get(r)!),
      );
      await markForRollup(this.knex, [...whole]);
      throw e;
    }
    const wholly = [...whole];
    done = 0;
    try {
      for (; done < wholly.length; done += BATCH) {
        const batch = wholly.slice(done, done + BATCH);
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
            .select('day', 'data');
          for (const r of before) touched.add(r.day);
          await tx('dx_dora_daily').whereIn('entity_ref', batch).delete();
          for (let i = 0; i < rows.length; i += 1000)
            await tx('dx_dora_daily').insert(rows.slice(i, i + 1000));
          await this.addToOrganisation(
            tx,
            rows.map(r => JSON.parse(r.data)),
            before.map(r => json<DailyDora>(r.data)),
            bounds.firstDay,
          );
        });
        for (const r of rows) touched.add(r.day);
        entityDays += batch.length * ROLLUP_DAYS;
      }
    } catch (e) {
      await markForRollup(this.knex, wholly.slice(done));
      throw e;
    }
    // Days that left the horizon go (the organisation's too), once a day:
    // no run writes a day before its horizon, so only a run whose horizon
    // moved has any. (Every run: a sequential scan of every daily row where
    // the table has no planner statistics yet, 0.5 s for 2,000,000 rows.)
    if (!previous || startOfDay(Date.parse(previous)) + DAY < end)
      await this.knex('dx_dora_daily')
        .where('day', '<', bounds.firstDay)
        .delete();
    const entities = new Set([...partly, ...wholly]).size;
    const ms = Date.now() - started;
    await this.knex('dx_rollup_state')
      .insert({
        id: 1,
        rolled_up_at: now,
        ...(entities > 0
          ? {
              worked_at: new Date(),
              work_ms: ms,
              work_entities: entities,
              work_days: entityDays,
            }
          : {}),
      })
      .onConflict('id')
      .merge();
    return {
      entities,
      days: touched.size,
      entityDays,
      whole: wholly.length,
    };
  }

  /**
   * The days of an entity that its marked days can change, as intervals;
   * undefined when it is cheaper to recompute the entity whole.
   */
  private async affected(
    entityRef: string,
    marks: DayMark[],
    bounds: Bounds,
  ): Promise<Interval[] | undefined> {
    const kinds = new Map<string, Set<string>>();
    const add = (day: string, kind: string) => {
      const set = kinds.get(day) ?? new Set<string>();
      set.add(kind);
      kinds.set(day, set);
    };
    for (const m of marks) add(m.day, m.kind);
    if (kinds.size > MAX_TOUCHED_DAYS) return undefined;
    const daysOf = (kind: string): Array<[number, number]> =>
      [...kinds]
        .filter(([, k]) => k.has(kind))
        .map(([d]) => [Date.parse(d), Date.parse(d) + DAY]);
    // The other days of the incidents with events on the marked days (an
    // incident opens and resolves on different days), and the changes
    // that name them: the deployments that shipped those become rework
    // once the incident is known.
    const incidents = await this.idsBetween(
      entityRef,
      'incident',
      daysOf('incident'),
    );
    for (const at of await this.timesOf(
      entityRef,
      'incident',
      incidents,
      bounds,
    ))
      add(dayOf(at), 'incident');
    for (const at of await this.changesNaming(entityRef, incidents, bounds))
      add(dayOf(at), 'change');
    // The other days of the changes with events on the marked days: a
    // change's merge is its earliest event.
    const changes = await this.idsBetween(
      entityRef,
      'change',
      daysOf('change'),
    );
    for (const at of await this.timesOf(entityRef, 'change', changes, bounds))
      add(dayOf(at), 'change');
    if (kinds.size > MAX_TOUCHED_DAYS) return undefined;
    // The latest incident event of each day with incidents: the first
    // production deployment at or after it is the last one their openings
    // can make rework.
    const latestIncident = await this.latestByDay(
      entityRef,
      'incident',
      daysOf('incident'),
    );
    const W = this.dora.failureWindowMs;
    const spans: Array<[number, number]> = [];
    for (const [day, k] of kinds) {
      const start = Date.parse(day);
      const deployment = k.has('deployment');
      let first = start;
      let last = start;
      // Incidents and rollbacks fail the production deployment before
      // them; a deployment takes changes from it and cuts its window.
      if (deployment || k.has('incident')) {
        const before = await this.lastProductionDeployment(
          entityRef,
          start,
          bounds,
        );
        if (before !== undefined) first = startOfDay(before);
        else if (deployment) first = startOfDay(bounds.floor);
      }
      // A change counts on the day of the deployment after it; a
      // deployment explains incidents up to the next one or its window.
      if (deployment || k.has('change')) {
        const after = await this.nextProductionDeployment(
          entityRef,
          start + DAY,
          bounds,
        );
        if (after !== undefined) last = Math.max(last, startOfDay(after));
        else if (deployment) last = startOfDay(start + DAY + W - 1);
      }
      // An incident makes the first production deployment at or after its
      // opening rework, if that comes within the failure window.
      const latest = latestIncident.get(day);
      if (latest !== undefined) {
        const after = await this.nextProductionDeployment(
          entityRef,
          latest,
          bounds,
        );
        if (after !== undefined && after - latest <= W)
          last = Math.max(last, startOfDay(after));
      }
      spans.push([
        Math.max(first, Date.parse(bounds.firstDay)),
        Math.min(last, Date.parse(bounds.lastDay)),
      ]);
    }
    const merged: Array<[number, number]> = [];
    const ordered = spans
      .filter(([first, last]) => first <= last)
      .sort((x, y) => x[0] - y[0]);
    for (const [a, b] of ordered) {
      const prev = merged[merged.length - 1];
      if (prev && a <= prev[1] + DAY) prev[1] = Math.max(prev[1], b);
      else merged.push([a, b]);
    }
    const total = merged.reduce((n, [a, b]) => n + (b - a) / DAY + 1, 0);
    if (total > ROLLUP_DAYS / 2) return undefined;
    return merged.map(([a, b]) => ({ first: dayOf(a), last: dayOf(b) }));
  }

  /**
   * Recomputes days [first, last] of an entity from the events that decide
   * them: from the production deployment before the first day to the next
   * one after the last day (at least the failure window), with the whole
   * of every change and incident that has an event there. Returns the days.
   */
  private async recompute(
    entityRef: string,
    interval: Interval,
    bounds: Bounds,
  ): Promise<string[]> {
    const W = this.dora.failureWindowMs;
    const from = Date.parse(interval.first);
    const to = Date.parse(interval.last) + DAY;
    const before = await this.lastProductionDeployment(entityRef, from, bounds);
    const after = await this.nextProductionDeployment(entityRef, to, bounds);
    let a = before ?? bounds.floor;
    let b = Math.min(
      bounds.ceil,
      Math.max(to + W, after !== undefined ? after + 1 : -Infinity),
    );
    // Every change and incident with an event in [a, b), whole; then
    // every incident those changes name (rework: a change naming a known
    // incident), whole.
    const widen = (times: number[]) => {
      for (const t of times) {
        a = Math.min(a, t);
        b = Math.max(b, t + 1);
      }
    };
    for (const kind of ['change', 'incident'] as const) {
      const ids = await this.idsBetween(entityRef, kind, [[a, b]]);
      widen(await this.timesOf(entityRef, kind, ids, bounds));
    }
    widen(
      await this.timesOf(
        entityRef,
        'incident',
        await this.incidentsNamed(entityRef, a, b),
        bounds,
      ),
    );
    const records = await loadDoraRecords(
      this.knex,
      { entityRefs: [entityRef] },
      {
        from: new Date(a + LOOKBACK_MS).toISOString(),
        to: new Date(b - W).toISOString(),
      },
      this.dora,
    );
    const rows = dailyDora(
      records,
      { from: new Date(from).toISOString(), to: new Date(to).toISOString() },
      this.dora,
    ).map(d => ({
      entity_ref: entityRef,
      day: d.day,
      data: JSON.stringify(d),
    }));
    await this.knex.transaction(async tx => {
      const days = () =>
        tx('dx_dora_daily')
          .where('entity_ref', entityRef)
          .where('day', '>=', interval.first)
          .where('day', '<=', interval.last);
      const old = await days().select('data');
      await days().delete();
      for (let i = 0; i < rows.length; i += 1000)
        await tx('dx_dora_daily').insert(rows.slice(i, i + 1000));
      await this.addToOrganisation(
        tx,
        rows.map(r => JSON.parse(r.data)),
        old.map(r => json<DailyDora>(r.data)),
        bounds.firstDay,
      );
    });
    const days: string[] = [];
    for (let t = from; t < to; t += DAY) days.push(dayOf(t));
    return days;
  }

  /**
   * The commits of the merged changes (or the ids of the incidents) of an
   * entity with an event in any of the spans [from, to).
   */
  private async idsBetween(
    entityRef: string,
    kind: 'change' | 'incident',
    spans: Array<[number, number]>,
  ): Promise<string[]> {
    if (!spans.length) return [];
    const column = kind === 'change' ? 'commit_sha' : 'incident_id';
    const q = this.knex('dx_events')
      .where('entity_ref', entityRef)
      .where('kind', kind)
      .whereNotNull(column)
      .where(w => {
        for (const [from, to] of spans)
          w.orWhere(w2 =>
            w2
              .where('occurred_at', '>=', new Date(from))
              .where('occurred_at', '<', new Date(to)),
          );
      })
      .distinct(column);
    if (kind === 'change') q.where('action', 'merged');
    return (await q).map((r: Record<string, string>) => r[column]);
  }

  /**
   * When the events of those changes (commits) or incidents happened,
   * within what a full recompute reads.
   */
  private async timesOf(
    entityRef: string,
    kind: 'change' | 'incident',
    ids: string[],
    bounds: Bounds,
  ): Promise<number[]> {
    const column = kind === 'change' ? 'commit_sha' : 'incident_id';
    const times: number[] = [];
    for (let i = 0; i < ids.length; i += 500) {
      const q = this.knex('dx_events')
        .where('entity_ref', entityRef)
        .where('kind', kind)
        .whereIn(column, ids.slice(i, i + 500))
        .where('occurred_at', '>=', new Date(bounds.floor))
        .where('occurred_at', '<', new Date(bounds.ceil))
        .select('occurred_at');
      if (kind === 'change') q.where('action', 'merged');
      for (const r of await q) times.push(msOf(r.occurred_at));
    }
    return times;
  }

  /**
   * When the merged changes of an entity that name any of these incidents
   * (`incidentId`) happened, within what a full recompute reads.
   */
  private async changesNaming(
    entityRef: string,
    incidentIds: string[],
    bounds: Bounds,
  ): Promise<number[]> {
    const times: number[] = [];
    for (let i = 0; i < incidentIds.length; i += 500)
      for (const r of await this.knex('dx_events')
        .where('entity_ref', entityRef)
        .where('kind', 'change')
        .where('action', 'merged')
        .whereIn('incident_id', incidentIds.slice(i, i + 500))
        .where('occurred_at', '>=', new Date(bounds.floor))
        .where('occurred_at', '<', new Date(bounds.ceil))
        .select('occurred_at'))
        times.push(msOf(r.occurred_at));
    return times;
  }

  /** The incidents that merged changes of an entity in [from, to) name. */
  private async incidentsNamed(
    entityRef: string,
    from: number,
    to: number,
  ): Promise<string[]> {
    const rows = await this.knex('dx_events')
      .where('entity_ref', entityRef)
      .where('kind', 'change')
      .where('action', 'merged')
      .whereNotNull('incident_id')
      .where('occurred_at', '>=', new Date(from))
      .where('occurred_at', '<', new Date(to))
      .distinct('incident_id');
    return rows.map((r: { incident_id: string }) => r.incident_id);
  }

  /** The latest event of a kind of an entity on each of the days given. */
  private async latestByDay(
    entityRef: string,
    kind: string,
    days: Array<[number, number]>,
  ): Promise<Map<string, number>> {
    const latest = new Map<string, number>();
    for (let i = 0; i < days.length; i += 100) {
      const rows = await this.knex('dx_events')
        .where('entity_ref', entityRef)
        .where('kind', kind)
        .where(w => {
          for (const [from, to] of days.slice(i, i + 100))
            w.orWhere(w2 =>
              w2
                .where('occurred_at', '>=', new Date(from))
                .where('occurred_at', '<', new Date(to)),
            );
        })
        .select('occurred_at');
      for (const r of rows) {
        const at = msOf(r.occurred_at);
        const day = dayOf(at);
        latest.set(day, Math.max(latest.get(day) ?? -Infinity, at));
      }
    }
    return latest;
  }

  /** Successful production deployments of an entity within the bounds. */
  private productionDeployments(entityRef: string, bounds: Bounds) {
    const environments = [
      ...new Set(
        this.dora.productionEnvironments.map(e => e.toLocaleLowerCase('en-US')),
      ),
    ];
    return this.knex('dx_events')
      .where('entity_ref', entityRef)
      .where('kind', 'deployment')
      .whereIn('action', ['deployed', 'upgraded'])
      .where(q => q.whereNull('outcome').orWhere('outcome', 'success'))
      .whereRaw(
        environments.length
          ? `lower(environment) in (${environments.map(() => '?').join(', ')})`
          : '1 = 0',
        environments,
      )
      .where('occurred_at', '>=', new Date(bounds.floor))
      .where('occurred_at', '<', new Date(bounds.ceil));
  }

  /** When the last production deployment before `time` finished. */
  private async lastProductionDeployment(
    entityRef: string,
    time: number,
    bounds: Bounds,
  ): Promise<number | undefined> {
    const row = await this.productionDeployments(entityRef, bounds)
      .where('occurred_at', '<', new Date(time))
      .max({ at: 'occurred_at' })
      .first();
    return row?.at === null || row?.at === undefined ? undefined : msOf(row.at);
  }

  /** When the first production deployment at or after `time` finished. */
  private async nextProductionDeployment(
    entityRef: string,
    time: number,
    bounds: Bounds,
  ): Promise<number | undefined> {
    const row = await this.productionDeployments(entityRef, bounds)
      .where('occurred_at', '>=', new Date(time))
      .min({ at: 'occurred_at' })
      .first();
    return row?.at === null || row?.at === undefined ? undefined : msOf(row.at);
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

  /** Takes the marked days (a mark made meanwhile stays for next time). */
  private async takeMarkedDays(): Promise<DayMark[]> {
    const toMark = (r: { entity_ref: string; day: string; kind: string }) => ({
      entityRef: r.entity_ref,
      day: r.day,
      kind: r.kind,
    });
    if (this.knex.client.config.client === 'pg') {
      const rows = await this.knex('dx_rollup_dirty_days')
        .delete()
        .returning(['entity_ref', 'day', 'kind']);
      return rows.map(toMark);
    }
    return this.knex.transaction(async tx => {
      const rows = await tx('dx_rollup_dirty_days').select(
        'entity_ref',
        'day',
        'kind',
      );
      await tx('dx_rollup_dirty_days').delete();
      return rows.map(toMark);
    });
  }

  /**
   * Adds what replaced rows changed (the new rows minus the old ones, of
   * any entities) to the organisation's rows of their days, in the
   * transaction that replaced them. A row of the organisation that comes
   * to count nothing goes, as no entity row of that day is left.
   */
  private async addToOrganisation(
    tx: Knex.Transaction,
    added: DailyDora[],
    removed: DailyDora[],
    firstDay: string,
  ): Promise<void> {
    const deltas = new Map<string, DailyDora>();
    const deltaOf = (day: string) => {
      let d = deltas.get(day);
      if (!d) {
        d = emptyDay(day);
        deltas.set(day, d);
      }
      return d;
    };
    for (const r of added) if (r.day >= firstDay) addDay(deltaOf(r.day), r);
    for (const r of removed)
      if (r.day >= firstDay) subtractDay(deltaOf(r.day), r);
    const days = [...deltas.values()]
      .filter(d => !isEmptyDay(d))
      .map(d => d.day)
      .sort();
    for (let i = 0; i < days.length; i += 500) {
      const chunk = days.slice(i, i + 500);
      const rows = await tx('dx_dora_daily')
        .where('entity_ref', ALL)
        .whereIn('day', chunk)
        .select('day', 'data');
      const sums = new Map<string, DailyDora>();
      for (const r of rows) {
        const sum = emptyDay(r.day);
        addDay(sum, json<DailyDora>(r.data));
        sums.set(r.day, sum);
      }
      const inserts: Array<{ entity_ref: string; day: string; data: string }> =
        [];
      for (const day of chunk) {
        const sum = sums.get(day) ?? emptyDay(day);
        addDay(sum, deltas.get(day)!);
        if (!isEmptyDay(sum))
          inserts.push({ entity_ref: ALL, day, data: JSON.stringify(sum) });
      }
      await tx('dx_dora_daily')
        .where('entity_ref', ALL)
        .whereIn('day', chunk)
        .delete();
      if (inserts.length) await tx('dx_dora_daily').insert(inserts);
    }
  }

  /**
   * The organisation's rows from scratch: the sum of every entity's row of
   * each day from `firstDay` (the first run, where the differences start).
   */
  private async sumOrganisation(firstDay: string): Promise<void> {
    await this.knex.transaction(async tx => {
      await tx('dx_dora_daily').where('entity_ref', ALL).delete();
      const days: string[] = (
        await tx('dx_dora_daily')
          .whereNot('entity_ref', ALL)
          .where('day', '>=', firstDay)
          .distinct('day')
      )
        .map((r: { day: string }) => r.day)
        .sort();
      for (let i = 0; i < days.length; i += 31) {
        const chunk = days.slice(i, i + 31);
        const rows = await tx('dx_dora_daily')
          .whereIn('day', chunk)
          .whereNot('entity_ref', ALL)
          .select('day', 'data');
        const sums = new Map<string, DailyDora>();
        for (const r of rows) {
          const sum = sums.get(r.day) ?? emptyDay(r.day);
          addDay(sum, json<DailyDora>(r.data));
          sums.set(r.day, sum);
        }
        const inserts = [...sums.values()].map(d => ({
          entity_ref: ALL,
          day: d.day,
          data: JSON.stringify(d),
        }));
        if (inserts.length) await tx('dx_dora_daily').insert(inserts);
      }
    });
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

  /**
   * The five keys of some entities (or the organisation) from roll-ups,
   * with the counts only roll-ups give (for `diagnosticsFromCounts`).
   */
  async metrics(
    scope: { entityRefs?: string[] },
    range: { from: string; to: string },
  ): Promise<DoraPeriod & { rollupCounts: RollupCounts }> {
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

/**
 * Marks days of entities whose roll-ups must be computed again: the UTC
 * days of new delivery events, with their kind.
 */
export async function markDaysForRollup(
  knex: Knex,
  marks: DayMark[],
): Promise<void> {
  const unique = [
    ...new Map(
      marks.map(m => [`${m.entityRef}\u0000${m.day}\u0000${m.kind}`, m]),
    ).values(),
  ];
  for (let i = 0; i < unique.length; i += 500)
    await knex('dx_rollup_dirty_days')
      .insert(
        unique.slice(i, i + 500).map(m => ({
          entity_ref: m.entityRef,
          day: m.day,
          kind: m.kind,
        })),
      )
      .onConflict(['entity_ref', 'day', 'kind'])
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
