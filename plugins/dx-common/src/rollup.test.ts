import { median, percentile } from '@internal/portal-common';
import {
  changeFailureRate,
  deploymentFrequency,
  leadTime,
  recoveryTime,
  type DeploymentRecord,
} from './dora';
import {
  addToHistogram,
  bucketOf,
  bucketValue,
  dailyDora,
  doraFromDays,
  histogramQuantiles,
  type DoraRecords,
  type Histogram,
} from './rollup';

const H = 3_600_000;

/** A small deterministic random sequence. */
function random(seed: number) {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return x / 2 ** 31;
  };
}

describe('duration histograms', () => {
  it('puts durations in buckets 1 % wide and reads them back within 1 %', () => {
    expect(bucketOf(999)).toBe(-1);
    expect(bucketOf(1000)).toBe(0);
    expect(bucketOf(1010)).toBe(1);
    expect(bucketValue(-1)).toBe(0);
    for (const ms of [1500, 60_000, 25 * H, 90 * 24 * H]) {
      const v = bucketValue(bucketOf(ms));
      expect(Math.abs(v - ms) / ms).toBeLessThan(0.01);
    }
  });

  it('gives the median (mean of the middle two) and nearest-rank p90 within 1 %', () => {
    const next = random(7);
    for (const n of [1, 2, 3, 10, 101, 1000]) {
      const values = Array.from({ length: n }, () =>
        Math.round(60_000 + next() * 30 * 24 * H),
      );
      const h: Histogram = {};
      for (const v of values) addToHistogram(h, v);
      const q = histogramQuantiles(h);
      expect(q.count).toBe(n);
      const m = median(values)!;
      const p90 = percentile(values, 90)!;
      expect(Math.abs(q.medianMs! - m) / m).toBeLessThan(0.01);
      expect(Math.abs(q.p90Ms! - p90) / p90).toBeLessThan(0.01);
    }
    expect(histogramQuantiles({})).toEqual({
      count: 0,
      medianMs: null,
      p90Ms: null,
    });
  });
});

describe('daily roll-ups', () => {
  // Two services over three weeks: deployments (some failed, some to
  // staging), changes (one never deployed, one without commit times), a
  // rollback, incidents (one without a deployment before it, one still
  // open, one known only by its resolution).
  const records: DoraRecords = {
    deployments: [],
    rollbacks: [
      { entityRef: 'a', at: '2026-10-03T11:00:00Z', environment: 'production' },
    ],
    changes: [],
    incidents: [
      {
        id: 'a#1',
        entityRef: 'a',
        openedAt: '2026-10-06T12:00:00Z',
        resolvedAt: '2026-10-06T15:30:00Z',
        environment: 'production',
      },
      {
        id: 'b#2',
        entityRef: 'b',
        openedAt: '2026-10-01T01:00:00Z',
        resolvedAt: '2026-10-02T01:00:00Z',
      },
      { id: 'b#3', entityRef: 'b', openedAt: '2026-10-15T09:00:00Z' },
    ],
    resolvedWithoutOpening: [{ entityRef: 'a', at: '2026-10-09T00:00:00Z' }],
  };
  const next = random(3);
  for (let day = 2; day <= 20; day++) {
    for (const entityRef of ['a', 'b']) {
      const at = `2026-10-${String(day).padStart(2, '0')}T10:00:00Z`;
      const d: DeploymentRecord = {
        id: `${entityRef}-${day}`,
        entityRef,
        at,
        environment: day % 5 === 0 ? 'staging' : 'production',
        outcome: day % 7 === 0 ? 'failure' : 'success',
      };
      records.deployments.push(d);
      const merged = Date.parse(at) - Math.round(next() * 20 * H) - H;
      records.changes.push({
        id: `${entityRef}-c${day}`,
        entityRef,
        mergedAt: new Date(merged).toISOString(),
        ...(day % 4 === 0
          ? {}
          : {
              firstCommitAt: new Date(
                merged - Math.round(next() * 48 * H),
              ).toISOString(),
            }),
      });
    }
  }
  records.changes.push({
    id: 'a-late',
    entityRef: 'a',
    mergedAt: '2026-10-20T12:00:00Z',
  });
  const range = { from: '2026-10-01T00:00:00Z', to: '2026-10-22T00:00:00Z' };
  const days = dailyDora(records, range);

  it('adds up to the exact numbers: counts equal, durations within 1 %', () => {
    const rolled = doraFromDays(days, range);
    const df = deploymentFrequency(records.deployments, range);
    const lt = leadTime(records.deployments, records.changes, range);
    const cfr = changeFailureRate(
      records.deployments,
      records.incidents,
      records.rollbacks,
      range,
    );
    const rt = recoveryTime(records.incidents, range);
    expect(rolled.deploymentFrequency).toEqual(df);
    const { rows: _l, medianMs, p90Ms, ...ltCounts } = lt;
    expect(rolled.leadTime).toMatchObject(ltCounts);
    expect(
      Math.abs(rolled.leadTime.medianMs! - medianMs!) / medianMs!,
    ).toBeLessThan(0.01);
    expect(Math.abs(rolled.leadTime.p90Ms! - p90Ms!) / p90Ms!).toBeLessThan(
      0.01,
    );
    const { rows: _c, incidentRows: _i, ...cfrCounts } = cfr;
    expect(rolled.changeFailureRate).toEqual(cfrCounts);
    expect(rolled.recoveryTime).toMatchObject({
      incidents: rt.incidents,
      stillOpen: 1,
      level: rt.level,
    });
    // (3.5 h + 24 h) / 2
    expect(
      Math.abs(rolled.recoveryTime.medianMs! - 13.75 * H) / (13.75 * H),
    ).toBeLessThan(0.01);
    expect(rolled.unlinked.resolvedWithoutOpening).toBe(1);
    expect(rolled.perDay).toHaveLength(21);
    expect(rolled.perDay.reduce((s, d) => s + d.deployments, 0)).toBe(
      df.deployments,
    );
    // Sanity: the sample is not trivial.
    expect(lt.changes).toBeGreaterThan(20);
    expect(lt.notDeployed).toBe(3); // a-late, and day 20 went to staging
    expect(lt.withoutCommitTimes).toBeGreaterThan(0);
    expect(cfr.failed).toBeGreaterThan(0);
    expect(cfr.incidentsWithoutDeployment).toBe(1);
  });

  it('answers a sub-range from the same days: what falls in its days', () => {
    const sub = { from: '2026-10-05T00:00:00Z', to: '2026-10-12T00:00:00Z' };
    const rolled = doraFromDays(
      days.filter(d => d.day >= '2026-10-05' && d.day < '2026-10-12'),
      sub,
    );
    expect(rolled.deploymentFrequency).toEqual(
      deploymentFrequency(records.deployments, sub),
    );
    const cfr = changeFailureRate(
      records.deployments,
      records.incidents,
      records.rollbacks,
      sub,
    );
    expect(rolled.changeFailureRate.failed).toBe(cfr.failed);
    expect(rolled.leadTime.changes).toBe(
      leadTime(records.deployments, records.changes, sub).changes,
    );
  });
});
