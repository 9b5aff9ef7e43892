import {
  describeIssues,
  parseEpochSeconds,
  parseEventTime,
  title,
} from './common';
import { z } from 'zod';

describe('parseEventTime', () => {
  it.each([
    ['2023-03-20T14:27:05.315384Z', '2023-03-20T14:27:05.315Z'],
    ['2022-11-11T13:52:20.079Z', '2022-11-11T13:52:20.079Z'],
    ['2024-05-01T12:00:00Z', '2024-05-01T12:00:00.000Z'],
    ['2024-05-01T12:00:00.5Z', '2024-05-01T12:00:00.500Z'],
    ['2024-05-01T12:00:00.9999Z', '2024-05-01T12:00:00.999Z'],
    ['2024-05-01T12:00:00+02:00', '2024-05-01T10:00:00.000Z'],
    ['2019-05-15T15:20:41-07:00', '2019-05-15T22:20:41.000Z'],
    ['2024-05-01T23:30:00-0130', '2024-05-02T01:00:00.000Z'],
    ['2024-12-31T23:00:00-02:00', '2025-01-01T01:00:00.000Z'],
    ['2024-02-29t08:00:00z', '2024-02-29T08:00:00.000Z'],
    ['2024-05-01 12:00:00+00:00', '2024-05-01T12:00:00.000Z'],
    ['2000-01-01T00:00:00Z', '2000-01-01T00:00:00.000Z'],
  ])('%s is %s', (input, iso) => {
    expect(parseEventTime(input)).toEqual({ ok: true, iso });
  });

  it.each([
    ['2024-05-01T12:00:00', 'is not an ISO 8601 time with a UTC offset'],
    ['2024-05-01', 'is not an ISO 8601 time with a UTC offset'],
    ['yesterday', 'is not an ISO 8601 time with a UTC offset'],
    ['1714557600', 'is not an ISO 8601 time with a UTC offset'],
    ['', 'is not an ISO 8601 time with a UTC offset'],
    ['2023-02-29T00:00:00Z', 'is not a valid time'],
    ['2024-13-01T00:00:00Z', 'is not a valid time'],
    ['2024-05-01T24:00:00Z', 'is not a valid time'],
    ['2024-05-01T12:60:00Z', 'is not a valid time'],
    ['2024-05-01T12:00:00+25:00', 'is not a valid time'],
    ['1999-12-31T23:59:59Z', 'is before 2000-01-01: refused'],
    ['2000-01-01T01:00:00+02:00', 'is before 2000-01-01: refused'],
    ['0099-01-01T00:00:00Z', 'is before 2000-01-01: refused'],
    ['1970-01-01T00:00:00Z', 'is before 2000-01-01: refused'],
  ])('%s is refused: %s', (input, message) => {
    const r = parseEventTime(input);
    expect(r.ok).toBe(false);
    expect(r).toEqual({
      ok: false,
      message: expect.stringContaining(message),
    });
  });

  it('quotes a long refused value only in part', () => {
    const r = parseEventTime('x'.repeat(100_000));
    expect(r).toEqual({ ok: false, message: expect.stringContaining('…"') });
    expect(JSON.stringify(r).length).toBeLessThan(200);
  });
});

describe('parseEpochSeconds', () => {
  it('reads Unix seconds, refuses times before 2000', () => {
    expect(parseEpochSeconds(1557933657)).toEqual({
      ok: true,
      iso: '2019-05-15T15:20:57.000Z',
    });
    expect(parseEpochSeconds(0)).toEqual({
      ok: false,
      message: '0 is before 2000-01-01: refused',
    });
    expect(parseEpochSeconds(Number.NaN).ok).toBe(false);
    expect(parseEpochSeconds(1e15).ok).toBe(false);
  });
});

describe('describeIssues', () => {
  it('says what and where, "missing" for absent fields, at most five', () => {
    const schema = z.object({
      a: z.object({ b: z.string() }),
      list: z.array(z.object({ c: z.number() })),
    });
    const r = schema.safeParse({ a: {}, list: [{ c: 'x' }] });
    expect(r.success).toBe(false);
    expect(describeIssues(r.error!.issues)).toBe(
      'a.b: missing; list[0].c: expected number, got string',
    );
    const many = z.array(z.string()).safeParse([1, 2, 3, 4, 5, 6, 7]).error!
      .issues;
    expect(describeIssues(many)).toMatch(/; and 2 more$/);
  });
});

describe('title', () => {
  it('trims, drops empty titles and cuts long ones to 500 characters', () => {
    expect(title('  Fix it  ')).toBe('Fix it');
    expect(title('   ')).toBeUndefined();
    expect(title(null)).toBeUndefined();
    const cut = title('é'.repeat(2000))!;
    expect(Array.from(cut)).toHaveLength(500);
    expect(cut.endsWith('…')).toBe(true);
  });
});
