import { gateMetrics, gateMetricsByRequester } from './gateMetrics';

describe('gateMetrics', () => {
  it('counts requests by status and takes nearest-rank percentiles of decided waits', () => {
    const minute = 60_000;
    // Decided waits: 1, 2, 3, 4, 10 minutes; one pending (no wait yet).
    const result = gateMetrics([
      { status: 'approved', waitMs: 3 * minute },
      { status: 'approved', waitMs: 1 * minute },
      { status: 'rejected', waitMs: 10 * minute },
      { status: 'approved', waitMs: 4 * minute },
      { status: 'rejected', waitMs: 2 * minute },
      { status: 'pending' },
    ]);
    expect(result).toEqual({
      requested: 6,
      pending: 1,
      approved: 3,
      rejected: 2,
      // rank ceil(0.5 * 5) = 3 → 3 minutes; ceil(0.9 * 5) = 5 → 10 minutes
      medianWaitMs: 3 * minute,
      p90WaitMs: 10 * minute,
    });
  });

  it('has no percentiles when nothing was decided', () => {
    expect(gateMetrics([{ status: 'pending' }])).toEqual({
      requested: 1,
      pending: 1,
      approved: 0,
      rejected: 0,
      medianWaitMs: undefined,
      p90WaitMs: undefined,
    });
  });
});

describe('gateMetricsByRequester', () => {
  it("splits the requests into people's own and agents' for people", () => {
    const minute = 60_000;
    const result = gateMetricsByRequester([
      { status: 'approved', waitMs: 10 * minute },
      { status: 'rejected', waitMs: 30 * minute },
      { status: 'pending' },
      { status: 'approved', waitMs: 2 * minute, agent: 'plugin:mcp-actions' },
      { status: 'approved', waitMs: 4 * minute, agent: 'plugin:mcp-actions' },
      { status: 'rejected', waitMs: 6 * minute, agent: 'plugin:other-agent' },
      { status: 'pending', agent: 'plugin:mcp-actions' },
    ]);
    expect(result).toEqual({
      // decided waits 10, 30: rank ceil(0.5 * 2) = 1 → 10 minutes
      people: {
        requested: 3,
        pending: 1,
        approved: 1,
        rejected: 1,
        medianWaitMs: 10 * minute,
      },
      // decided waits 2, 4, 6: rank 2 → 4 minutes
      agents: {
        requested: 4,
        pending: 1,
        approved: 2,
        rejected: 1,
        medianWaitMs: 4 * minute,
      },
    });
  });

  it('counts nothing for a half without requests', () => {
    expect(gateMetricsByRequester([{ status: 'pending' }]).agents).toEqual({
      requested: 0,
      pending: 0,
      approved: 0,
      rejected: 0,
      medianWaitMs: undefined,
    });
  });
});
