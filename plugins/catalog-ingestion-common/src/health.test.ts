import { summarizeRuns } from './health';

describe('summarizeRuns', () => {
  const from = new Date('2026-11-25T00:00:00Z');
  const to = new Date('2026-11-26T00:00:00Z');

  it('counts succeeded and partial runs as good, failed as bad', () => {
    const w = summarizeRuns({ succeeded: 2, partial: 1, failed: 1 }, from, to);
    expect(w).toEqual({
      from: '2026-11-25T00:00:00.000Z',
      to: '2026-11-26T00:00:00.000Z',
      runs: 4,
      good: 3,
      failed: 1,
      successRate: 0.75,
    });
  });

  it('leaves running runs out of the rate', () => {
    expect(summarizeRuns({ running: 3, failed: 1 }, from, to).successRate).toBe(
      0,
    );
  });

  it('gives no rate for an empty window', () => {
    expect(summarizeRuns({ running: 2 }, from, to).successRate).toBeNull();
  });
});
