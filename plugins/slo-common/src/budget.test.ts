import {
  burnRate,
  DEFAULT_BURN_RATE_RULES,
  durationMinutes,
  errorBudget,
  lookbackWindows,
  ruleFires,
  windowAt,
} from './budget';

const occurrences = (target: number) => ({
  budgetingMethod: 'Occurrences' as const,
  objective: { target },
});
const timeslices = (target: number, timeSliceMinutes = 1) => ({
  budgetingMethod: 'Timeslices' as const,
  objective: { target, timeSliceMinutes },
});

describe('durationMinutes', () => {
  it('reads minutes, hours, days and weeks', () => {
    expect(durationMinutes('5m')).toBe(5);
    expect(durationMinutes('6h')).toBe(360);
    expect(durationMinutes('28d')).toBe(40320);
    expect(durationMinutes('2w')).toBe(20160);
  });
  it('has no fixed length for months, zero or garbage', () => {
    expect(durationMinutes('1M')).toBeUndefined();
    expect(durationMinutes('0d')).toBeUndefined();
    expect(durationMinutes('d')).toBeUndefined();
  });
});

describe('errorBudget', () => {
  it('occurrences: 50 bad of 10,000 at 99 % spends half of the 100 allowed', () => {
    const b = errorBudget(
      occurrences(0.99),
      { good: 9950, total: 10000 },
      40320,
    );
    expect(b.sli).toBeCloseTo(0.995, 12);
    expect(b.allowed).toBeCloseTo(100, 9);
    expect(b.consumed).toBe(50);
    expect(b.remaining).toBeCloseTo(0.5, 9);
  });

  it('occurrences: 200 bad of 10,000 at 99 % is a budget overspent by 100 %', () => {
    const b = errorBudget(
      occurrences(0.99),
      { good: 9800, total: 10000 },
      40320,
    );
    expect(b.remaining).toBeCloseTo(-1, 9);
  });

  it('zero traffic: no SLI, nothing consumed, the whole budget left', () => {
    const b = errorBudget(occurrences(0.999), { good: 0, total: 0 }, 40320);
    expect(b).toEqual({
      sli: null,
      good: 0,
      total: 0,
      allowed: 0,
      consumed: 0,
      remaining: 1,
    });
  });

  it('timeslices: the budget is 0.1 % of all 40,320 minutes of 28 days, however many were seen', () => {
    const b = errorBudget(timeslices(0.999), { good: 990, total: 1000 }, 40320);
    expect(b.allowed).toBeCloseTo(40.32, 9);
    expect(b.consumed).toBe(10);
    // 1 - 10 / 40.32
    expect(b.remaining).toBeCloseTo(0.751984127, 8);
    expect(b.sli).toBeCloseTo(0.99, 12);
  });

  it('timeslices of 5 minutes over 7 days: 2,016 slices, 20.16 may be bad at 99 %', () => {
    const b = errorBudget(
      timeslices(0.99, 5),
      { good: 100, total: 100 },
      10080,
    );
    expect(b.allowed).toBeCloseTo(20.16, 9);
    expect(b.remaining).toBe(1);
  });
});

describe('burnRate', () => {
  it('1 % errors against a 99.9 % objective burns at 10x', () => {
    expect(burnRate(0.999, { good: 990, total: 1000 }, 60)).toEqual({
      windowMinutes: 60,
      rate: 10,
      good: 990,
      total: 1000,
    });
  });
  it('errors at exactly the allowed rate burn at 1x', () => {
    expect(burnRate(0.99, { good: 99, total: 100 }, 60).rate).toBe(1);
  });
  it('no events burn nothing', () => {
    expect(burnRate(0.99, { good: 0, total: 0 }, 5).rate).toBe(0);
  });
});

describe('multiwindow alerts', () => {
  const [fast] = DEFAULT_BURN_RATE_RULES;
  const rate = (r: number, total = 1000) => ({
    windowMinutes: 1,
    rate: r,
    good: 0,
    total,
  });
  it('fire only when both windows burn at the factor', () => {
    expect(ruleFires(fast, rate(15), rate(20))).toBe(true);
    expect(ruleFires(fast, rate(14.4), rate(14.4))).toBe(true);
    expect(ruleFires(fast, rate(15), rate(10))).toBe(false);
    expect(ruleFires(fast, rate(10), rate(30))).toBe(false);
  });
  it('never fire on a window without events', () => {
    expect(ruleFires(fast, rate(15), rate(0, 0))).toBe(false);
  });
  it('the default rules look back 5 m, 30 m, 1 h, 6 h and 3 d', () => {
    expect(lookbackWindows(DEFAULT_BURN_RATE_RULES)).toEqual([
      5, 30, 60, 360, 4320,
    ]);
  });
});

describe('windowAt', () => {
  it('rolling: the last 28 days', () => {
    const now = new Date('2026-12-01T10:00:00Z');
    const w = windowAt({ duration: '28d', rolling: true }, now);
    expect(w.from.toISOString()).toBe('2026-11-03T10:00:00.000Z');
    expect(w.periodMinutes).toBe(40320);
  });

  const monthly = {
    duration: '1M',
    rolling: false,
    calendar: {
      startTime: '2022-01-01 12:00:00',
      timeZone: 'America/New_York',
    },
  };
  it('calendar month in New York: starts at noon local time, spans the DST change', () => {
    const w = windowAt(monthly, new Date('2026-03-15T00:00:00Z'));
    // 1 March 12:00 EST = 17:00 UTC; 1 April 12:00 EDT = 16:00 UTC
    expect(w.from.toISOString()).toBe('2026-03-01T17:00:00.000Z');
    expect(w.periodMinutes).toBe(31 * 1440 - 60);
  });
  it('calendar month edges: the new period starts at its first instant', () => {
    expect(
      windowAt(monthly, new Date('2026-03-01T17:00:00Z')).from.toISOString(),
    ).toBe('2026-03-01T17:00:00.000Z');
    expect(
      windowAt(monthly, new Date('2026-03-01T16:59:59Z')).from.toISOString(),
    ).toBe('2026-02-01T17:00:00.000Z');
  });
  it('calendar week from a Monday in UTC', () => {
    const w = windowAt(
      {
        duration: '1w',
        rolling: false,
        calendar: { startTime: '2022-01-03 00:00:00', timeZone: 'UTC' },
      },
      new Date('2026-12-01T10:00:00Z'),
    );
    expect(w.from.toISOString()).toBe('2026-11-30T00:00:00.000Z');
    expect(w.periodMinutes).toBe(10080);
  });
  it('calendar quarter', () => {
    const w = windowAt(
      {
        duration: '1Q',
        rolling: false,
        calendar: { startTime: '2026-01-01 00:00:00', timeZone: 'UTC' },
      },
      new Date('2026-12-01T10:00:00Z'),
    );
    expect(w.from.toISOString()).toBe('2026-10-01T00:00:00.000Z');
    expect(w.periodMinutes).toBe(92 * 1440);
  });
});

describe('windowAt with a calendar start in the future', () => {
  it('answers at once with the period that lines up with the start backwards', () => {
    const started = Date.now();
    const w = windowAt(
      {
        duration: '1m',
        rolling: false,
        calendar: { startTime: '2126-01-01 00:00:00', timeZone: 'UTC' },
      } as any,
      new Date('2026-12-01T10:20:30Z'),
    );
    expect(Date.now() - started).toBeLessThan(1000);
    expect(w.from.toISOString()).toBe('2026-12-01T10:20:00.000Z');
    expect(w.periodMinutes).toBe(1);
  });
});
