import * as fuzz from '@internal/fuzz-test-utils';
import fc from 'fast-check';
import { compareMaven, compareVersions, parseOsv, rangeAffects } from './index';

/*
 * Property-based fuzzing of the advisory reader and the version orders.
 * Contract: parseOsv never throws, gives either an advisory or readable
 * problems, and pollutes nothing; every version order is a total order
 * (reflexive, antisymmetric, transitive) on the versions it accepts; range
 * evaluation never throws.
 */
const SEED = 0x05f_0001;
const inputs = fuzz.createInputCounter('parseOsv', SEED);
const sign = (n: number | undefined) => (n === undefined ? n : Math.sign(n));

const mavenVersion = fc
  .array(
    fc.oneof(
      fc.nat(20).map(String),
      fc.constantFrom(
        'alpha',
        'beta',
        'm',
        'rc',
        'cr',
        'SNAPSHOT',
        'ga',
        'final',
        'RELEASE',
        'sp',
        'foo',
        'a',
        'b',
      ),
    ),
    { minLength: 1, maxLength: 5 },
  )
  .chain(parts =>
    fc
      .array(fc.constantFrom('.', '-', ''), {
        minLength: parts.length - 1,
        maxLength: parts.length - 1,
      })
      .map(seps =>
        parts.map((p, i) => (i === 0 ? p : seps[i - 1] + p)).join(''),
      ),
  );

const pypiVersion = fc
  .tuple(
    fc.nat(5),
    fc.nat(12),
    fc.nat(12),
    fc.constantFrom('', 'a1', 'b2', 'rc1', '.post1', '.dev3', '.post2.dev1'),
  )
  .map(([a, b, c, suffix]) => `${a}.${b}.${c}${suffix}`);

const semverVersion = fc
  .tuple(
    fc.nat(5),
    fc.nat(12),
    fc.nat(12),
    fc.constantFrom('', '-rc.1', '-beta', '-0'),
  )
  .map(([a, b, c, pre]) => `${a}.${b}.${c}${pre}`);

function expectTotalOrder(
  compare: (a: string, b: string) => number | undefined,
  versions: fc.Arbitrary<string>,
) {
  fc.assert(
    fc.property(versions, versions, versions, (a, b, c) => {
      expect(compare(a, a)).toBe(0);
      expect(sign(compare(a, b))).toBe(sign(-(compare(b, a) ?? NaN)) || 0);
      const ab = compare(a, b)!;
      const bc = compare(b, c)!;
      if (ab <= 0 && bc <= 0) expect(compare(a, c)).toBeLessThanOrEqual(0);
      if (ab >= 0 && bc >= 0) expect(compare(a, c)).toBeGreaterThanOrEqual(0);
    }),
    { seed: SEED, numRuns: 3_000 },
  );
}

describe('version orders are total orders', () => {
  it('Maven', () => {
    expect.hasAssertions();
    expectTotalOrder(compareMaven, mavenVersion);
  });
  it('PyPI', () => {
    expect.hasAssertions();
    expectTotalOrder((a, b) => compareVersions('PyPI', a, b), pypiVersion);
  });
  it('npm and Go', () => {
    expect.hasAssertions();
    expectTotalOrder((a, b) => compareVersions('npm', a, b), semverVersion);
    expectTotalOrder(
      (a, b) => compareVersions('Go', `v${a}`, `v${b}`),
      semverVersion,
    );
  });
});

/** What holds for any input to parseOsv, and for any version against it. */
function checkOsv(input: unknown, version: string) {
  const outcome = inputs.attempt(() => parseOsv(input));
  expect(outcome).not.toHaveProperty('error');
  if ('error' in outcome) return;
  const { advisory, problems } = outcome.value;
  fuzz.expectNoPollution();
  if (!advisory) {
    expect(problems.length).toBeGreaterThan(0);
    for (const p of problems) fuzz.expectReadable(p);
    return;
  }
  expect(problems).toEqual([]);
  for (const a of advisory.affected)
    for (const r of a.ranges) {
      expect(['SEMVER', 'ECOSYSTEM']).toContain(r.type);
      const verdict = rangeAffects(r, a.ecosystem, version);
      if (verdict) expect(typeof verdict.affected).toBe('boolean');
    }
}

describe('parseOsv on any input', () => {
  const event = fc.oneof(
    fc.record({ introduced: fc.oneof(fc.constant('0'), semverVersion) }),
    fc.record({ fixed: semverVersion }),
    fc.record({ last_affected: semverVersion }),
    fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 })),
  );
  const almostValid = fc.record(
    {
      id: fc.oneof(fc.string({ minLength: 1, maxLength: 20 }), fc.jsonValue()),
      modified: fc.oneof(
        fc.constant('2026-01-01T00:00:00Z'),
        fc.string({ maxLength: 10 }),
      ),
      aliases: fc.array(fc.string({ maxLength: 10 }), { maxLength: 3 }),
      affected: fc.array(
        fc.record({
          package: fc.record({
            ecosystem: fc.constantFrom(
              'npm',
              'PyPI',
              'Maven',
              'Go',
              'Debian:12',
              '',
            ),
            name: fc.string({ maxLength: 10 }),
          }),
          ranges: fc.array(
            fc.record({
              type: fc.constantFrom('SEMVER', 'ECOSYSTEM', 'GIT', 'OTHER'),
              events: fc.array(event, { maxLength: 4 }),
            }),
            { maxLength: 3 },
          ),
        }),
        { maxLength: 3 },
      ),
    },
    { requiredKeys: [] },
  );

  it('gives an advisory or readable problems, never throws nor pollutes', () => {
    expect.hasAssertions();
    fc.assert(
      fc.property(
        fc.oneof(
          almostValid,
          fuzz.jsonOrHostile(fc.constantFrom(...fuzz.TRAP_VALUES)),
        ),
        fc.oneof(semverVersion, fc.string({ maxLength: 6 })),
        checkOsv,
      ),
      { seed: SEED, numRuns: 2_000 },
    );
  });
});
