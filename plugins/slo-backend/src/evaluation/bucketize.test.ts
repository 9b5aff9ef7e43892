import { parseOpenSlo, type SloSpec } from '@internal/plugin-slo-common';
import { toBuckets } from './bucketize';

const base: SloSpec = {
  name: 's',
  indicator: {
    kind: 'ratio',
    counter: false,
    good: { type: 'Push', spec: {} },
    total: { type: 'Push', spec: {} },
  },
  timeWindow: { duration: '28d', rolling: true },
  budgetingMethod: 'Occurrences',
  objective: { target: 0.99 },
  objectiveIndex: 0,
  alerting: { rules: [], defaults: true },
};
const at = (minute: number, second = 0) =>
  new Date(minute * 60_000 + second * 1000);

describe('toBuckets', () => {
  it('adds counts per minute and drops what is outside [from, to)', () => {
    const b = toBuckets(
      base,
      {
        kind: 'counts',
        samples: [
          { ts: at(100, 5), good: 9, total: 10 },
          { ts: at(100, 50), good: 1, total: 1 },
          { ts: at(101), good: 5, total: 5 },
          { ts: at(99, 59), good: 1, total: 1 },
          { ts: at(102), good: 1, total: 1 },
        ],
      },
      100,
      102,
    );
    expect([...b.entries()]).toEqual([
      [100, { good: 10, total: 11 }],
      [101, { good: 5, total: 5 }],
    ]);
  });

  it('turns counter readings into increases, through a reset', () => {
    const b = toBuckets(
      base,
      {
        kind: 'counters',
        samples: [
          { ts: at(99), good: 90, total: 100 }, // baseline, before from
          { ts: at(100), good: 95, total: 110 }, // +5 of +10
          { ts: at(101), good: 3, total: 4 }, // reset: 3 of 4
          { ts: at(102), good: 13, total: 14 }, // +10 of +10
        ],
      },
      100,
      103,
    );
    expect([...b.entries()]).toEqual([
      [100, { good: 5, total: 10 }],
      [101, { good: 3, total: 4 }],
      [102, { good: 10, total: 10 }],
    ]);
  });

  it('threshold values: one event each, good when they meet the objective', () => {
    const spec: SloSpec = {
      ...base,
      indicator: { kind: 'threshold', metric: { type: 'Portal', spec: {} } },
      objective: { target: 0.9, op: 'lte', value: 300 },
    };
    const b = toBuckets(
      spec,
      {
        kind: 'values',
        samples: [
          { ts: at(100), value: 120 },
          { ts: at(100, 30), value: 300 },
          { ts: at(100, 40), value: 301 },
          { ts: at(101), value: Number.NaN },
        ],
      },
      100,
      102,
    );
    expect([...b.entries()]).toEqual([[100, { good: 2, total: 3 }]]);
  });

  it('time slices of 5 minutes: one slice each, good when its ratio reaches the slice target', () => {
    const spec: SloSpec = {
      ...base,
      budgetingMethod: 'Timeslices',
      objective: { target: 0.99, timeSliceTarget: 0.95, timeSliceMinutes: 5 },
    };
    const b = toBuckets(
      spec,
      {
        kind: 'counts',
        samples: [
          { ts: at(100), good: 95, total: 100 }, // slice 100: 95 %
          { ts: at(104), good: 0, total: 0 },
          { ts: at(105), good: 90, total: 100 }, // slice 105: 94 %
          { ts: at(109), good: 4, total: 6 },
          // slice 110 has no events: no slice
        ],
      },
      100,
      115,
    );
    expect([...b.entries()]).toEqual([
      [100, { good: 1, total: 1 }],
      [105, { good: 0, total: 1 }],
    ]);
  });

  it('works on a parsed OpenSLO spec', () => {
    const [spec] = parseOpenSlo(`
apiVersion: openslo/v1
kind: SLO
metadata: { name: a }
spec:
  indicator:
    spec:
      thresholdMetric: { metricSource: { type: Portal, spec: { metric: provisioning-time } } }
  timeWindow: [{ duration: 7d, isRolling: true }]
  budgetingMethod: Occurrences
  objectives: [{ op: lt, value: 60, target: 0.9 }]
`).slos;
    const b = toBuckets(
      spec,
      {
        kind: 'values',
        samples: [
          { ts: at(5), value: 59 },
          { ts: at(5), value: 60 },
        ],
      },
      0,
      10,
    );
    expect(b.get(5)).toEqual({ good: 1, total: 2 });
  });
});
