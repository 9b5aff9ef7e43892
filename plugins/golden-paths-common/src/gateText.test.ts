import {
  DEFAULT_REVIEWERS,
  formatUtc,
  gateWaitingHeadline,
  GATE_WAITING_NEXT,
} from './gateText';

describe('gate words', () => {
  it('says who approves and since when, in UTC unless told otherwise', () => {
    const gate = {
      reviewers: 'the Platform Team',
      createdAt: '2026-12-07T06:28:59.000Z',
    };
    expect(gateWaitingHeadline(gate)).toBe(
      'Waiting for approval by the Platform Team, since 7 Dec 2026, 06:28 UTC',
    );
    expect(gateWaitingHeadline(gate, '7 Dec 2026, 07:28')).toBe(
      'Waiting for approval by the Platform Team, since 7 Dec 2026, 07:28',
    );
    expect(gateWaitingHeadline({ createdAt: '2026-01-31T23:05:00.000Z' })).toBe(
      `Waiting for approval by ${DEFAULT_REVIEWERS}, since 31 Jan 2026, 23:05 UTC`,
    );
  });

  it('keeps a time it cannot read as it is', () => {
    expect(formatUtc('yesterday')).toBe('yesterday');
  });

  it('says what happens next in one sentence', () => {
    expect(GATE_WAITING_NEXT.match(/[.!?](\s|$)/g)).toEqual(['.']);
  });
});
