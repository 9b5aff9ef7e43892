import { InputError } from '@backstage/errors';
import * as fuzz from '@internal/fuzz-test-utils';
import fc from 'fast-check';
import { PackageURL } from 'packageurl-js';
import semver from 'semver';
import {
  PackageQuery,
  parsePackageQuery,
  parseRange,
  versionInRange,
} from './matchPackage';

/*
 * Property-based fuzzing of the dependency query parsers: parsePackageQuery
 * (a purl or a bare name) and parseRange (a semver range), which read query
 * parameters of /ingestion/dependencies/usages. Contract: a bad query is an
 * InputError with a message that says what is wrong; nothing else is thrown.
 *
 * Reproduce a failure with the seed and the path fast-check prints:
 * fc.assert(..., { seed: SEED, path: '...' }).
 */
const SEED = 0x9ac_ca9e;
/** Slowest single call allowed (semver ranges are regular expressions). */
const MAX_CALL_MS = 200;
/** Generated inputs per property. */
const RUNS = {
  queries: 5_000,
  purls: 2_000,
  ranges: 5_000,
  validRanges: 2_000,
};

const inputs = fuzz.createInputCounter('parsePackageQuery/parseRange', SEED);

function expectInputError(error: unknown, pattern: RegExp) {
  expect(error).toBeInstanceOf(InputError);
  expect((error as Error).message).toMatch(pattern);
  expect((error as Error).message).not.toMatch(/\[object Object\]/);
}

// ---------------------------------------------------------------------------
// parsePackageQuery

function checkQuery(text: string): PackageQuery | undefined {
  const outcome = inputs.attempt(() => parsePackageQuery(text));
  fuzz.expectNoPollution();
  const q = text.trim();
  if ('error' in outcome) {
    // Refused: too short or long, or a purl that does not read.
    expectInputError(
      outcome.error,
      q.length === 0 || q.length > 512
        ? /^package must be 1 to 512 characters$/
        : /^package ".*" is not a valid purl: \S/s,
    );
    if (q.length > 0 && q.length <= 512)
      expect(q.startsWith('pkg:')).toBe(true);
    return undefined;
  }
  const query = outcome.value;
  expect(q.length).toBeGreaterThan(0);
  expect(q.length).toBeLessThanOrEqual(512);
  expect(Object.getPrototypeOf(query)).toBe(Object.prototype);
  expect(typeof query.name).toBe('string');
  if (q.startsWith('pkg:')) {
    expect(query.name.length).toBeGreaterThan(0);
    expect(typeof query.type).toBe('string');
  } else {
    // A bare name: everything after the last slash, the rest its namespace.
    expect(query.type).toBeUndefined();
    expect(
      query.namespace !== undefined
        ? `${query.namespace}/${query.name}`
        : query.name,
    ).toBe(q);
  }
  return query;
}

const queryText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc
    .array(
      fc.constantFrom(
        'pkg:',
        'npm',
        'maven',
        '/',
        '@',
        '%40',
        '%',
        '%E0%A4%A',
        '?',
        '#',
        '=',
        '&',
        ' ',
        '\t',
        '\n',
        'lodash',
        '@angular',
        'core',
        '1.2.3',
        '__proto__',
        'constructor',
        'prototype',
        '💥',
      ),
      { maxLength: 12 },
    )
    .map(parts => parts.join('')),
  fc.string({ minLength: 500, maxLength: 600 }),
  fc.string({ minLength: 500, maxLength: 600 }).map(s => `pkg:npm/${s}`),
);

const purlParts = fc.record(
  {
    type: fc.constantFrom('npm', 'maven', 'pypi', 'golang', 'generic', 'NPM'),
    namespace: fc.oneof(
      fc.stringMatching(/^[a-z][a-z0-9.-]{0,10}$/),
      fc.constant('@angular'),
    ),
    name: fc.oneof(
      fc.stringMatching(/^[a-z][a-z0-9._-]{0,15}$/),
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 8 }),
    ),
    version: fc.oneof(
      fc.tuple(fc.nat(99), fc.nat(99), fc.nat(99)).map(v => v.join('.')),
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 8 }),
    ),
  },
  { requiredKeys: ['type', 'name'] },
);

/** A purl packageurl-js writes (parts it refuses are left out). */
const validPurl = purlParts
  .map(p => {
    try {
      return new PackageURL(
        p.type,
        p.namespace,
        p.name,
        p.version,
        undefined,
        undefined,
      );
    } catch {
      return null;
    }
  })
  .filter((p): p is PackageURL => p !== null);

// ---------------------------------------------------------------------------
// parseRange and versionInRange

const rangeText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc
    .array(
      fc.constantFrom(
        '<',
        '>',
        '=',
        '<=',
        '>=',
        '^',
        '~',
        '*',
        'x',
        'X',
        '||',
        ' - ',
        ' ',
        '1',
        '2.0',
        '1.2.3',
        '-rc.1',
        '+build',
        'v',
        '.',
        '0',
        '99999999999999999999',
        'latest',
        '\t',
        '\n',
      ),
      { maxLength: 40 },
    )
    .map(parts => parts.join('')),
  // Near and over the 256 character limit, built to make a regex work hard.
  fc.integer({ min: 200, max: 300 }).map(len => `${' '.repeat(len - 2)}<1`),
  fc
    .integer({ min: 40, max: 128 })
    .map(k => '>=1.2.3 '.repeat(k).slice(0, 256)),
  fc.integer({ min: 100, max: 300 }).map(k => `${'1.'.repeat(k)}x`),
  fc.integer({ min: 50, max: 130 }).map(k => '1 || '.repeat(k)),
);

const semverVersion = fc
  .tuple(
    fc.nat(20),
    fc.nat(20),
    fc.nat(20),
    fc.option(fc.constantFrom('rc.1', 'beta', 'alpha.2'), { nil: undefined }),
  )
  .map(([a, b, c, pre]) => `${a}.${b}.${c}${pre ? `-${pre}` : ''}`);

/** A range built from the grammar: always valid. */
const validRange = fc.oneof(
  fc
    .tuple(
      fc.constantFrom('<', '<=', '>', '>=', '=', '^', '~', ''),
      semverVersion,
    )
    .map(([op, v]) => `${op}${v}`),
  fc.tuple(semverVersion, semverVersion).map(([a, b]) => `>=${a} <${b}`),
  fc.tuple(semverVersion, semverVersion).map(([a, b]) => `${a} - ${b}`),
  fc.tuple(fc.nat(9), fc.nat(9)).map(([a, b]) => `${a}.${b}.x || ^${b}.${a}`),
  fc.constantFrom('1.x', '~1.2', '^0.0.1', '>=2.0.0 <2.15.0', '<4.17.21'),
);

const anyVersion = fc.oneof(
  semverVersion,
  fc.constantFrom(
    '2.0.0.RELEASE',
    'v1.2.3',
    '9f1c2e4',
    '',
    'latest',
    '1.2',
    '1e400',
  ),
  fc.string({ maxLength: 20 }),
);

function checkRange(range: string | undefined) {
  const outcome = inputs.attempt(() => parseRange(range));
  fuzz.expectNoPollution();
  if ('error' in outcome) {
    expectInputError(
      outcome.error,
      (range ?? '').length > 256
        ? /^range must be at most 256 characters$/
        : /^range ".*" is not a semver range \(examples: /s,
    );
    return;
  }
  const value = outcome.value;
  if (range === undefined || range.trim() === '' || range.trim() === '*') {
    expect(value).toBeUndefined();
    return;
  }
  // Accepted as given, and usable: matching never throws.
  expect(value).toBe(range);
  expect(semver.validRange(value!, { loose: true })).not.toBeNull();
}

function checkMatch(version: string, range: string | undefined) {
  const accepted = inputs.attempt(() => parseRange(range));
  if ('error' in accepted) return;
  const outcome = inputs.attempt(() => versionInRange(version, accepted.value));
  expect(outcome).toEqual({ value: expect.any(Boolean) });
}

// ---------------------------------------------------------------------------

describe('matchPackage query parsers (fuzz)', () => {
  afterAll(inputs.report);

  it(
    `parsePackageQuery answers ${fuzz.fmt(
      RUNS.queries,
    )} generated queries (seed ${SEED}) with a query or an InputError`,
    () => {
      const before = inputs.executed;
      fc.assert(
        fc.property(queryText, text => {
          checkQuery(text);
        }),
        {
          seed: SEED,
          numRuns: RUNS.queries,
        },
      );
      for (const text of [
        '',
        ' ',
        'pkg:',
        'pkg:/',
        'a/',
        '/a',
        '__proto__',
        'constructor/prototype',
        'x'.repeat(513),
      ])
        checkQuery(text);
      expect(inputs.executed - before).toBeGreaterThanOrEqual(RUNS.queries + 9);
      expect(inputs.slowest).toBeLessThan(MAX_CALL_MS);
    },
    fuzz.TIMEOUT_MS,
  );

  it(
    `parsePackageQuery reads all ${fuzz.fmt(
      RUNS.purls,
    )} generated valid purls (seed ${SEED}) into their parts`,
    () => {
      const before = inputs.executed;
      fc.assert(
        fc.property(
          validPurl,
          fc.constantFrom('', ' ', '\t\n'),
          (purl, pad) => {
            const query = checkQuery(`${pad}${purl.toString()}${pad}`);
            expect(query).toEqual(
              JSON.parse(
                JSON.stringify({
                  type: purl.type,
                  namespace: purl.namespace ?? undefined,
                  name: purl.name,
                  version: purl.version ?? undefined,
                }),
              ),
            );
          },
        ),
        { seed: SEED, numRuns: RUNS.purls },
      );
      expect(inputs.executed - before).toBeGreaterThanOrEqual(RUNS.purls);
    },
    fuzz.TIMEOUT_MS,
  );

  it(
    `parseRange answers ${fuzz.fmt(
      RUNS.ranges,
    )} generated ranges (seed ${SEED}) with a range or an InputError, quickly`,
    () => {
      const before = inputs.executed;
      fc.assert(
        fc.property(
          fc.option(rangeText, { nil: undefined, freq: 50 }),
          anyVersion,
          (range, version) => {
            checkRange(range);
            checkMatch(version, range);
          },
        ),
        { seed: SEED, numRuns: RUNS.ranges },
      );
      expect(inputs.executed - before).toBeGreaterThanOrEqual(RUNS.ranges);
      expect(inputs.slowest).toBeLessThan(MAX_CALL_MS);
    },
    fuzz.TIMEOUT_MS,
  );

  it(
    `parseRange accepts all ${fuzz.fmt(
      RUNS.validRanges,
    )} generated valid semver ranges (seed ${SEED})`,
    () => {
      const before = inputs.executed;
      fc.assert(
        fc.property(validRange, anyVersion, (range, version) => {
          expect(inputs.attempt(() => parseRange(range))).toEqual({
            value: range,
          });
          checkMatch(version, range);
        }),
        { seed: SEED, numRuns: RUNS.validRanges },
      );
      expect(inputs.executed - before).toBeGreaterThanOrEqual(
        RUNS.validRanges * 2,
      );
    },
    fuzz.TIMEOUT_MS,
  );
});
