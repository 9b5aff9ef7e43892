import {
  applyEdits,
  createInputCounter,
  expectNoPollution,
  expectReadable,
  jsonWithKey,
  mutate,
  unsafeObjects,
  withOwnKey,
  yamlAliasBomb,
} from '.';

// The checks the fuzz tests rely on must fail when what they guard is broken.

describe('expectNoPollution', () => {
  it('fails when Object.prototype gains a property, enumerable or not', () => {
    expect(() => expectNoPollution()).not.toThrow();
    (Object.prototype as any).polluted = true;
    try {
      expect(() => expectNoPollution()).toThrow();
    } finally {
      delete (Object.prototype as any).polluted;
    }
    // eslint-disable-next-line no-extend-native -- what the check must see
    Object.defineProperty(Object.prototype, 'extra', {
      value: 1,
      configurable: true,
    });
    try {
      expect(() => expectNoPollution()).toThrow();
    } finally {
      delete (Object.prototype as any).extra;
    }
    expect(() => expectNoPollution()).not.toThrow();
  });
});

describe('unsafeObjects', () => {
  it('names replaced prototypes and own __proto__ keys', () => {
    expect(unsafeObjects({ a: [1, { b: 'c' }] })).toEqual([]);
    expect(unsafeObjects({ a: [Object.create(null)] })).toEqual([
      '$.a.0: prototype replaced',
    ]);
    const parsed = JSON.parse('{"a": {"__proto__": {"polluted": true}}}');
    expect(unsafeObjects(parsed)).toEqual(['$.a: own __proto__ key']);
    expect(unsafeObjects(parsed, { allowOwnProtoKey: true })).toEqual([]);
    expect(unsafeObjects(withOwnKey({}, '__proto__', 1))).toEqual([
      '$: own __proto__ key',
    ]);
  });

  it('allows other prototypes when told, and looks into Maps and Sets', () => {
    const map = new Map<unknown, unknown>([['k', Object.create(null)]]);
    expect(unsafeObjects(map)).toEqual([
      '$: prototype replaced',
      '$<map>: prototype replaced',
    ]);
    expect(unsafeObjects(map, { otherPrototypes: [Map.prototype] })).toEqual([
      '$<map>: prototype replaced',
    ]);
    expect(
      unsafeObjects(new Set([new Date(0)]), {
        otherPrototypes: [Set.prototype, Date.prototype],
      }),
    ).toEqual([]);
  });

  it('visits a cyclic tree once', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(unsafeObjects(cyclic)).toEqual([]);
  });
});

describe('mutate and jsonWithKey', () => {
  it('replaces or deletes a value at the chosen path in a copy', () => {
    const root = { a: { b: 1 } };
    expect(mutate(root, [1, 1], 'x')).toEqual({ a: { b: 'x' } });
    expect(mutate(root, [0], 'x')).toEqual({});
    expect(mutate(root, [1, 1, 1], 'x')).toEqual({ a: { b: 'x' } });
    expect(mutate(1, [1], 'x')).toBe('x');
    expect(root).toEqual({ a: { b: 1 } });
  });

  it('writes the key into JSON text, so that JSON.parse makes it own', () => {
    const text = jsonWithKey({ a: { b: 1 } }, [1, 1], '__proto__', {
      polluted: true,
    });
    expect(text).toBe('{"a":{"b":{"__proto__":{"polluted":true}}}}');
    const b = JSON.parse(text).a.b;
    expect(Object.keys(b)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(b)).toBe(Object.prototype);
  });
});

describe('createInputCounter', () => {
  it('counts and times inputs, and reports them', () => {
    const inputs = createInputCounter('parser', 7);
    expect(inputs.time(() => 2)).toBe(2);
    expect(
      inputs.attempt(() => {
        throw new Error('refused');
      }),
    ).toEqual({ error: new Error('refused') });
    expect(inputs.attempt(() => 3)).toEqual({ value: 3 });
    inputs.count();
    expect(inputs.executed).toBe(4);
    expect(inputs.slowest).toBeGreaterThanOrEqual(0);
    const log = jest.spyOn(console, 'log').mockImplementation(() => {});
    try {
      inputs.report();
      createInputCounter('other', 8).report();
      expect(log.mock.calls).toEqual([
        [expect.stringMatching(/^fuzz parser: 4 inputs, seed 7, slowest \d/)],
        ['fuzz other: 0 inputs, seed 8'],
      ]);
    } finally {
      log.mockRestore();
    }
  });
});

describe('text helpers', () => {
  it('applies edits modulo the length of the text', () => {
    expect(applyEdits('abcdef', [{ at: 8, remove: 1, insert: 'X' }])).toBe(
      'abXdef',
    );
    expect(applyEdits('', [{ at: 3, remove: 2, insert: 'x' }])).toBe('x');
  });

  it('writes an alias bomb', () => {
    expect(yamlAliasBomb(2, 3, '[x]')).toBe(
      'a0: &a0 [x]\na1: &a1 [*a0, *a0, *a0]\na2: &a2 [*a1, *a1, *a1]',
    );
  });
});

describe('expectReadable', () => {
  it('refuses blank, non-string, leaking and long messages', () => {
    expect(() => expectReadable('a message')).not.toThrow();
    for (const bad of ['', ' \n', 3, undefined, 'got [object Object]'])
      expect(() => expectReadable(bad)).toThrow();
    expect(() => expectReadable('undefined', { leaks: /undefined/ })).toThrow();
    expect(() => expectReadable('abcdef', { maxLength: 6 })).toThrow();
    expect(() => expectReadable('abcde', { maxLength: 6 })).not.toThrow();
  });
});
