import { toCsv } from './params';

describe('toCsv', () => {
  it('quotes commas, quotes and newlines (RFC 4180)', () => {
    expect(toCsv([['a,b', 'say "hi"', 'two\nlines', 3, null]])).toBe(
      '"a,b","say ""hi""","two\nlines",3,\n',
    );
  });

  it('keeps text a spreadsheet would run as a formula as text', () => {
    const csv = toCsv([
      ['=HYPERLINK("http://evil.example","x")', '+1', '-2', '@SUM(A1)'],
      ['\t=1', '\r=1', 'plain', 'a=b'],
    ]);
    expect(csv.split('\n')[0]).toBe(
      `"'=HYPERLINK(""http://evil.example"",""x"")",'+1,'-2,'@SUM(A1)`,
    );
    expect(csv.split('\n')[1]).toBe(`'\t=1,"'\r=1",plain,a=b`);
  });

  it('leaves numbers alone, negative ones too', () => {
    expect(toCsv([[-5, 0.5, true]])).toBe('-5,0.5,true\n');
  });

  it('rounds fractions to three decimals', () => {
    expect(toCsv([[27.766666666666666, -0.0004, 1e21, 2.5]])).toBe(
      '27.767,0,1e+21,2.5\n',
    );
  });
});
