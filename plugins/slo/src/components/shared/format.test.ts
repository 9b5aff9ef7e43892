import {
  displayRef,
  errorMessage,
  formatDuration,
  formatMinutes,
  formatPercent,
  formatRate,
  formatWindow,
} from './format';

describe('format', () => {
  it.each([
    [0.995, '99.5%'],
    [0.99912345, '99.912%'],
    [1, '100%'],
    [null, '—'],
    [undefined, '—'],
  ])('formatPercent(%p) is %p', (value, expected) => {
    expect(formatPercent(value)).toBe(expected);
  });

  it('formats burn rates, lookback windows and durations', () => {
    expect(formatRate(14.4)).toBe('14.4×');
    expect(formatRate(0.123456)).toBe('0.12×');
    expect(formatMinutes(5)).toBe('5 min');
    expect(formatMinutes(90)).toBe('90 min');
    expect(formatMinutes(360)).toBe('6 h');
    expect(formatMinutes(4320)).toBe('3 d');
    expect(formatDuration(350)).toBe('350 ms');
    expect(formatDuration(4200)).toBe('4.2 s');
    expect(formatDuration(185_000)).toBe('3 min 5 s');
    expect(formatDuration(7_800_000)).toBe('2 h 10 min');
    expect(formatDuration(null)).toBe('—');
  });

  it('says SLO windows in words', () => {
    expect(formatWindow({ duration: '28d', rolling: true })).toBe(
      '28 days, rolling',
    );
    expect(
      formatWindow({
        duration: '1M',
        rolling: false,
        calendar: { startTime: '2026-01-01 00:00:00', timeZone: 'UTC' },
      }),
    ).toBe('1 month, calendar');
    expect(formatWindow({ duration: 'weird', rolling: true })).toBe(
      'weird, rolling',
    );
  });

  it('shortens entity refs and reads server errors', () => {
    expect(displayRef('group:default/team-a', 'group')).toBe('team-a');
    expect(displayRef('group:ops/team-b', 'group')).toBe('ops/team-b');
    expect(
      errorMessage(
        Object.assign(new Error('Request failed with 400'), {
          name: 'ResponseError',
          cause: { message: 'document 1.kind: Dashboard is not supported' },
        }),
      ),
    ).toBe('document 1.kind: Dashboard is not supported');
    expect(errorMessage(new Error('offline'))).toBe('offline');
  });
});
