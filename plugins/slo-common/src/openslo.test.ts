import { objectiveKey, parseOpenSlo } from './openslo';

const ratioSlo = (extra = '', target = '0.995') => `
apiVersion: openslo/v1
kind: SLO
metadata:
  name: checkout-availability
  displayName: Checkout availability
spec:
  service: checkout
  indicator:
    metadata:
      name: checkout-ok
    spec:
      ratioMetric:
        counter: true
        good:
          metricSource:
            type: Prometheus
            spec:
              query: sum(http_requests_total{code!~"5.."})
        total:
          metricSource:
            type: Prometheus
            spec:
              query: sum(http_requests_total)
  timeWindow:
    - duration: 28d
      isRolling: true
  budgetingMethod: Occurrences
  objectives:
    - displayName: Most requests succeed
      target: ${target}
${extra}`;

describe('parseOpenSlo', () => {
  it('reads a ratio SLO with an inline indicator', () => {
    const parsed = parseOpenSlo(ratioSlo());
    expect(parsed.problems).toEqual([]);
    expect(parsed.rejected).toEqual([]);
    expect(parsed.slos).toHaveLength(1);
    const [slo] = parsed.slos;
    expect(slo).toMatchObject({
      name: 'checkout-availability',
      displayName: 'Checkout availability',
      service: 'checkout',
      budgetingMethod: 'Occurrences',
      timeWindow: { duration: '28d', rolling: true },
      objective: { target: 0.995, displayName: 'Most requests succeed' },
      indicator: {
        kind: 'ratio',
        counter: true,
        good: {
          type: 'Prometheus',
          spec: { query: 'sum(http_requests_total{code!~"5.."})' },
        },
        total: { type: 'Prometheus' },
      },
      alerting: { defaults: true },
    });
    expect(slo.alerting.rules.map(r => r.factor)).toEqual([14.4, 6, 1]);
  });

  it('a target outside (0, 1) rejects the SLO and says where', () => {
    for (const target of ['1.5', '0', '1', '-0.2']) {
      const parsed = parseOpenSlo(ratioSlo('', target));
      expect(parsed.slos).toEqual([]);
      expect(parsed.rejected).toHaveLength(1);
      expect(parsed.problems).toContainEqual(
        expect.objectContaining({
          path: 'SLO checkout-availability.spec.objectives[0].target',
          severity: 'error',
        }),
      );
    }
  });

  it('reports unknown and ignored fields without dropping the SLO', () => {
    const text = ratioSlo('  shinyNewField: 3').replace(
      '  displayName: Checkout availability',
      '  displayName: Checkout availability\n  labels:\n    team: [a]',
    );
    const parsed = parseOpenSlo(text);
    expect(parsed.slos).toHaveLength(1);
    expect(parsed.problems).toEqual([
      {
        path: 'SLO checkout-availability.metadata.labels',
        severity: 'unsupported',
        message: 'labels are kept in the file only',
      },
      {
        path: 'SLO checkout-availability.spec.shinyNewField',
        severity: 'unsupported',
        message: 'unknown field',
      },
    ]);
  });

  it('resolves SLI, data source and alert condition references across documents, and splits objectives', () => {
    const text = `
- apiVersion: openslo/v1
  kind: DataSource
  metadata: { name: prom }
  spec:
    type: Prometheus
    connectionDetails: { url: http://prometheus:9090 }
- apiVersion: openslo/v1
  kind: SLI
  metadata: { name: latency }
  spec:
    thresholdMetric:
      metricSource:
        metricSourceRef: prom
        spec:
          query: histogram_quantile(0.9, sum(rate(x_bucket[5m])) by (le))
- apiVersion: openslo/v1
  kind: AlertCondition
  metadata: { name: fast }
  spec:
    severity: page
    condition: { kind: burnrate, op: gte, threshold: 10, lookbackWindow: 2h, alertAfter: 10m }
---
apiVersion: openslo/v1
kind: SLO
metadata: { name: api-latency }
spec:
  indicatorRef: latency
  timeWindow:
    - duration: 1M
      isRolling: false
      calendar: { startTime: "2026-01-01 00:00:00", timeZone: Europe/Berlin }
  budgetingMethod: Timeslices
  objectives:
    - { op: lt, value: 0.3, target: 0.99, timeSliceTarget: 1, timeSliceWindow: 5m }
    - { op: lt, value: 1, targetPercent: 99.9 }
  alertPolicies:
    - kind: AlertPolicy
      metadata: { name: oncall }
      spec:
        conditions:
          - conditionRef: fast
`;
    const parsed = parseOpenSlo(text);
    expect(parsed.problems.filter(p => p.severity === 'error')).toEqual([]);
    expect(parsed.kinds).toEqual({
      DataSource: 1,
      SLI: 1,
      AlertCondition: 1,
      SLO: 1,
    });
    expect(parsed.slos).toHaveLength(2);
    const [first, second] = parsed.slos;
    expect(first.indicator).toEqual({
      kind: 'threshold',
      metric: {
        type: 'Prometheus',
        metricSourceRef: 'prom',
        spec: {
          url: 'http://prometheus:9090',
          query: 'histogram_quantile(0.9, sum(rate(x_bucket[5m])) by (le))',
        },
      },
    });
    expect(first.objective).toEqual({
      op: 'lt',
      value: 0.3,
      target: 0.99,
      timeSliceTarget: 1,
      timeSliceMinutes: 5,
    });
    expect(second.objective.target).toBeCloseTo(0.999, 12);
    expect(second.objective.timeSliceMinutes).toBe(1);
    expect(first.timeWindow.calendar?.timeZone).toBe('Europe/Berlin');
    expect(first.alerting).toEqual({
      defaults: false,
      rules: [
        {
          name: 'oncall/fast',
          severity: 'page',
          factor: 10,
          op: 'gte',
          longWindowMinutes: 120,
          shortWindowMinutes: 10,
        },
      ],
    });
    expect([first, second].map(objectiveKey)).toEqual([
      'api-latency',
      'api-latency#1',
    ]);
  });

  it('rejects what it cannot evaluate, each with a reason and a path', () => {
    const text = `
apiVersion: openslo/v2alpha
kind: SLO
metadata: { name: future }
---
apiVersion: openslo/v1
kind: Dashboard
metadata: { name: nope }
---
apiVersion: openslo/v1
kind: SLO
metadata: { name: no-value }
spec:
  indicator:
    spec:
      thresholdMetric: { metricSource: { type: Prometheus, spec: { query: up } } }
  timeWindow: [{ duration: 7d, isRolling: true }]
  budgetingMethod: Occurrences
  objectives: [{ target: 0.9 }]
---
apiVersion: openslo/v1
kind: SLO
metadata: { name: raw-ratio }
spec:
  indicatorRef: missing-sli
  timeWindow: [{ duration: 1M, isRolling: true }]
  budgetingMethod: Sometimes
  objectives: [{ target: 0.9 }]
`;
    const parsed = parseOpenSlo(text);
    expect(parsed.slos).toEqual([]);
    const messages = parsed.problems.map(p => `${p.path}: ${p.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        'document 1.apiVersion: openslo/v2alpha is not supported (openslo/v1, openslo/v1alpha and openslo.com/v2alpha are read)',
        expect.stringMatching(
          /^document 2\.kind: Dashboard is not an OpenSLO v1 kind/,
        ),
        'SLO no-value.spec.objectives[0]: a threshold SLI needs op and value on each objective',
        expect.stringMatching(/^SLO raw-ratio\.spec\.budgetingMethod: /),
      ]),
    );
    expect(parsed.rejected.map(r => r.name)).toEqual(['no-value', 'raw-ratio']);
  });

  it('invalid YAML is one problem with its line; nothing else breaks', () => {
    const parsed = parseOpenSlo(`${ratioSlo()}\n---\nkind: [unclosed\n`);
    expect(parsed.slos).toHaveLength(1);
    expect(parsed.problems).toEqual([
      expect.objectContaining({
        severity: 'error',
        path: expect.stringMatching(/^document 2 line \d+$/),
        message: expect.stringMatching(/^invalid YAML: /),
      }),
    ]);
  });

  it('refuses alias bombs instead of expanding them', () => {
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      ...Array.from({ length: 8 }, (_, i) => {
        const prev = i === 0 ? 'a' : `l${i - 1}`;
        return `l${i}: &l${i} [*${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}]`;
      }),
    ].join('\n');
    const parsed = parseOpenSlo(bomb);
    expect(parsed.slos).toEqual([]);
    expect(parsed.problems.length).toBeGreaterThan(0);
  });
});

describe('parseOpenSlo leniency where OpenSLO allows it', () => {
  it('takes alert policy names as references and a missing op as gte', () => {
    const parsed = parseOpenSlo(`
apiVersion: openslo/v1
kind: AlertPolicy
metadata: { name: oncall }
spec:
  conditions:
    - kind: AlertCondition
      metadata: { name: fast }
      spec:
        severity: page
        condition: { kind: burnrate, threshold: 5, lookbackWindow: 1h, alertAfter: 5m }
---
${ratioSlo('  alertPolicies:\n    - oncall').trim()}`);
    expect(parsed.problems.filter(p => p.severity === 'error')).toEqual([]);
    expect(parsed.slos[0].alerting.rules).toEqual([
      expect.objectContaining({ name: 'oncall/fast', op: 'gte', factor: 5 }),
    ]);
  });

  it('a rolling month is evaluated as 30 days, and says so', () => {
    const parsed = parseOpenSlo(
      ratioSlo().replace('duration: 28d', 'duration: 1M'),
    );
    expect(parsed.slos[0].timeWindow).toEqual({
      duration: '30d',
      rolling: true,
    });
    expect(parsed.problems).toEqual([
      {
        path: 'SLO checkout-availability.spec.timeWindow[0].duration',
        severity: 'unsupported',
        message: '1M rolling is evaluated as 30d',
      },
    ]);
  });

  it('a missing field says missing', () => {
    const parsed = parseOpenSlo(
      ratioSlo().replace(
        '  timeWindow:\n    - duration: 28d\n      isRolling: true\n',
        '',
      ),
    );
    expect(parsed.problems).toContainEqual({
      path: 'SLO checkout-availability.spec.timeWindow',
      severity: 'error',
      message: 'missing (expected array)',
    });
  });
});
