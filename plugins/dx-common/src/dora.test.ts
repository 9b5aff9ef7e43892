import {
  changeFailureRate,
  deploymentFrequency,
  deploymentsPerDay,
  leadTime,
  overallLevel,
  recoveryTime,
  type ChangeRecord,
  type DeploymentRecord,
  type IncidentRecord,
  type RollbackRecord,
} from './dora';

const A = 'component:default/a';
const B = 'component:default/b';
const H = 3_600_000;
const range = { from: '2026-11-01T00:00:00Z', to: '2026-11-08T00:00:00Z' };

const deploy = (
  id: string,
  at: string,
  extra: Partial<DeploymentRecord> = {},
): DeploymentRecord => ({
  id,
  entityRef: A,
  at,
  environment: 'production',
  outcome: 'success',
  ...extra,
});

const deployments: DeploymentRecord[] = [
  deploy('d1', '2026-10-31T23:00:00Z'), // before the range
  deploy('d2', '2026-11-01T10:00:00Z'),
  deploy('d3', '2026-11-03T10:00:00Z'),
  deploy('d4', '2026-11-05T10:00:00Z'),
  deploy('d5', '2026-11-08T00:00:00Z'), // exactly at `to`: outside
  deploy('d6', '2026-11-04T10:00:00Z', { outcome: 'failure' }),
  deploy('d7', '2026-11-02T10:00:00Z', { environment: 'staging' }),
];

const changes: ChangeRecord[] = [
  {
    id: 'c1',
    entityRef: A,
    mergedAt: '2026-10-31T20:00:00Z',
    firstCommitAt: '2026-10-30T20:00:00Z',
  },
  {
    id: 'c2',
    entityRef: A,
    mergedAt: '2026-11-01T08:00:00Z',
    firstCommitAt: '2026-11-01T06:00:00Z',
  },
  {
    id: 'c3',
    entityRef: A,
    mergedAt: '2026-11-02T12:00:00Z',
    firstCommitAt: '2026-11-01T12:00:00Z',
  },
  { id: 'c4', entityRef: A, mergedAt: '2026-11-03T09:00:00Z' },
  {
    id: 'c5',
    entityRef: A,
    mergedAt: '2026-11-07T12:00:00Z',
    firstCommitAt: '2026-11-07T11:00:00Z',
  },
  { id: 'c7', entityRef: B, mergedAt: '2026-11-02T00:00:00Z' },
];

const incidents: IncidentRecord[] = [
  {
    id: 'i2',
    entityRef: A,
    openedAt: '2026-11-06T00:00:00Z',
    resolvedAt: '2026-11-07T00:00:00Z',
    environment: 'production',
  },
  {
    id: 'i3',
    entityRef: B,
    openedAt: '2026-11-04T00:00:00Z',
    resolvedAt: '2026-11-04T00:30:00Z',
  },
  { id: 'i4', entityRef: A, openedAt: '2026-11-07T00:00:00Z' },
  {
    id: 'i5',
    entityRef: A,
    openedAt: '2026-11-03T12:00:00Z',
    resolvedAt: '2026-11-03T13:00:00Z',
    environment: 'staging',
  },
];
const rollbacks: RollbackRecord[] = [
  { entityRef: A, at: '2026-11-01T11:00:00Z', environment: 'production' },
];

describe('deployment frequency', () => {
  it('counts successful production deployments in [from, to)', () => {
    expect(deploymentFrequency(deployments, range)).toEqual({
      deployments: 3, // d2, d3, d4
      days: 7,
      perDay: 3 / 7,
      perWeek: 3,
      excluded: { failed: 1, notProduction: 1 },
      level: 'high', // at least weekly, less than daily
    });
  });
  it('no deployments: zero and no level', () => {
    expect(deploymentFrequency([], range)).toMatchObject({
      deployments: 0,
      perDay: 0,
      level: null,
    });
  });
  it('daily deployments are elite', () => {
    const daily = Array.from({ length: 7 }, (_, i) =>
      deploy(`x${i}`, `2026-11-0${i + 1}T12:00:00Z`),
    );
    expect(deploymentFrequency(daily, range).level).toBe('elite');
  });
});

describe('lead time for changes', () => {
  const result = leadTime(deployments, changes, range);
  it('measures each change from its first commit to the deployment that shipped it', () => {
    expect(
      result.rows.map(r => [r.changeId, r.deploymentId, r.leadTimeMs / H]),
    ).toEqual([
      ['c2', 'd2', 4],
      ['c3', 'd3', 46],
      ['c4', 'd3', 1], // no commit times: from its merge
    ]);
    expect(result.changes).toBe(3);
    expect(result.medianMs).toBe(4 * H);
    expect(result.p90Ms).toBe(46 * H); // nearest rank: 3rd of 3
    expect(result.level).toBe('elite'); // median under a day
  });
  it('says what it could not link', () => {
    expect(result.deploymentsWithoutChanges).toBe(1); // d4
    expect(result.notDeployed).toBe(1); // c7: B never deployed
    expect(result.withoutCommitTimes).toBe(1); // c4
  });
  it('an even sample takes the mean of the middle two', () => {
    const two = leadTime(deployments, changes.slice(1, 3), range);
    expect(two.medianMs).toBe(((4 + 46) / 2) * H);
  });
  it('no deployments: no lead time', () => {
    expect(leadTime([], changes, range)).toMatchObject({
      changes: 0,
      medianMs: null,
      p90Ms: null,
      level: null,
      notDeployed: 5, // c2, c3, c4, c5 and c7 merged in range
    });
  });
});

describe('change failure rate', () => {
  const result = changeFailureRate(deployments, incidents, rollbacks, range);
  it('divides deployments followed by an incident or rollback by all deployments', () => {
    expect(
      result.rows.map(r => [r.deploymentId, r.failedBy?.kind ?? 'ok']),
    ).toEqual([
      ['d2', 'rollback'],
      ['d3', 'ok'], // the staging incident i5 does not count
      ['d4', 'incident'], // i2, before the next deployment d5
    ]);
    expect(result).toMatchObject({ deployments: 3, failed: 2, level: 'low' });
    expect(result.rate).toBeCloseTo(2 / 3, 12);
  });
  it('incidents with no deployment before them are reported, not dropped', () => {
    expect(result.incidentsWithoutDeployment).toBe(1); // i3 of B
  });
  it('an incident after the failure window is not blamed on the deployment', () => {
    const c = 'component:default/c';
    const late = changeFailureRate(
      [deploy('dc', '2026-11-01T00:00:00Z', { entityRef: c })],
      [{ id: 'late', entityRef: c, openedAt: '2026-11-08T00:00:01Z' }],
      [],
      range,
    );
    expect(late).toMatchObject({
      deployments: 1,
      failed: 0,
      rate: 0,
      level: 'elite',
    });
  });
  it('no deployments: no rate', () => {
    expect(changeFailureRate([], incidents, [], range)).toMatchObject({
      deployments: 0,
      rate: null,
      level: null,
      incidentsWithoutDeployment: 3, // i2, i3, i4 opened in range, none explained
    });
  });
});

describe('failed deployment recovery time', () => {
  it('medians the open-to-resolved times of production incidents resolved in the range', () => {
    const result = recoveryTime(incidents, range);
    expect(result.rows.map(r => [r.incidentId, r.durationMs / H])).toEqual([
      ['i3', 0.5],
      ['i2', 24],
    ]);
    expect(result.medianMs).toBe(12.25 * H);
    expect(result.stillOpen).toBe(1); // i4
    expect(result.level).toBe('high'); // under a day
  });
});

describe('overall level', () => {
  it('is the lowest level of the metrics with data', () => {
    expect(overallLevel(['high', 'elite', 'low', 'high'])).toBe('low');
    expect(overallLevel(['elite', null, 'high', null])).toBe('high');
    expect(overallLevel([null, null])).toBeNull();
  });
});

describe('deployments per day', () => {
  const late = [
    deploy('n1', '2026-11-01T23:30:00Z'),
    deploy('n2', '2026-11-02T00:30:00Z'),
  ];
  it('counts by calendar day in UTC', () => {
    expect(
      deploymentsPerDay(late, {
        from: '2026-11-01T00:00:00Z',
        to: '2026-11-03T00:00:00Z',
      }),
    ).toEqual([
      { day: '2026-11-01', deployments: 1 },
      { day: '2026-11-02', deployments: 1 },
    ]);
  });
  it('and in New York, where both were on the evening of 1 November', () => {
    expect(
      deploymentsPerDay(
        late,
        { from: '2026-11-01T04:00:00Z', to: '2026-11-03T05:00:00Z' },
        'America/New_York',
      ),
    ).toEqual([
      { day: '2026-11-01', deployments: 2 },
      { day: '2026-11-02', deployments: 0 },
    ]);
  });
});
