import fc from 'fast-check';

/** Values that break code calling `toString` or `valueOf` on what it reads. */
export const TRAP_VALUES: readonly unknown[] = [
  { toString: 1 },
  { toString: null, valueOf: null },
  [{ toString: 1 }],
];

/**
 * An own `__proto__` key (as JSON.parse reads `{"__proto__": ...}`) and a
 * `constructor.prototype` chain, both trying to set `polluted`.
 */
export const POLLUTING_VALUES: readonly unknown[] = [
  JSON.parse('{"__proto__": {"polluted": true}}'),
  { constructor: { prototype: { polluted: true } } },
];

/** Strings that trip naive code: empty, blank, NUL, a lone surrogate. */
export const ODD_STRINGS: readonly string[] = [
  '',
  ' ',
  '\u0000',
  JSON.parse('"\\ud800"'),
];

/** The mix of {@link jsonOrHostile}. */
export interface JsonOrHostileOptions {
  /** Nesting of the JSON values; 3 by default. */
  maxDepth?: number;
  /** Weight of the JSON values; 3 by default. */
  jsonWeight?: number;
  /** Weight of the hostile values; 2 by default. */
  hostileWeight?: number;
}

/** A JSON value, or one of `hostile`. */
export function jsonOrHostile(
  hostile: fc.Arbitrary<unknown>,
  options: JsonOrHostileOptions = {},
): fc.Arbitrary<unknown> {
  const { maxDepth = 3, jsonWeight = 3, hostileWeight = 2 } = options;
  return fc.oneof(
    { weight: jsonWeight, arbitrary: fc.jsonValue({ maxDepth }) },
    { weight: hostileWeight, arbitrary: hostile },
  );
}
