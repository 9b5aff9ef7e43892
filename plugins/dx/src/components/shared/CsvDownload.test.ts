import { csvFileName } from './CsvDownload';

describe('csvFileName', () => {
  it('names what, whose and when', () => {
    const from = new Date('2026-09-08T00:00:00Z');
    const to = new Date('2026-12-07T00:00:00Z');
    expect(
      csvFileName('dora', { owner: 'group:default/team-a', from, to }),
    ).toBe('dora_team-a_2026-09-08_2026-12-07.csv');
    expect(
      csvFileName('adoption', {
        entityRef: 'component:default/orders-api',
        from: from.toISOString(),
        to: to.toISOString(),
      }),
    ).toBe('adoption_orders-api_2026-09-08_2026-12-07.csv');
    expect(csvFileName('pulse-results', { period: '2026-Q4' })).toBe(
      'pulse-results_organisation_2026-Q4.csv',
    );
    // Without a range: today's date; nothing unsafe in a file name.
    expect(csvFileName('a/b', {})).toMatch(
      /^a-b_organisation_\d{4}-\d{2}-\d{2}\.csv$/,
    );
  });
});
