import { gateMetrics } from './gateMetrics';

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
