import { median, percentile } from '@internal/portal-common';
import {
  changeFailureRate,
  DEFAULT_DORA_OPTIONS,
  deploymentFrequency,
  leadTime,
  recoveryTime,
  reworkRate,
  type DeploymentRecord,
  type DoraOptions,
} from './dora';
import { diagnosticsFromCounts, doraDiagnostics } from './doraDiagnostics';
import {
  addDay,
  addToHistogram,
  bucketOf,
  bucketValue,
  dailyDora,
  doraFromDays,
  emptyDay,
  histogramQuantiles,
  isEmptyDay,
  subtractDay,
  type DailyDora,
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

describe('rework rate from daily roll-ups', () => {
  const A = 'component:default/a';
  const B = 'component:default/b';
  const at = (day: number, hour: number) =>
    `2026-11-${String(day).padStart(2, '0')}T${String(hour).padStart(
      2,
      '0',
    )}:00:00Z`;
  const deploy = (
    id: string,
    iso: string,
    extra: Partial<DeploymentRecord> = {},
  ): DeploymentRecord => ({
    id,
    entityRef: A,
    at: iso,
    environment: 'production',
    commitSha: id,
    ...extra,
  });
  // Label on a deployment and on a change, branch on a deployment and on a
  // change, a change naming a known incident (and one naming an unknown
  // one), the first deployment after an incident opened (and one after an
  // incident resolved before it, or opened too long before), failed and
  // staging deployments, a deployment without a commit SHA that shipped
  // nothing, and one entity with no marker at all.
  const records: DoraRecords = {
    deployments: [
      deploy('d1', at(2, 10), { labels: ['Hotfix'] }),
      deploy('d2', at(3, 10)),
      deploy('d3', at(4, 10), { branch: 'hotfix/login' }),
      deploy('d4', at(5, 10)),
      deploy('d5', at(6, 10)),
      deploy('d6', at(8, 10), { commitSha: undefined }),
      deploy('d7', at(9, 10)),
      deploy('d8', at(9, 12), { outcome: 'failure', labels: ['hotfix'] }),
      deploy('d9', at(10, 10), { environment: 'staging', labels: ['hotfix'] }),
      deploy('d10', at(20, 10)),
      deploy('d11', at(21, 10), { labels: ['hotfix'], branch: 'hotfix/x' }),
      deploy('b1', at(3, 10), { entityRef: B }),
      deploy('b2', at(12, 10), { entityRef: B, commitSha: undefined }),
    ],
    rollbacks: [],
    changes: [
      { id: 'c2', entityRef: A, mergedAt: at(3, 8), labels: ['rework'] },
      { id: 'c4', entityRef: A, mergedAt: at(5, 8), branch: 'hotfix/db' },
      { id: 'c5', entityRef: A, mergedAt: at(6, 8), incidentId: '7' },
      { id: 'c7', entityRef: A, mergedAt: at(9, 8), incidentId: '99' },
      { id: 'c10', entityRef: A, mergedAt: at(20, 8), branch: 'main' },
      { id: 'cb', entityRef: B, mergedAt: at(3, 8) },
    ],
    incidents: [
      // Named by c5.
      {
        id: 'a#7',
        entityRef: A,
        openedAt: at(1, 9),
        resolvedAt: at(1, 12),
        environment: 'production',
        sourceId: '7',
      },
      // Opened before d7, still open: d7 fixes it.
      { id: 'a#8', entityRef: A, openedAt: at(9, 9), sourceId: '8' },
      // Resolved before the next deployment (d10): no fix.
      {
        id: 'a#9',
        entityRef: A,
        openedAt: at(14, 9),
        resolvedAt: at(14, 12),
        sourceId: '9',
      },
      // d11 comes within the window of b#1? Another entity: B has none
      // after; and an incident of B in staging.
      {
        id: 'b#1',
        entityRef: B,
        openedAt: at(4, 9),
        environment: 'staging',
      },
    ],
    resolvedWithoutOpening: [],
  };
  const range = { from: '2026-11-01T00:00:00Z', to: '2026-11-30T00:00:00Z' };
  const options: DoraOptions = {
    ...DEFAULT_DORA_OPTIONS,
    rework: {
      labels: ['hotfix', 'rework'],
      branchPattern: '^hotfix/',
      linkedIncidents: true,
    },
  };

  it('adds up to the same numbers as reworkRate', () => {
    const exact = reworkRate(
      records.deployments,
      records.changes,
      records.incidents,
      range,
      options,
    );
    const rolled = doraFromDays(dailyDora(records, range, options), range);
    const { rows, ...counts } = exact;
    expect(rolled.reworkRate).toEqual(counts);
    expect(rolled.reworkRate).not.toHaveProperty('rows');
    // Every reason is there, and a deployment with two.
    expect(counts).toMatchObject({
      deployments: 11,
      rework: 7,
      byReason: { label: 3, branch: 3, incident: 2 },
      withMarkers: 6,
    });
    expect(rows.find(r => r.deploymentId === 'd11')?.reasons).toHaveLength(2);
    // A sub-range: the days in it.
    const sub = { from: '2026-11-04T00:00:00Z', to: '2026-11-10T00:00:00Z' };
    const { rows: _rows, ...subCounts } = reworkRate(
      records.deployments,
      records.changes,
      records.incidents,
      sub,
      options,
    );
    expect(
      doraFromDays(
        dailyDora(records, range, options).filter(
          d => d.day >= '2026-11-04' && d.day < '2026-11-10',
        ),
        sub,
      ).reworkRate,
    ).toEqual(subCounts);
  });

  it('gives the diagnostics the exact ones give, as counts', () => {
    const rolled = doraFromDays(dailyDora(records, range, options), range);
    const exact = doraDiagnostics(records, range, options);
    const byKind = (ds: Array<{ kind: string; count: number }>) =>
      Object.fromEntries(ds.map(d => [d.kind, d.count]));
    // d6 and b2 shipped nothing and carry no SHA; the other unlinked
    // deployments carry one.
    expect(rolled.rollupCounts.deploymentsWithoutCommitSha).toBe(2);
    expect(byKind(diagnosticsFromCounts(rolled, options))).toMatchObject({
      'deployment-without-commit-sha':
        byKind(exact)['deployment-without-commit-sha'],
      'deployment-without-change':
        rolled.leadTime.deploymentsWithoutChanges - 2,
    });
    expect(
      diagnosticsFromCounts(rolled, options).find(
        d => d.kind === 'deployment-without-commit-sha',
      )?.problem,
    ).toBe(
      exact.find(d => d.kind === 'deployment-without-commit-sha')?.problem,
    );
    // No markers on B: rework only through incidents, as the exact
    // diagnostics say.
    const bOnly = {
      ...records,
      deployments: records.deployments.filter(d => d.entityRef === B),
      changes: records.changes.filter(c => c.entityRef === B),
      incidents: records.incidents.filter(i => i.entityRef === B),
    };
    const fromCounts = diagnosticsFromCounts(
      doraFromDays(dailyDora(bOnly, range, options), range),
      options,
    ).find(d => d.kind === 'rework-without-markers');
    const fromRecords = doraDiagnostics(bOnly, range, options).find(
      d => d.kind === 'rework-without-markers',
    );
    expect(fromCounts).toEqual(fromRecords);
    expect(fromCounts?.count).toBe(2);
    expect(
      diagnosticsFromCounts(rolled, options).map(d => d.kind),
    ).not.toContain('rework-without-markers');
  });

  it('reads a row stored before the rework counts as 0 of them', () => {
    const old = {
      ...emptyDay('2026-11-02'),
      deployments: 2,
    } as Partial<DailyDora>;
    delete old.rework;
    delete old.reworkWithMarkers;
    delete old.deploymentsWithoutChangesNoSha;
    const sum = emptyDay('');
    addDay(sum, old as DailyDora);
    expect(sum).toMatchObject({
      deployments: 2,
      rework: 0,
      reworkWithMarkers: 0,
    });
    expect(doraFromDays([old as DailyDora], range).reworkRate).toMatchObject({
      deployments: 2,
      rework: 0,
      rate: 0,
    });
  });
});

describe('differences of days', () => {
  it('a sum minus a part is the sum of the other parts, empty when nothing is left', () => {
    const next = random(11);
    const part = (day: string): DailyDora => {
      const d = emptyDay(day);
      d.deployments = Math.floor(next() * 5);
      d.rework = Math.floor(next() * 2);
      d.leadChanges = 3;
      for (let i = 0; i < 3; i++)
        addToHistogram(d.leadHistogram, next() * 10 * H);
      if (next() < 0.5) addToHistogram(d.recoveryHistogram, next() * H);
      return d;
    };
    const parts = Array.from({ length: 6 }, () => part('2026-11-02'));
    const sum = emptyDay('2026-11-02');
    for (const p of parts) addDay(sum, p);
    subtractDay(sum, parts[2]);
    subtractDay(sum, parts[4]);
    const others = emptyDay('2026-11-02');
    for (const p of parts.filter((_, i) => i !== 2 && i !== 4))
      addDay(others, p);
    expect(sum).toEqual(others);
    for (const [i, p] of parts.entries())
      if (i !== 2 && i !== 4) subtractDay(sum, p);
    expect(sum).toEqual(emptyDay('2026-11-02'));
    expect(isEmptyDay(sum)).toBe(true);
    expect(isEmptyDay(parts[0])).toBe(false);
  });
});
