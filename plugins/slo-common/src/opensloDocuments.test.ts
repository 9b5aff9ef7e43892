import { parseOpenSlo, parseOpenSloDocuments } from './openslo';

// Several files read together (one repository, one upload): references
// across files, and v1alpha / v2alpha read as v1.

const DATA_SOURCE = `
apiVersion: openslo/v1
kind: DataSource
metadata: { name: prom }
spec:
  type: Prometheus
  connectionDetails: { url: http://prometheus:9090 }
`;

const SLI = `
apiVersion: openslo/v1
kind: SLI
metadata: { name: checkout-ok }
spec:
  ratioMetric:
    counter: true
    good: { metricSource: { metricSourceRef: prom, spec: { query: sum(ok) } } }
    total: { metricSource: { metricSourceRef: prom, spec: { query: sum(all) } } }
`;

const ALERTING = `
- apiVersion: openslo/v1
  kind: AlertPolicy
  metadata: { name: oncall }
  spec:
    conditions:
      - conditionRef: fast-burn
    notificationTargets:
      - targetRef: pager
- apiVersion: openslo/v1
  kind: AlertCondition
  metadata: { name: fast-burn }
  spec:
    severity: page
    condition: { kind: burnrate, op: gte, threshold: 14, lookbackWindow: 1h, alertAfter: 5m }
- apiVersion: openslo/v1
  kind: AlertNotificationTarget
  metadata: { name: pager }
  spec: { target: pagerduty }
`;

const sloRef = (name: string, sli: string, policy = 'oncall') => `
apiVersion: openslo/v1
kind: SLO
metadata: { name: ${name} }
spec:
  service: checkout
  indicatorRef: ${sli}
  timeWindow: [{ duration: 28d, isRolling: true }]
  budgetingMethod: Occurrences
  objectives: [{ target: 0.99 }]
  alertPolicies:
    - alertPolicyRef: ${policy}
`;

const errors = <T extends { severity: string }>(list: T[]) =>
  list.filter(p => p.severity === 'error');

describe('parseOpenSloDocuments: references across files', () => {
  it('resolves an SLO against the SLI, data source, policy, condition and target of other files', () => {
    const parsed = parseOpenSloDocuments([
      { path: 'slo/checkout.yaml', text: sloRef('checkout', 'checkout-ok') },
      { path: 'slo/slis.yaml', text: SLI },
      { path: 'shared/datasources.yaml', text: DATA_SOURCE },
      { path: 'shared/alerting.yaml', text: ALERTING },
    ]);
    expect(errors(parsed.problems)).toEqual([]);
    expect(parsed.slos).toHaveLength(1);
    expect(parsed.slos[0]).toMatchObject({
      name: 'checkout',
      service: 'checkout',
      indicator: {
        kind: 'ratio',
        counter: true,
        good: {
          type: 'Prometheus',
          metricSourceRef: 'prom',
          spec: { url: 'http://prometheus:9090', query: 'sum(ok)' },
        },
        total: { type: 'Prometheus', spec: { query: 'sum(all)' } },
      },
      alerting: {
        defaults: false,
        rules: [
          expect.objectContaining({
            name: 'oncall/fast-burn',
            factor: 14,
            longWindowMinutes: 60,
            shortWindowMinutes: 5,
          }),
        ],
      },
    });
    // Per file: the SLO belongs to the file that declares it.
    expect(
      parsed.files.map(f => [f.path, f.slos.map(s => s.name), f.kinds]),
    ).toEqual([
      ['slo/checkout.yaml', ['checkout'], { SLO: 1 }],
      ['slo/slis.yaml', [], { SLI: 1 }],
      ['shared/datasources.yaml', [], { DataSource: 1 }],
      [
        'shared/alerting.yaml',
        [],
        { AlertPolicy: 1, AlertCondition: 1, AlertNotificationTarget: 1 },
      ],
    ]);
    // The ignored notification targets are reported where they are written.
    expect(parsed.files[3].problems).toContainEqual({
      path: 'AlertPolicy oncall.spec.notificationTargets',
      severity: 'unsupported',
      message: 'alerts go to the owning group through Backstage notifications',
      file: 'shared/alerting.yaml',
    });
  });

  it('the same files one by one miss what lives elsewhere', () => {
    const alone = parseOpenSlo(sloRef('checkout', 'checkout-ok'));
    expect(alone.slos).toEqual([]);
    expect(alone.problems).toContainEqual({
      path: 'SLO checkout.spec.indicatorRef',
      severity: 'error',
      message: 'no SLI named checkout-ok in the file',
    });
    // One file alone: problems carry no file.
    expect(alone.problems.every(p => !('file' in p))).toBe(true);
  });

  it('a reference that resolves to nothing rejects the SLO, saying which ref and which file', () => {
    const parsed = parseOpenSloDocuments([
      { path: 'a/slo.yaml', text: sloRef('lost', 'no-such-sli', 'no-policy') },
      {
        path: 'b/alerting.yaml',
        text: ALERTING.replace('targetRef: pager', 'targetRef: nobody'),
      },
      { path: 'c/slis.yaml', text: SLI },
    ]);
    expect(parsed.slos).toEqual([]);
    expect(parsed.rejected.map(r => r.name)).toEqual(['lost']);
    expect(parsed.files[0].rejected.map(r => r.name)).toEqual(['lost']);
    expect(errors(parsed.problems)).toEqual(
      expect.arrayContaining([
        {
          path: 'SLO lost.spec.indicatorRef',
          severity: 'error',
          message:
            'no SLI named no-such-sli in any of the 3 files read together (in a/slo.yaml)',
          file: 'a/slo.yaml',
        },
        {
          path: 'SLO lost.spec.alertPolicies[0].alertPolicyRef',
          severity: 'error',
          message:
            'no AlertPolicy named no-policy in any of the 3 files read together (in a/slo.yaml)',
          file: 'a/slo.yaml',
        },
        {
          path: 'AlertPolicy oncall.spec.notificationTargets[0].targetRef',
          severity: 'error',
          message:
            'no AlertNotificationTarget named nobody in any of the 3 files read together (in b/alerting.yaml)',
          file: 'b/alerting.yaml',
        },
      ]),
    );
    // An SLO that uses the policy with the dangling target is refused too.
    const uses = parseOpenSloDocuments([
      { path: 'a/slo.yaml', text: sloRef('uses', 'checkout-ok') },
      {
        path: 'b/alerting.yaml',
        text: ALERTING.replace('targetRef: pager', 'targetRef: nobody'),
      },
      { path: 'c/slis.yaml', text: SLI },
      { path: 'd/ds.yaml', text: DATA_SOURCE },
    ]);
    expect(uses.slos).toEqual([]);
    expect(uses.files[0].problems).toContainEqual(
      expect.objectContaining({
        path: 'SLO uses.spec.alertPolicies[0].spec.notificationTargets[0].targetRef',
        severity: 'error',
      }),
    );
  });

  it('two different objects of one kind and name: the later one is an error, references to it are ambiguous', () => {
    const other = SLI.replace('sum(ok)', 'sum(fine)');
    const parsed = parseOpenSloDocuments([
      { path: 'svc/slo.yaml', text: sloRef('checkout', 'checkout-ok') },
      { path: 'svc/slis.yaml', text: SLI },
      { path: 'other/slis.yaml', text: other },
      { path: 'shared/ds.yaml', text: DATA_SOURCE },
      { path: 'shared/alerting.yaml', text: ALERTING },
    ]);
    expect(parsed.slos).toEqual([]);
    expect(parsed.files[2].problems).toEqual([
      {
        path: 'SLI checkout-ok.metadata.name',
        severity: 'error',
        message:
          'another SLI named checkout-ok is in svc/slis.yaml document 1; names must be unique per kind across the files read together, and references to checkout-ok are ambiguous',
        file: 'other/slis.yaml',
      },
    ]);
    expect(parsed.files[0].problems).toContainEqual({
      path: 'SLO checkout.spec.indicatorRef',
      severity: 'error',
      message:
        'SLI checkout-ok is defined 2 times (svc/slis.yaml document 1, other/slis.yaml document 1): the reference is ambiguous (in svc/slo.yaml)',
      file: 'svc/slo.yaml',
    });
    // The same object written twice (a copy) is no collision.
    const copy = parseOpenSloDocuments([
      { path: 'svc/slo.yaml', text: sloRef('checkout', 'checkout-ok') },
      { path: 'svc/slis.yaml', text: SLI },
      { path: 'copy/slis.yaml', text: SLI },
      { path: 'shared/ds.yaml', text: DATA_SOURCE },
      { path: 'shared/alerting.yaml', text: ALERTING },
    ]);
    expect(errors(copy.problems)).toEqual([]);
    expect(copy.slos.map(s => s.name)).toEqual(['checkout']);
  });

  it('problems met in a referenced SLI are located in its file', () => {
    const broken = SLI.replace(
      'total: { metricSource: { metricSourceRef: prom, spec: { query: sum(all) } } }',
      'total: { metricSource: { metricSourceRef: nowhere, spec: { query: sum(all) } } }',
    );
    const parsed = parseOpenSloDocuments([
      { path: 'slo.yaml', text: sloRef('checkout', 'checkout-ok') },
      { path: 'slis.openslo.yaml', text: broken },
      { path: 'ds.openslo.yaml', text: DATA_SOURCE },
      { path: 'alerting.openslo.yaml', text: ALERTING },
    ]);
    expect(parsed.rejected.map(r => r.name)).toEqual(['checkout']);
    expect(parsed.files[0].rejected[0].problems).toContainEqual({
      path: 'SLI checkout-ok.spec.ratioMetric.total.metricSource.type',
      severity: 'error',
      message:
        'missing, and no DataSource named nowhere in any of the 4 files read together (in slis.openslo.yaml)',
      file: 'slis.openslo.yaml',
    });
    // The SLI's own file has no SLO: nothing of the SLO's is put on it.
    expect(errors(parsed.files[1].problems)).toEqual([]);
  });
});

describe('parseOpenSloDocuments: openslo/v1alpha', () => {
  const V1ALPHA = `
- apiVersion: openslo/v1alpha
  kind: SLO
  metadata:
    name: web-latency
    displayName: Web latency
  spec:
    description: Most requests are fast
    service: web
    indicator:
      thresholdMetric:
        source: Prometheus
        queryType: promql
        query: histogram_quantile(0.9, rate(x_bucket[5m]))
    timeWindows:
      - unit: Week
        count: 1
        isRolling: false
        calendar: { startTime: "2022-01-01 12:00:00", timeZone: America/New_York }
    budgetingMethod: Occurrences
    objectives:
      - { displayName: Fast, value: 200, op: lt, target: 0.98 }
- apiVersion: openslo/v1alpha
  kind: SLO
  metadata: { name: web-availability }
  spec:
    service: web
    timeWindows: [{ unit: Day, count: 28, isRolling: true }]
    budgetingMethod: Timeslices
    objectives:
      - displayName: Good
        target: 0.995
        timeSliceTarget: 0.95
        value: 1
        ratioMetrics:
          incremental: true
          good: { source: Prometheus, queryType: promql, query: sum(ok) }
          total: { source: Prometheus, queryType: promql, query: sum(all) }
      - displayName: Better
        target: 0.999
        ratioMetrics:
          incremental: false
          good: { source: Prometheus, query: sum(ok2) }
          total: { source: Prometheus, query: sum(all2) }
- apiVersion: openslo/v1alpha
  kind: Service
  metadata: { name: web }
  spec: { description: The web }
`;

  it('reads v1alpha SLOs as v1, each dropped or approximated field a note with its file and document', () => {
    const parsed = parseOpenSloDocuments([
      { path: 'legacy.yaml', text: V1ALPHA },
      { path: 'other.yaml', text: DATA_SOURCE },
    ]);
    expect(errors(parsed.problems)).toEqual([]);
    expect(parsed.kinds).toEqual({ SLO: 2, Service: 1, DataSource: 1 });
    const [latency, good, better] = parsed.slos;
    expect(latency).toMatchObject({
      name: 'web-latency',
      displayName: 'Web latency',
      service: 'web',
      indicator: {
        kind: 'threshold',
        metric: {
          type: 'Prometheus',
          spec: { query: 'histogram_quantile(0.9, rate(x_bucket[5m]))' },
        },
      },
      timeWindow: {
        duration: '1w',
        rolling: false,
        calendar: { startTime: '2022-01-01 12:00:00' },
      },
      objective: { op: 'lt', value: 200, target: 0.98 },
    });
    // Each objective keeps its own ratio.
    expect([good.objectiveIndex, better.objectiveIndex]).toEqual([0, 1]);
    expect(good.indicator).toEqual({
      kind: 'ratio',
      counter: true,
      good: { type: 'Prometheus', spec: { query: 'sum(ok)' } },
      total: { type: 'Prometheus', spec: { query: 'sum(all)' } },
    });
    expect(better.indicator).toMatchObject({
      counter: false,
      good: { spec: { query: 'sum(ok2)' } },
    });
    expect(good.objective).toEqual({
      displayName: 'Good',
      target: 0.995,
      timeSliceTarget: 0.95,
      timeSliceMinutes: 1,
    });
    expect(good.timeWindow).toEqual({ duration: '28d', rolling: true });
    const notes = parsed.problems.map(p => [p.file, p.path, p.message]);
    expect(notes).toEqual(
      expect.arrayContaining([
        [
          'legacy.yaml',
          'SLO web-latency.spec.indicator.thresholdMetric.queryType',
          expect.stringMatching(
            /^openslo\/v1alpha \(legacy\.yaml document 1\[0\]\): queryType dropped/,
          ),
        ],
        [
          'legacy.yaml',
          'SLO web-availability.spec.objectives[0].value',
          'openslo/v1alpha (legacy.yaml document 1[1]): value dropped: a ratio objective has no threshold value',
        ],
        [
          'legacy.yaml',
          'SLO web-availability.spec.budgetingMethod',
          'openslo/v1alpha (legacy.yaml document 1[1]): v1alpha gives no timeSliceWindow: time slices of 1 minute are used',
        ],
      ]),
    );
    expect(parsed.problems.every(p => p.severity === 'unsupported')).toBe(true);
  });

  it('one ratio for all objectives becomes the SLO indicator; what cannot be converted is an error', () => {
    const one = parseOpenSlo(`
apiVersion: openslo/v1alpha
kind: SLO
metadata: { name: same }
spec:
  service: web
  timeWindows: [{ unit: Second, count: 3600, isRolling: true }]
  budgetingMethod: Occurrences
  objectives:
    - { target: 0.99, ratioMetrics: { good: { source: Push, query: a }, total: { source: Push, query: b } } }
    - { target: 0.9, ratioMetrics: { good: { source: Push, query: a }, total: { source: Push, query: b } } }
`);
    expect(one.problems).toEqual([]);
    expect(
      one.slos.map(s => [s.objective.target, s.timeWindow.duration]),
    ).toEqual([
      [0.99, '60m'],
      [0.9, '60m'],
    ]);
    const bad = parseOpenSlo(`
apiVersion: openslo/v1alpha
kind: SLO
metadata: { name: odd }
spec:
  service: web
  timeWindows: [{ unit: Second, count: 90, isRolling: true }]
  budgetingMethod: Occurrences
  objectives:
    - { target: 0.99, ratioMetrics: { good: { source: Push, query: a }, total: { source: Push, query: b } } }
---
apiVersion: openslo/v1alpha
kind: AlertPolicy
metadata: { name: v1-only }
spec: {}
`);
    expect(bad.slos).toEqual([]);
    expect(bad.problems.map(p => `${p.path}: ${p.message}`)).toEqual(
      expect.arrayContaining([
        'SLO odd.spec.timeWindows[0]: openslo/v1alpha (document 1): 90 Second is not whole minutes; windows are evaluated in minutes',
        'document 2.kind: AlertPolicy is not an OpenSLO v1alpha kind (SLO, Service)',
      ]),
    );
  });
});

describe('parseOpenSloDocuments: openslo.com/v2alpha', () => {
  const V2ALPHA_SLOS = `
- apiVersion: openslo.com/v2alpha
  kind: SLO
  metadata: { name: search-availability }
  spec:
    serviceRef: search
    sliRef: search-ok
    timeWindow: [{ duration: 1w, isRolling: true }]
    budgetingMethod: Occurrences
    objectives: [{ target: 0.995 }]
    alertPolicies:
      - alertPolicyRef: high-priority
      - kind: AlertPolicy
        metadata: { name: inline }
        spec:
          conditions: [{ conditionRef: slow-burn }]
- apiVersion: openslo.com/v2alpha
  kind: SLO
  metadata: { name: search-lag }
  spec:
    serviceRef: search
    sli:
      metadata: { name: lag }
      spec:
        thresholdMetric:
          dataSourceSpec:
            type: Prometheus
            connectionDetails: [{ url: http://prometheus:9090 }]
          spec: { query: max(lag) }
    timeWindow: [{ duration: 1d, isRolling: true }]
    budgetingMethod: Occurrences
    objectives: [{ op: lt, value: 10, target: 0.9 }]
`;
  const V2ALPHA_SHARED = `
- apiVersion: openslo.com/v2alpha
  kind: SLI
  metadata: { name: search-ok }
  spec:
    ratioMetric:
      counter: true
      good: { dataSourceRef: my-prometheus, spec: { query: sum(ok) } }
      total: { dataSourceRef: my-prometheus, spec: { query: sum(all) } }
- apiVersion: openslo.com/v2alpha
  kind: DataSource
  metadata: { name: my-prometheus }
  spec:
    type: Prometheus
    connectionDetails: [{ url: http://prometheus:9090 }]
- apiVersion: openslo.com/v2alpha
  kind: AlertPolicy
  metadata: { name: high-priority }
  spec:
    alertWhenBreaching: true
    conditions: [{ conditionRef: fast-burn }]
    notificationTargets: [{ targetRef: pager }]
- apiVersion: openslo.com/v2alpha
  kind: AlertCondition
  metadata: { name: fast-burn }
  spec:
    severity: page
    condition: { kind: burnrate, op: gt, threshold: 10, lookbackWindow: 1h, alertAfter: 5m }
- apiVersion: openslo.com/v2alpha
  kind: AlertCondition
  metadata: { name: slow-burn }
  spec:
    severity: ticket
    condition: { kind: burnrate, op: gt, threshold: 2, lookbackWindow: 1d, alertAfter: 2h }
- apiVersion: openslo.com/v2alpha
  kind: AlertNotificationTarget
  metadata: { name: pager }
  spec: { target: pagerduty }
`;

  it('reads v2alpha SLOs with sliRef, inline sli and alert policies across files', () => {
    const parsed = parseOpenSloDocuments([
      { path: 'slos.yaml', text: V2ALPHA_SLOS },
      { path: 'shared.yaml', text: V2ALPHA_SHARED },
    ]);
    expect(errors(parsed.problems)).toEqual([]);
    const [availability, lag] = parsed.slos;
    expect(availability).toMatchObject({
      name: 'search-availability',
      service: 'search',
      indicator: {
        kind: 'ratio',
        counter: true,
        good: {
          type: 'Prometheus',
          metricSourceRef: 'my-prometheus',
          spec: { url: 'http://prometheus:9090', query: 'sum(ok)' },
        },
      },
    });
    expect(availability.alerting.rules.map(r => [r.name, r.factor])).toEqual([
      ['high-priority/fast-burn', 10],
      ['inline/slow-burn', 2],
    ]);
    expect(lag).toMatchObject({
      name: 'search-lag',
      indicator: {
        kind: 'threshold',
        metric: {
          type: 'Prometheus',
          spec: { url: 'http://prometheus:9090', query: 'max(lag)' },
        },
      },
      objective: { op: 'lt', value: 10, target: 0.9 },
    });
    expect(parsed.files.map(f => f.slos.length)).toEqual([2, 0]);
  });

  it('a v2alpha dataSourceRef that names no DataSource leaves the metric without a type', () => {
    const parsed = parseOpenSloDocuments([
      { path: 'slos.yaml', text: V2ALPHA_SLOS },
      {
        path: 'shared.yaml',
        text: V2ALPHA_SHARED.replace('name: my-prometheus', 'name: other'),
      },
    ]);
    expect(parsed.slos.map(s => s.name)).toEqual(['search-lag']);
    expect(parsed.rejected[0].problems).toContainEqual(
      expect.objectContaining({
        path: 'SLI search-ok.spec.ratioMetric.good.metricSource.type',
        message: expect.stringMatching(
          /^missing, and no DataSource named my-prometheus in any of the 2 files/,
        ),
        file: 'shared.yaml',
      }),
    );
  });
});
