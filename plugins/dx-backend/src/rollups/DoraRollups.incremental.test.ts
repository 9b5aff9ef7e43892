import { TestDatabases } from '@backstage/backend-test-utils';
import {
  addDay,
  DEFAULT_DORA_OPTIONS,
  emptyDay,
  normalizeGenericEvent,
  type DailyDora,
  type DoraOptions,
} from '@internal/plugin-dx-common';
import type { Knex } from 'knex';
import { DxStore, type EventToStore } from '../store/DxStore';
import { ALL, DoraRollups, markForRollup } from './DoraRollups';

jest.setTimeout(240_000);

const DAY = 86_400_000;
const HOUR = 3_600_000;
/** A fixed "now", so that incremental and full runs share the horizon. */
const NOW = new Date('2026-06-15T12:00:00Z');
const TODAY = Date.parse('2026-06-15T00:00:00Z');
const ENTITIES = ['component:default/a', 'component:default/b'];

function toStore(payloads: Array<Record<string, unknown>>): EventToStore[] {
  return payloads.map(payload => {
    const r = normalizeGenericEvent(payload);
    if (!r.ok) throw new Error(`${r.reason}: ${JSON.stringify(payload)}`);
    return {
      event: r.event,
      entityRef: r.event.subject.entityRef,
      raw: payload,
    };
  });
}

/** A small deterministic PRNG (mulberry32). */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Random delivery events of two entities: mostly the last 60 days, some
 * around the 400-day horizon and a few from the future; changes that are
 * merged twice (a pull request and its push), incidents reported and
 * resolved on other days, failed and staging deployments, rollbacks; rework
 * markers: labels and hotfix branches on changes and deployments, changes
 * naming an incident (known already, or one that comes later, or none).
 */
function generator(seed: number) {
  const rnd = random(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  let n = 0;
  const shas: Array<{
    entityRef: string;
    sha: string;
    at: number;
    /** What every event of the change says, if it says it. */
    branch?: string;
    incidentId?: string;
  }> = [];
  /** Labels and a branch, sometimes. */
  const markers = () => {
    const r = rnd();
    if (r < 0.1) return { labels: [pick(['hotfix', 'Hotfix', 'feature'])] };
    if (r < 0.2) return { branch: pick(['hotfix/x', 'main', 'hotfix-y']) };
    return {};
  };
  const incidents: Array<{ entityRef: string; id: string; at: number }> = [];
  /** Incidents named by changes before they came. */
  const planned: Array<{ entityRef: string; id: string }> = [];
  const time = () => {
    const r = rnd();
    if (r < 0.08) return TODAY - 400 * DAY + (rnd() - 0.6) * 60 * DAY;
    if (r < 0.12) return TODAY + rnd() * 3 * DAY;
    return TODAY - rnd() * 60 * DAY + 12 * HOUR;
  };
  return (): Record<string, unknown> => {
    n += 1;
    const entityRef = pick(ENTITIES);
    const id = `e${seed}-${n}`;
    const r = rnd();
    // Another event of a change or incident seen before.
    if (r < 0.1 && shas.length) {
      const c = pick(shas);
      const at = c.at + (rnd() - 0.5) * 4 * DAY;
      // A branch or an incident, as the change's other events say (which
      // of two different ones a change keeps would depend on the order
      // the events are read in); labels add up.
      return {
        id,
        type: 'change',
        action: 'merged',
        timestamp: new Date(at).toISOString(),
        entityRef: c.entityRef,
        commitSha: c.sha,
        commits: [
          { sha: c.sha, at: new Date(at - rnd() * 3 * DAY).toISOString() },
        ],
        ...(c.branch && rnd() < 0.5 ? { branch: c.branch } : {}),
        ...(c.incidentId && rnd() < 0.5 ? { incidentId: c.incidentId } : {}),
        ...(rnd() < 0.2 ? { labels: ['hotfix'] } : {}),
      };
    }
    if (r < 0.2 && incidents.length) {
      const i = pick(incidents);
      const resolved = rnd() < 0.8;
      const at = resolved ? i.at + rnd() * 10 * DAY : i.at - rnd() * 2 * DAY;
      return {
        id,
        type: 'incident',
        action: resolved ? 'resolved' : 'reported',
        timestamp: new Date(at).toISOString(),
        entityRef: i.entityRef,
        incidentId: i.id,
        ...(rnd() < 0.1 ? { environment: 'staging' } : {}),
      };
    }
    const at = time();
    const timestamp = new Date(at).toISOString();
    if (r < 0.55) {
      const sha = (0x1000000 + Math.floor(rnd() * 0xeffffff)).toString(16);
      const marks = markers();
      // The incident it fixes: one of its entity seen before, or one that
      // may come later (then known from then on).
      const q = rnd();
      const own = incidents.filter(i => i.entityRef === entityRef);
      let incidentId: string | undefined;
      if (q < 0.15 && own.length) incidentId = pick(own).id;
      else if (q < 0.25)
        planned.push({ entityRef, id: (incidentId = `PLAN-${seed}-${n}`) });
      shas.push({ entityRef, sha, at, branch: marks.branch, incidentId });
      return {
        id,
        type: 'change',
        action: 'merged',
        timestamp,
        entityRef,
        commitSha: sha,
        ...(rnd() < 0.7
          ? {
              commits: [
                { sha, at: new Date(at - rnd() * 5 * DAY).toISOString() },
              ],
            }
          : {}),
        ...marks,
        ...(incidentId ? { incidentId } : {}),
      };
    }
    if (r < 0.85) {
      const q = rnd();
      return {
        id,
        type: 'deployment',
        action: q < 0.1 ? 'rolledback' : pick(['deployed', 'upgraded']),
        timestamp,
        entityRef,
        environment: q > 0.9 ? 'staging' : pick(['production', 'Prod']),
        ...(q > 0.1 && q < 0.2 ? { outcome: 'failure' } : {}),
        ...markers(),
      };
    }
    // Often the one a change named before.
    const later = planned.length && rnd() < 0.6 ? planned.shift() : undefined;
    const incidentId = later?.id ?? `INC-${seed}-${n}`;
    incidents.push({
      entityRef: later?.entityRef ?? entityRef,
      id: incidentId,
      at,
    });
    return {
      id,
      type: 'incident',
      action: rnd() < 0.2 ? 'resolved' : 'reported',
      timestamp,
      entityRef: later?.entityRef ?? entityRef,
      incidentId,
      ...(rnd() < 0.1 ? { environment: 'staging' } : {}),
    };
  };
}

/** Every roll-up row: entity and day → the day's numbers. */
async function snapshot(knex: Knex): Promise<Record<string, unknown>> {
  const rows = await knex('dx_dora_daily').select('entity_ref', 'day', 'data');
  return Object.fromEntries(
    rows
      .map(r => [
        `${r.entity_ref} ${r.day}`,
        typeof r.data === 'string' ? JSON.parse(r.data) : r.data,
      ])
      .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
  );
}

/**
 * The organisation's rows are the sums of the entities' rows of their days
 * (and there is none for a day without entity rows).
 */
function expectOrganisationIsTheSum(rows: Record<string, unknown>) {
  const sums = new Map<string, DailyDora>();
  const organisation: Record<string, unknown> = {};
  for (const [key, data] of Object.entries(rows)) {
    const [entityRef, day] = key.split(' ');
    if (entityRef === ALL) {
      organisation[day] = data;
      continue;
    }
    const sum = sums.get(day) ?? emptyDay(day);
    addDay(sum, data as DailyDora);
    sums.set(day, sum);
  }
  expect(organisation).toEqual(Object.fromEntries(sums));
}

/** The roll-ups as a full recompute of every entity gives them. */
async function fullRecompute(knex: Knex, rollups: DoraRollups) {
  await markForRollup(knex, ENTITIES);
  const r = await rollups.rollUp(NOW);
  expect(r.whole).toBe(ENTITIES.length);
  return snapshot(knex);
}

describe('DoraRollups, incremental', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  it.each(databases.eachSupportedId())(
    'recomputes the days new events touch, as a full recompute would (%p)',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const store = await DxStore.create({ knex });
      const options: Array<[number, DoraOptions]> = [
        [1, DEFAULT_DORA_OPTIONS],
        [2, { ...DEFAULT_DORA_OPTIONS, failureWindowMs: 2 * DAY }],
        [
          3,
          {
            ...DEFAULT_DORA_OPTIONS,
            rework: {
              labels: ['hotfix'],
              branchPattern: '^hotfix/',
              linkedIncidents: true,
            },
          },
        ],
      ];
      let incremental = 0;
      const counted: DailyDora[] = [];
      for (const [seed, dora] of options) {
        await knex('dx_events').delete();
        await knex('dx_dora_daily').delete();
        await knex('dx_rollup_state').delete();
        const rollups = new DoraRollups(knex, dora);
        const next = generator(seed);
        await store.insertEvents(
          toStore(Array.from({ length: 400 }, () => next())),
        );
        expect((await rollups.rollUp(NOW)).whole).toBe(ENTITIES.length);
        for (let round = 0; round < 25; round++) {
          const size = 1 + (round % 4);
          const batch = Array.from({ length: size }, () => next());
          await store.insertEvents(toStore(batch));
          const r = await rollups.rollUp(NOW);
          if (r.whole === 0 && r.entities > 0) incremental += 1;
          expect(r.entityDays).toBeLessThan(ENTITIES.length * 400);
          const after = await snapshot(knex);
          expectOrganisationIsTheSum(after);
          const full = await fullRecompute(knex, rollups);
          expect(after).toEqual(full);
        }
        // Something was counted, for every entity and the organisation,
        // rework by every reason among them.
        const full = await snapshot(knex);
        expectOrganisationIsTheSum(full);
        for (const e of [...ENTITIES, ALL])
          expect(Object.keys(full).some(k => k.startsWith(`${e} `))).toBe(true);
        const total = emptyDay('');
        for (const [key, data] of Object.entries(full))
          if (key.startsWith(`${ALL} `)) addDay(total, data as DailyDora);
        counted.push(total);
        // A month later: the days that left the horizon are gone, the
        // organisation's too.
        const firstDay = new Date(TODAY + 31 * DAY - 400 * DAY)
          .toISOString()
          .slice(0, 10);
        const gone = (rows: object) =>
          Object.keys(rows).filter(k => k.split(' ')[1] < firstDay);
        expect(gone(full).length).toBeGreaterThan(0);
        await rollups.rollUp(new Date(NOW.getTime() + 30 * DAY));
        const later = await snapshot(knex);
        expect(gone(later)).toEqual([]);
        expectOrganisationIsTheSum(later);
      }
      // Rework through every reason, and markers, in the seeds together.
      const all = emptyDay('');
      for (const t of counted) addDay(all, t);
      expect(all.reworkLabel).toBeGreaterThan(0);
      expect(all.reworkBranch).toBeGreaterThan(0);
      expect(all.reworkIncident).toBeGreaterThan(0);
      expect(all.reworkWithMarkers).toBeGreaterThan(0);
      expect(all.deploymentsWithoutChangesNoSha).toBeGreaterThan(0);
      // Almost every round was incremental (future days wait).
      expect(incremental).toBeGreaterThan(60);
    },
  );

  it.each(databases.eachSupportedId())(
    "the organisation's row of a day goes with its last entity row; an upgrade sums them again (%p)",
    async databaseId => {
      const knex = await databases.init(databaseId);
      const store = await DxStore.create({ knex });
      const rollups = new DoraRollups(knex);
      const at = (d: number, hour: number) =>
        new Date(TODAY - d * DAY + hour * HOUR).toISOString();
      const day = (d: number) => at(d, 0).slice(0, 10);
      // Changes of two entities merged 10 days ago, not deployed: counted
      // on their merge day (after a deployment 30 days ago).
      await store.insertEvents(
        toStore(
          ENTITIES.flatMap((entityRef, i) => [
            {
              id: `change-${i}`,
              type: 'change',
              action: 'merged',
              timestamp: at(10, 8 + i),
              entityRef,
              commitSha: `abcdef0${i}`,
            },
            {
              id: `early-${i}`,
              type: 'deployment',
              action: 'deployed',
              timestamp: at(30, 10),
              entityRef,
              environment: 'production',
            },
          ]),
        ),
      );
      await rollups.rollUp(NOW);
      let rows = await snapshot(knex);
      expect(rows[`${ALL} ${day(10)}`]).toMatchObject({ notDeployed: 2 });
      // Deployed the next day, one entity after the other: the merge day's
      // rows go, the organisation's with the last of them.
      for (const [i, entityRef] of ENTITIES.entries()) {
        await store.insertEvents(
          toStore([
            {
              id: `deploy-${i}`,
              type: 'deployment',
              action: 'deployed',
              timestamp: at(9, 10),
              entityRef,
              environment: 'production',
            },
          ]),
        );
        expect(await rollups.rollUp(NOW)).toMatchObject({ whole: 0 });
        rows = await snapshot(knex);
        expectOrganisationIsTheSum(rows);
        expect(rows[`${ALL} ${day(9)}`]).toMatchObject({
          deployments: i + 1,
          leadChanges: i + 1,
        });
      }
      expect(Object.keys(rows).filter(k => k.endsWith(day(10)))).toEqual([]);

      // An upgrade (migration 20261212120000_rollup_rework): rows without
      // the rework counts, an organisation's row that is not their sum (a
      // run stopped between them, before the differences), no state row.
      // The next run sums the organisation again and re-rolls every entity
      // whole, to the same rows.
      for (const r of await knex('dx_dora_daily').select(
        'entity_ref',
        'day',
        'data',
      )) {
        const data = typeof r.data === 'string' ? JSON.parse(r.data) : r.data;
        delete data.rework;
        delete data.reworkWithMarkers;
        delete data.deploymentsWithoutChangesNoSha;
        if (r.entity_ref === ALL) data.deployments += 5;
        await knex('dx_dora_daily')
          .where({ entity_ref: r.entity_ref, day: r.day })
          .update({ data: JSON.stringify(data) });
      }
      await knex('dx_rollup_state').delete();
      expect(await rollups.rollUp(NOW)).toMatchObject({
        whole: ENTITIES.length,
      });
      expect(await snapshot(knex)).toEqual(rows);
    },
  );

  it.each(databases.eachSupportedId())(
    'one new event recomputes only the days it can change (%p)',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const store = await DxStore.create({ knex });
      const rollups = new DoraRollups(knex);
      const day = (d: number, hour: number) =>
        new Date(TODAY - d * DAY + hour * HOUR).toISOString();
      const entityRef = 'component:default/mono';
      // A deployment every day at 10:00, a change every day at 08:00.
      const payloads: Array<Record<string, unknown>> = [];
      for (let d = 1; d <= 60; d++)
        payloads.push(
          {
            id: `change-${d}`,
            type: 'change',
            action: 'merged',
            timestamp: day(d, 8),
            entityRef,
            commitSha: `c0ffee${String(d).padStart(2, '0')}`,
          },
          {
            id: `deploy-${d}`,
            type: 'deployment',
            action: 'deployed',
            timestamp: day(d, 10),
            entityRef,
            environment: 'production',
          },
        );
      await store.insertEvents(toStore(payloads));
      expect(await rollups.rollUp(NOW)).toMatchObject({
        entities: 1,
        whole: 1,
        entityDays: 400,
      });
      const rollUpAfter = async (payload: Record<string, unknown>) => {
        await store.insertEvents(toStore([{ entityRef, ...payload }]));
        expect(await rollups.pending()).toBe(1);
        const r = await rollups.rollUp(NOW);
        const after = await snapshot(knex);
        await markForRollup(knex, [entityRef]);
        await rollups.rollUp(NOW);
        expect(after).toEqual(await snapshot(knex));
        return r;
      };
      // A change merged at noon ships with the next day's deployment: its
      // merge day and that day.
      expect(
        await rollUpAfter({
          id: 'late-change',
          type: 'change',
          action: 'merged',
          timestamp: day(10, 12),
          commitSha: 'abcdef12',
        }),
      ).toEqual({ entities: 1, whole: 0, entityDays: 2, days: 2 });
      // A deployment in the afternoon takes that change from the next
      // day's deployment and cuts the morning one's failure window: the
      // day before (the deployment before it), its day and the next.
      expect(
        await rollUpAfter({
          id: 'afternoon-deploy',
          type: 'deployment',
          action: 'deployed',
          timestamp: day(10, 15),
          environment: 'production',
        }),
      ).toEqual({ entities: 1, whole: 0, entityDays: 3, days: 3 });
      // An incident fails the deployment before it: that day and its own.
      expect(
        await rollUpAfter({
          id: 'incident',
          type: 'incident',
          action: 'reported',
          timestamp: day(5, 9),
          incidentId: 'INC-1',
        }),
      ).toEqual({ entities: 1, whole: 0, entityDays: 2, days: 2 });
      // Its resolution days later: the opening day (no longer still open)
      // and the resolution day, each with the day of the deployment before
      // it.
      expect(
        await rollUpAfter({
          id: 'incident-resolved',
          type: 'incident',
          action: 'resolved',
          timestamp: day(2, 9),
          incidentId: 'INC-1',
        }),
      ).toEqual({ entities: 1, whole: 0, entityDays: 4, days: 4 });
      // Today's deployment: yesterday's and today's days only.
      expect(
        await rollUpAfter({
          id: 'today',
          type: 'deployment',
          action: 'deployed',
          timestamp: new Date(TODAY + HOUR).toISOString(),
          environment: 'production',
        }),
      ).toEqual({ entities: 1, whole: 0, entityDays: 2, days: 2 });
      // An event from tomorrow: today's days now (the deployment before
      // it), its own day when that day comes.
      expect(
        await rollUpAfter({
          id: 'tomorrow',
          type: 'deployment',
          action: 'deployed',
          timestamp: new Date(TODAY + DAY + HOUR).toISOString(),
          environment: 'production',
        }),
      ).toEqual({ entities: 1, whole: 0, entityDays: 1, days: 1 });
      const tomorrow = new Date(NOW.getTime() + DAY);
      const beforeTomorrow = await snapshot(knex);
      expect(await rollups.rollUp(tomorrow)).toMatchObject({
        entities: 1,
        whole: 0,
        entityDays: 2,
      });
      const keys = (o: object) =>
        Object.keys(o).filter(k => !k.startsWith('*'));
      expect(
        keys(await snapshot(knex)).filter(
          k => !keys(beforeTomorrow).includes(k),
        ),
      ).toEqual([`${entityRef} 2026-06-16`]);
      expect(await rollups.lastWork()).toMatchObject({
        entities: 1,
        entityDays: 2,
      });
    },
  );
});
