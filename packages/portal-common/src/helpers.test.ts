import { formatDuration, formatWait, percentile } from './index';

describe('formatDuration', () => {
  it.each([
    [undefined, '—'],
    [null, '—'],
    [Number.NaN, '—'],
    [0, '0 ms'],
    [849.6, '850 ms'],
    [1234, '1.2 s'],
    [59_940, '59.9 s'],
    [60_000, '1 min'],
    [185_000, '3 min 5 s'],
    [3_600_000, '1 h'],
    [7_500_000, '2 h 5 min'],
    [3 * 86_400_000 + 4 * 3_600_000, '3 d 4 h'],
  ])('%p is %p', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('formatWait', () => {
  it.each([
    [10_000, 'under a minute'],
    [45 * 60_000, '45 min'],
    [47 * 3_600_000, '47 h'],
    [48 * 3_600_000, '2 d'],
  ])('%p is %p', (ms, text) => {
    expect(formatWait(ms)).toBe(text);
  });
});

describe('percentile', () => {
  it('is the nearest rank of unsorted values', () => {
    const values = [15, 20, 35, 40, 50].reverse();
    expect(percentile(values, 5)).toBe(15);
    expect(percentile(values, 30)).toBe(20);
    expect(percentile(values, 40)).toBe(20);
    expect(percentile(values, 50)).toBe(35);
    expect(percentile(values, 100)).toBe(50);
    expect(percentile(values, 0)).toBe(15);
  });

  it('is undefined without values and leaves its input alone', () => {
    expect(percentile([], 95)).toBeUndefined();
    const values = [3, 1, 2];
    percentile(values, 50);
    expect(values).toEqual([3, 1, 2]);
  });
});
