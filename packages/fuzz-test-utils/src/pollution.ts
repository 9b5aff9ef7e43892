import fc from 'fast-check';

/**
 * The keys through which copying data (`target[key] = value`) reaches a
 * prototype.
 */
export const PROTOTYPE_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
] as const;

/** One of {@link PROTOTYPE_KEYS}. */
export type PrototypeKey = (typeof PROTOTYPE_KEYS)[number];

/** One of {@link PROTOTYPE_KEYS}, in that order. */
export const prototypeKey: fc.Arbitrary<PrototypeKey> = fc.constantFrom(
  ...PROTOTYPE_KEYS,
);

/** Object.prototype's own keys when this module is loaded. */
const OBJECT_PROTOTYPE_KEYS = Object.getOwnPropertyNames(
  Object.prototype,
).sort();

/**
 * Object.prototype is as it was: no `polluted` property (the marker the fuzz
 * inputs try to set) and no key added or removed.
 */
export function expectNoPollution() {
  expect(({} as any).polluted).toBeUndefined();
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(
    OBJECT_PROTOTYPE_KEYS,
  );
}

/** What {@link unsafeObjects} accepts besides plain objects and arrays. */
export interface UnsafeObjectsOptions {
  /**
   * Prototypes allowed besides Object.prototype and Array.prototype (`null`
   * for objects without one). The entries of Maps and the values of Sets are
   * checked too.
   */
  otherPrototypes?: Iterable<object | null>;
  /**
   * Whether an object may have an own `__proto__` key (data passed on as
   * written); by default it may not.
   */
  allowOwnProtoKey?: boolean;
}

/**
 * The objects in a tree (a parser's result) whose prototype is not
 * Object.prototype or Array.prototype (or one of `otherPrototypes`), or that
 * have an own `__proto__` key, each as `<path>: <what>`. Iterative, since
 * trees can be deep, and each object is visited once, since YAML aliases can
 * make them cyclic.
 */
export function unsafeObjects(
  root: unknown,
  options: UnsafeObjectsOptions = {},
): string[] {
  const allowed = new Set<unknown>([
    Object.prototype,
    Array.prototype,
    ...(options.otherPrototypes ?? []),
  ]);
  const bad: string[] = [];
  const seen = new Set<unknown>();
  const stack: Array<[string, unknown]> = [['$', root]];
  while (stack.length > 0) {
    const [path, value] = stack.pop()!;
    if (value === null || typeof value !== 'object' || seen.has(value))
      continue;
    seen.add(value);
    if (!allowed.has(Object.getPrototypeOf(value)))
      bad.push(`${path}: prototype replaced`);
    if (
      !options.allowOwnProtoKey &&
      Object.prototype.hasOwnProperty.call(value, '__proto__')
    )
      bad.push(`${path}: own __proto__ key`);
    if (value instanceof Map)
      for (const [k, v] of value)
        stack.push([`${path}<map>`, k], [`${path}<map>`, v]);
    else if (value instanceof Set)
      for (const v of value) stack.push([`${path}<set>`, v]);
    else
      for (const [k, v] of Object.entries(value))
        stack.push([`${path}.${k}`, v]);
  }
  return bad;
}

/**
 * Sets `key` on `target` as an own, enumerable property, as JSON.parse and
 * YAML parsers do (an assignment of `__proto__` would set the prototype
 * instead), and returns `target`.
 */
export function withOwnKey<T extends object>(
  target: T,
  key: string,
  value: unknown,
): T {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
  return target;
}
