/**
 * Maven version order, after Maven's `ComparableVersion`: numbers compare as
 * numbers, the well-known qualifiers in their order (alpha < beta <
 * milestone < rc < snapshot < release < sp), other qualifiers after them
 * alphabetically, a release equals itself with trailing zeros or a `ga`,
 * `final` or `release` qualifier (`5.3.18.RELEASE` = `5.3.18`).
 */

type Item =
  | { kind: 'number'; value: bigint }
  | { kind: 'qualifier'; value: string };

const ALIASES: Record<string, string> = {
  a: 'alpha',
  b: 'beta',
  m: 'milestone',
  cr: 'rc',
  ga: '',
  final: '',
  release: '',
};

const RANKS = ['alpha', 'beta', 'milestone', 'rc', 'snapshot', '', 'sp'];

/** The items of a version: numbers and qualifiers, trailing "release" parts dropped. */
export function mavenItems(version: string): Item[] {
  const tokens = version
    .trim()
    .toLowerCase()
    .split(/[.\-_+]|(?<=\d)(?=[a-z])|(?<=[a-z])(?=\d)/)
    .filter(t => t !== '');
  const items: Item[] = tokens.map((token, i) => {
    if (/^\d+$/.test(token)) return { kind: 'number', value: BigInt(token) };
    // A single letter before a number is a short qualifier: 1.0a1, 1.0-b2.
    const next = tokens[i + 1];
    const beforeNumber = next !== undefined && /^\d+$/.test(next);
    const expanded =
      token.length === 1 && !beforeNumber ? token : ALIASES[token] ?? token;
    return { kind: 'qualifier', value: expanded };
  });
  // A zero or release part before a qualifier or at the end says nothing:
  // 1.0-alpha is 1-alpha, 1.0.0 is 1 (Maven normalises the same way).
  const isNull = (item: Item) =>
    (item.kind === 'number' && item.value === 0n) ||
    (item.kind === 'qualifier' && item.value === '');
  const kept: Item[] = [];
  for (let i = items.length - 1; i >= 0; i--) {
    const next = kept[0];
    if (isNull(items[i]) && (!next || next.kind === 'qualifier')) continue;
    kept.unshift(items[i]);
  }
  return kept;
}

/**
 * One total order over items: the qualifiers in their order (unknown ones
 * after `sp`, alphabetically), then numbers; a missing item counts as the
 * release, so 1.0-rc1 < 1.0 < 1.0-sp1 < 1.0.1.
 */
function keyOf(item: Item | undefined): [number, string, bigint] {
  if (!item) return [RANKS.indexOf(''), '', 0n];
  if (item.kind === 'number') return [RANKS.length + 1, '', item.value];
  const rank = RANKS.indexOf(item.value);
  return rank >= 0 ? [rank, '', 0n] : [RANKS.length, item.value, 0n];
}

function compareItem(a: Item | undefined, b: Item | undefined): number {
  const [ra, sa, na] = keyOf(a);
  const [rb, sb, nb] = keyOf(b);
  if (ra !== rb) return ra - rb;
  if (sa !== sb) return sa < sb ? -1 : 1;
  if (na === nb) return 0;
  return na < nb ? -1 : 1;
}

/** Compares two Maven versions: negative, zero or positive. */
export function compareMaven(a: string, b: string): number {
  const x = mavenItems(a);
  const y = mavenItems(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const c = compareItem(x[i], y[i]);
    if (c !== 0) return c;
  }
  return 0;
}
