import { checkParameterSafety, PARAMETER_LIMITS } from './parameterSafety';

describe('checkParameterSafety', () => {
  it('accepts ordinary parameters', () => {
    expect(
      checkParameterSafety({
        name: 'orders-api',
        description: 'Orders for the shop. See docs/intro.md',
        tags: ['a', 'b'],
        nested: { url: 'https://example.com/a/b' },
      }),
    ).toEqual([]);
  });

  it.each([
    ['../../etc/passwd', 'name contains a ".." path segment'],
    ['a/../b', 'name contains a ".." path segment'],
    ['..', 'name contains a ".." path segment'],
    ['a\\..\\b', 'name contains a ".." path segment'],
    ['evil\u0000name', 'name contains control characters'],
    ['line\u001bescape', 'name contains control characters'],
  ])('flags %j', (value, problem) => {
    expect(checkParameterSafety({ name: value })).toEqual([problem]);
  });

  it('names the path of a nested problem', () => {
    expect(checkParameterSafety({ files: [{ path: '../x' }] })).toEqual([
      'files[0].path contains a ".." path segment',
    ]);
  });

  it('refuses huge strings and huge requests', () => {
    expect(
      checkParameterSafety({
        d: 'x'.repeat(PARAMETER_LIMITS.maxStringLength + 1),
      }),
    ).toEqual([`d is 4097 characters long, at most 4096 allowed`]);
    const many = Object.fromEntries(
      Array.from({ length: 40 }, (_, i) => [`p${i}`, 'y'.repeat(2000)]),
    );
    expect(checkParameterSafety(many)[0]).toMatch(
      /^parameters are \d+ bytes, at most 65536 allowed$/,
    );
  });

  it('refuses deep nesting and prototype keys', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 10; i++) deep = { a: deep };
    expect(checkParameterSafety({ deep })[0]).toContain(
      'nested deeper than 8 levels',
    );
    expect(
      checkParameterSafety(JSON.parse('{"o":{"__proto__":{"x":1}}}')),
    ).toEqual(['o.__proto__ is not an allowed key']);
  });
});
