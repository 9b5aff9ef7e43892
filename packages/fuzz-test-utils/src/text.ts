import fc from 'fast-check';

/**
 * An edit of a text: at `at` (modulo the text's length), remove `remove`
 * characters and insert `insert`.
 */
export interface TextEdit {
  at: number;
  remove: number;
  insert: string;
}

/** One to `maxEdits` edits, each inserting an `insert` value. */
export function textEdits(
  insert: fc.Arbitrary<string>,
  options: { maxRemove: number; maxEdits: number },
): fc.Arbitrary<TextEdit[]> {
  return fc.array(
    fc.record({
      at: fc.nat(),
      remove: fc.nat({ max: options.maxRemove }),
      insert,
    }),
    { minLength: 1, maxLength: options.maxEdits },
  );
}

/** `text` with the edits applied in turn. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  return edits.reduce((t, e) => {
    const at = t.length === 0 ? 0 : e.at % t.length;
    return t.slice(0, at) + e.insert + t.slice(at + e.remove);
  }, text);
}

/** Up to `maxLength` tokens, joined into one text. */
export function tokenText(
  token: fc.Arbitrary<string>,
  maxLength = 80,
): fc.Arbitrary<string> {
  return fc.array(token, { maxLength }).map(tokens => tokens.join(''));
}

/**
 * YAML that expands exponentially ("billion laughs"): `a0` is `first`, each
 * of `levels` further anchors a flow sequence of `width` aliases of the one
 * before. One line each, no line break at the end.
 */
export function yamlAliasBomb(
  levels: number,
  width: number,
  first: string,
): string {
  const lines = [`a0: &a0 ${first}`];
  for (let i = 1; i <= levels; i++)
    lines.push(`a${i}: &a${i} [${`*a${i - 1}, `.repeat(width - 1)}*a${i - 1}]`);
  return lines.join('\n');
}
