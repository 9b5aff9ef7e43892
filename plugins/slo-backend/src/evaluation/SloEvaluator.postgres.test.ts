import { TestDatabases } from '@backstage/backend-test-utils';
import type { SloAlertEvent } from '@internal/plugin-slo-common';
import type { SliSource } from '@internal/plugin-slo-node';
import {
  definition,
  ratioSpec,
  SeriesSource,
  testLogger,
} from '../__testUtils__/fixtures';
import { SloStore } from '../store/SloStore';
import { SloEvaluator } from './SloEvaluator';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });

const NOW = new Date('2026-12-01T12:00:00Z');
const N = NOW.getTime() / 60_000;
/** The hour before the first evaluation's data end had 20 % errors. */
const BAD_FROM = N - 1 - 60;
const BAD_TO = N - 1;
const series = (m: number) =>
  m >= BAD_FROM && m < BAD_TO
    ? { good: 80, total: 100 }
    : { good: 100, total: 100 };

async function setup(sources: SliSource[], timeoutMs = 5000) {
  const knex = await databases.init('POSTGRES_15');
  const store = await SloStore.create({ knex });
  const alerts: SloAlertEvent[] = [];
  const evaluator = new SloEvaluator({
    store,
    sources,
    logger: testLogger,
    settings: {
      delayMinutes: 1,
      backfillMinutes: 1440,
      maxFetchMinutes: 1440,
      timeoutMs,
      concurrency: 2,
    },
    onAlert: async (_def, event) => {
      alerts.push(event);
    },
  });
  return { knex, store, evaluator, alerts };
}

describe('SloEvaluator on PostgreSQL', () => {
  it('stores a known series and computes budget, burn rates and alerts by hand', async () => {
    const source = new SeriesSource('Fixture', series);
    const { store, evaluator, alerts } = await setup([source]);
    const def = definition(ratioSpec());
    await store.insertDefinitions([def]);

    const status = await evaluator.evaluate(
      (await store.getDefinition(def.id))!,
      NOW,
    );
    // Read [N-1441, N-1): a day of 100 events a minute, 60 minutes at 80 good.
    expect(source.reads).toEqual([{ from: N - 1 - 1440, to: N - 1 }]);
    expect(status.budget!.total).toBe(144_000);
    expect(status.budget!.good).toBe(144_000 - 1200);
    expect(status.budget!.sli).toBeCloseTo(142_800 / 144_000, 12);
    expect(status.budget!.allowed).toBeCloseTo(1440, 6); // 1 % of 144,000
    expect(status.budget!.consumed).toBe(1200);
    expect(status.budget!.remaining).toBeCloseTo(1 - 1200 / 1440, 9);
    const rate = (w: number) =>
      status.burnRates.find(b => b.windowMinutes === w)!.rate;
    expect(rate(5)).toBeCloseTo(20, 9); // 20 % errors / 1 % allowed
    expect(rate(60)).toBeCloseTo(20, 9);
    expect(rate(360)).toBeCloseTo(1200 / 36_000 / 0.01, 9); // 3.33x
    expect(rate(4320)).toBeCloseTo(1200 / 144_000 / 0.01, 9); // only a day of data
    expect(status.alerts.filter(a => a.firing).map(a => a.rule.name)).toEqual([
      'fast-burn',
    ]);
    expect(status.state).toBe('warning');
    expect(alerts.map(a => [a.rule, a.state])).toEqual([
      ['fast-burn', 'firing'],
    ]);

    // The same minute again: nothing new to read, no second notification.
    await evaluator.evaluate((await store.getDefinition(def.id))!, NOW);
    expect(alerts).toHaveLength(1);

    // Ten good minutes later the short window is clean: resolved, once.
    const later = new Date(NOW.getTime() + 10 * 60_000);
    const after = await evaluator.evaluate(
      (await store.getDefinition(def.id))!,
      later,
    );
    expect(source.reads[source.reads.length - 1]).toEqual({
      from: N - 1,
      to: N + 9,
    });
    expect(after.burnRates.find(b => b.windowMinutes === 5)!.rate).toBe(0);
    // 1 h window [N-51, N+9): 50 bad minutes of 60 -> 1,000 bad of 6,000
    expect(after.burnRates.find(b => b.windowMinutes === 60)!.rate).toBeCloseTo(
      1000 / 6000 / 0.01,
      9,
    );
    expect(after.state).toBe('ok');
    await evaluator.evaluate((await store.getDefinition(def.id))!, later);
    expect(alerts.map(a => [a.rule, a.state])).toEqual([
      ['fast-burn', 'firing'],
      ['fast-burn', 'resolved'],
    ]);
    const history = await store.listAlertEvents(def.id);
    expect(history.map(h => h.state)).toEqual(['resolved', 'firing']);
  });

  it('running sums answer every window exactly like summing the buckets, late data included', async () => {
    const { store } = await setup([]);
    const def = definition(ratioSpec());
    await store.insertDefinitions([def]);
    const counts = new Map<number, { good: number; total: number }>();
    let seed = 7;
    const rnd = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    for (let m = 1000; m < 1500; m++)
      if (rnd() > 0.2) {
        const total = Math.floor(rnd() * 50);
        counts.set(m, { good: Math.floor(total * rnd()), total });
      }
    await store.addCounts(def.id, counts);
    // Late data: into the middle, onto existing and empty minutes.
    await store.addCounts(
      def.id,
      new Map([
        [1200, { good: 3, total: 5 }],
        [1201, { good: 0, total: 9 }],
      ]),
    );
    for (let i = 0; i < 40; i++) {
      const a = 990 + Math.floor(rnd() * 520);
      const b = a + Math.floor(rnd() * 200);
      const cum = await store.cumulativeAt(def.id, [a, b]);
      const raw = await store.sumRaw(def.id, a, b);
      expect([
        a,
        b,
        cum.get(b)!.good - cum.get(a)!.good,
        cum.get(b)!.total - cum.get(a)!.total,
      ]).toEqual([a, b, raw.good, raw.total]);
    }
  });

  it('pruning drops what the window no longer reaches and changes no number', async () => {
    const { store, evaluator } = await setup([
      new SeriesSource('Fixture', series),
    ]);
    const def = definition(ratioSpec());
    await store.insertDefinitions([def]);
    const before = await evaluator.evaluate(def, NOW);
    // A day later a 1-day window (plus a day for charts) starts at N - 1440:
    // only the oldest minute, N - 1441, goes.
    const later = new Date(NOW.getTime() + 86400_000);
    expect(await evaluator.pruneAll(later)).toBe(1);
    expect((await store.sumRaw(def.id, 0, N)).total).toBe(143_900);
    // The running sums of the rows left still carry the dropped minute.
    const again = await evaluator.computeStatus(
      (await store.getDefinition(def.id))!,
      N - 1,
    );
    expect(again.budget).toEqual(before.budget);
    expect(again.burnRates).toEqual(before.burnRates);
  });

  it('zero traffic: no data, the whole budget, no burn, no alert', async () => {
    const { store, evaluator, alerts } = await setup([
      new SeriesSource('Fixture', () => ({ good: 0, total: 0 })),
    ]);
    const def = definition(ratioSpec());
    await store.insertDefinitions([def]);
    const status = await evaluator.evaluate(def, NOW);
    expect(status.state).toBe('no-data');
    expect(status.budget).toMatchObject({
      sli: null,
      remaining: 1,
      consumed: 0,
    });
    expect(status.burnRates.every(b => b.rate === 0)).toBe(true);
    expect(alerts).toEqual([]);
  });

  it('a failing, a hanging and an unknown source each mark their SLO; the others still evaluate', async () => {
    const failing: SliSource = {
      type: 'Broken',
      fetch: async () => {
        throw new Error('connection refused');
      },
    };
    const hanging: SliSource = {
      type: 'Hanging',
      fetch: () => new Promise(() => {}),
    };
    const { store, evaluator } = await setup(
      [new SeriesSource('Fixture', series), failing, hanging],
      300,
    );
    const good = definition(ratioSpec({ name: 'fine' }));
    const broken = definition(ratioSpec({ name: 'broken', type: 'Broken' }));
    const slow = definition(ratioSpec({ name: 'slow', type: 'Hanging' }));
    const unknown = definition(ratioSpec({ name: 'unknown', type: 'Datadog' }));
    await store.insertDefinitions([good, broken, slow, unknown]);

    const result = await evaluator.evaluateAll(NOW);
    expect(result).toMatchObject({ evaluated: 4, failed: 3 });
    const statuses = await store.getStatuses();
    expect(statuses.get(good.id)).toMatchObject({ state: 'warning' });
    expect(statuses.get(broken.id)).toMatchObject({
      state: 'error',
      error: 'Broken: connection refused',
    });
    expect(statuses.get(slow.id)).toMatchObject({
      state: 'error',
      error: 'Hanging: no answer within 300 ms',
    });
    expect(statuses.get(unknown.id)!.error).toMatch(
      /^no SLI source for metric source type "Datadog" \(this portal has: .*Fixture/,
    );
    // A failed read does not move the cursor: the next cycle reads it again.
    expect(
      (await store.getDefinition(broken.id))!.cursorMinute,
    ).toBeUndefined();
    expect((await store.getDefinition(good.id))!.cursorMinute).toBe(N - 1);
  });

  it('series: SLI per step and the budget left at each step end', async () => {
    const { store, evaluator } = await setup([
      new SeriesSource('Fixture', series),
    ]);
    const def = definition(ratioSpec());
    await store.insertDefinitions([def]);
    const status = await evaluator.evaluate(def, NOW);
    const points = await evaluator.series(def, N - 1 - 1440, N - 1, 24);
    expect(points).toHaveLength(24);
    expect(points.reduce((s, p) => s + p.total, 0)).toBe(144_000);
    // The last hour is the bad one: 80 % good.
    expect(points[23].sli).toBeCloseTo(0.8, 12);
    expect(points[0].sli).toBe(1);
    expect(points[23].budgetRemaining).toBeCloseTo(status.budget!.remaining, 9);
    expect(points[22].budgetRemaining).toBe(1);
  });

  it('re-declaring an SLO keeps its data unless what it counts changed', async () => {
    const { store, evaluator } = await setup([
      new SeriesSource('Fixture', series),
    ]);
    const def = definition(ratioSpec());
    await store.replaceDefinitions(
      { origin: 'repository', entityRef: def.entityRef },
      [def],
    );
    await evaluator.evaluate(def, NOW);
    const described = definition({
      ...def.spec!,
      description: 'now with words',
    });
    expect(
      await store.replaceDefinitions(
        { origin: 'repository', entityRef: def.entityRef },
        [described],
      ),
    ).toEqual({ added: 0, removed: 0, changed: 1 });
    expect((await store.sumRaw(def.id, 0, N)).total).toBe(144_000);
    const retargeted = definition(ratioSpec({ target: 0.999 }));
    await store.replaceDefinitions(
      { origin: 'repository', entityRef: def.entityRef },
      [retargeted],
    );
    expect((await store.sumRaw(def.id, 0, N)).total).toBe(0);
    expect((await store.getDefinition(def.id))!.cursorMinute).toBeUndefined();
    expect(
      await store.replaceDefinitions(
        { origin: 'repository', entityRef: def.entityRef },
        [],
      ),
    ).toEqual({ added: 0, removed: 1, changed: 0 });
  });
});
