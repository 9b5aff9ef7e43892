import fc from 'fast-check';

/**
 * A copy of `root` (through JSON) in which the value at the path `choices`
 * picks (each choice an index into the keys, modulo their number) is
 * replaced by `value` or deleted; `value` itself when no path can be
 * followed.
 */
export function mutate(
  root: unknown,
  choices: readonly number[],
  value: unknown,
): unknown {
  const copy = JSON.parse(JSON.stringify(root));
  let at: any = copy;
  for (const c of choices) {
    if (at === null || typeof at !== 'object') break;
    const keys = Object.keys(at);
    if (keys.length === 0) break;
    const k = keys[c % keys.length];
    const next = at[k];
    if (next === null || typeof next !== 'object' || c % 3 === 0) {
      if (c % 5 === 0) delete at[k];
      else at[k] = value;
      return copy;
    }
    at = next;
  }
  return value;
}

/** One to three paths for {@link mutate}, each of 1 to `maxLength` choices. */
export function mutationPaths(maxLength: number): fc.Arbitrary<number[][]> {
  return fc.array(fc.array(fc.nat(), { minLength: 1, maxLength }), {
    minLength: 1,
    maxLength: 3,
  });
}

/** Three values, one for each path of {@link mutationPaths}. */
export function replacements<T>(value: fc.Arbitrary<T>): fc.Arbitrary<T[]> {
  return fc.array(value, { minLength: 3, maxLength: 3 });
}

/** {@link mutate} along each path in turn, with the value of its index. */
export function applyMutations(
  root: unknown,
  paths: readonly (readonly number[])[],
  values: readonly unknown[],
): unknown {
  return paths.reduce<unknown>(
    (r, path, i) => mutate(r, path, values[i]),
    root,
  );
}

/**
 * Values of `base` with up to three of their parts replaced by `replacement`
 * values or deleted, along paths of up to `maxPathLength` choices.
 */
export function mutated(
  base: fc.Arbitrary<unknown>,
  replacement: fc.Arbitrary<unknown>,
  maxPathLength: number,
): fc.Arbitrary<unknown> {
  return fc
    .tuple(base, mutationPaths(maxPathLength), replacements(replacement))
    .map(([root, paths, values]) => applyMutations(root, paths, values));
}

/**
 * The key {@link jsonWithKey} puts in and then renames in the text; a test
 * that writes another text (YAML) renames it itself.
 */
export const MARKER_KEY = 'marker-key';

/**
 * `root` as JSON text, with `{ [key]: value }` put in at `path` by
 * {@link mutate}. The key is written into the text, where JSON.parse makes
 * even `__proto__` an own property (a JS object literal would set the
 * prototype instead).
 */
export function jsonWithKey(
  root: unknown,
  path: readonly number[],
  key: string,
  value: unknown,
): string {
  const text = JSON.stringify(mutate(root, path, { [MARKER_KEY]: value }));
  return text.replaceAll(JSON.stringify(MARKER_KEY), () => JSON.stringify(key));
}
