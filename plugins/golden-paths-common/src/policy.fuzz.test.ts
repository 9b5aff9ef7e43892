import * as fuzz from '@internal/fuzz-test-utils';
import fc from 'fast-check';
import { GoldenPathPolicy, parseGoldenPathPolicy } from './policy';

/*
 * Property-based fuzzing of parseGoldenPathPolicy (golden-path rules and
 * gates, from app-config or a YAML policy file). Contract: a mistake is an
 * Error whose message is `invalid golden-path <where>: <path>: <what>`;
 * nothing else is thrown (no TypeError, no RangeError), and a valid policy
 * is read as written.
 *
 * Reproduce a failure with the seed and the path fast-check prints:
 * fc.assert(..., { seed: SEED, path: '...' }).
 */
const SEED = 0x901_1c7;
const MAX_CALL_MS = 500;
/** Generated inputs per property. */
const RUNS = { valid: 3_000, broken: 3_000, garbage: 4_000, pollution: 1_500 };

// ---------------------------------------------------------------------------
// Checks.

const inputs = fuzz.createInputCounter('parseGoldenPathPolicy', SEED);

type Outcome = fuzz.Attempt<GoldenPathPolicy>;

function run(data: unknown, where?: string): Outcome {
  return inputs.attempt(() => parseGoldenPathPolicy(data, where));
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** What holds for every document. */
function expectContract(outcome: Outcome, where = 'policy') {
  fuzz.expectNoPollution();
  if ('error' in outcome) {
    const error = outcome.error as Error;
    // A plain Error, not a TypeError or RangeError from inside.
    expect(error.constructor).toBe(Error);
    expect(error.message).toMatch(
      new RegExp(`^invalid golden-path ${escape(where)}: \\S`, 's'),
    );
    expect(error.message).not.toMatch(/\[object Object\]|\bfunction\b/);
    return undefined;
  }
  const { value: policy } = outcome;
  expect(fuzz.unsafeObjects(policy)).toEqual([]);
  expect(Array.isArray(policy.rules)).toBe(true);
  expect(Array.isArray(policy.gates)).toBe(true);
  const ids = [...policy.rules, ...policy.gates].map(x => x.id);
  expect(new Set(ids).size).toBe(ids.length);
  for (const id of ids) expect(id).toMatch(/^[a-z0-9][a-z0-9-]*$/);
  // Every pattern it accepts compiles.
  for (const p of [
    ...policy.rules.map(r => r.pattern),
    ...policy.gates.map(g => g.standard.pattern),
  ])
    if (p !== undefined) expect(() => RegExp(p)).not.toThrow();
  return policy;
}

// ---------------------------------------------------------------------------
// Generators.

const id = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,20}$/);
const nonEmpty = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 });
const scalar = fc.oneof(
  fc.string({ maxLength: 10 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
);
const validPattern = fc.oneof(
  fc.constantFrom(
    '[a-z][a-z0-9-]{2,30}',
    '^prod|staging$',
    '\\d+',
    '.*',
    '',
    '(?<x>a)\\k<x>',
  ),
  fc.string({ maxLength: 10 }).map(escape),
);
const condition = {
  required: fc.boolean(),
  pattern: validPattern,
  oneOf: fc.array(scalar, { maxLength: 3 }),
  notOneOf: fc.array(scalar, { maxLength: 3 }),
  min: fc.double({ noNaN: true, noDefaultInfinity: true }),
  max: fc.double({ noNaN: true, noDefaultInfinity: true }),
  maxLength: fc.integer({ min: 1, max: 10_000 }),
  includes: fc.array(fc.string({ maxLength: 10 }), { maxLength: 3 }),
  entity: fc.record({ kind: fc.constantFrom('Group', 'User', 'System') }),
};
const scope = {
  parameter: nonEmpty,
  templates: fc.array(nonEmpty, { maxLength: 3 }),
};

const validPolicy = fc
  .record({
    ids: fc.uniqueArray(id, { maxLength: 10 }),
    rules: fc.array(
      fc.record(
        { ...scope, ...condition, message: nonEmpty },
        { requiredKeys: ['parameter', 'message'] },
      ),
      { maxLength: 5 },
    ),
    gates: fc.array(
      fc.record(
        {
          ...scope,
          standard: fc.record(condition, { requiredKeys: [] }),
          reason: nonEmpty,
        },
        { requiredKeys: ['parameter', 'standard', 'reason'] },
      ),
      { maxLength: 5 },
    ),
    omit: fc.constantFrom('none', 'rules', 'gates', 'both'),
  })
  .map(({ ids, rules, gates, omit }) => {
    const n = Math.min(ids.length, rules.length + gates.length);
    const r = rules.slice(0, n).map((x, i) => ({ id: ids[i], ...x }));
    const g = gates
      .slice(0, n - r.length)
      .map((x, i) => ({ id: ids[r.length + i], ...x }));
    const doc = JSON.parse(
      JSON.stringify({
        ...(omit === 'rules' || omit === 'both' ? {} : { rules: r }),
        ...(omit === 'gates' || omit === 'both' ? {} : { gates: g }),
      }),
    );
    return {
      doc,
      expected: { rules: doc.rules ?? [], gates: doc.gates ?? [] },
    };
  });

/** A valid policy with one known mistake, and the path that must be named. */
const brokenPolicy = fc
  .tuple(
    validPolicy.filter(p => p.expected.rules.length > 0),
    fc.nat(),
    fc.constantFrom(
      'unknown key',
      'bad id',
      'no message',
      'bad pattern',
      'duplicate id',
      'bad maxLength',
      'bad entity',
      'wrong type',
    ),
  )
  .map(([{ doc }, at, mistake]) => {
    const rules = doc.rules as Array<Record<string, unknown>>;
    const i = at % rules.length;
    const rule = rules[i];
    let named = `rules[${i}]`;
    switch (mistake) {
      case 'unknown key':
        rule.colour = 'red';
        break;
      case 'bad id':
        rule.id = 'Bad Id';
        named = `rules[${i}].id`;
        break;
      case 'no message':
        delete rule.message;
        named = `rules[${i}].message`;
        break;
      case 'bad pattern':
        rule.pattern = '([a-z';
        named = `${rule.id}: bad pattern`;
        break;
      case 'duplicate id':
        rules.push({ ...rule });
        named = `duplicate id "${rule.id}"`;
        break;
      case 'bad maxLength':
        rule.maxLength = 0;
        named = `rules[${i}].maxLength`;
        break;
      case 'bad entity':
        rule.entity = { kind: 'Group', extra: 1 };
        named = `rules[${i}].entity`;
        break;
      default:
        rule.oneOf = 'production';
        named = `rules[${i}].oneOf`;
    }
    return { doc, named };
  });

const hostile = fc.constantFrom<unknown>(
  ...fuzz.TRAP_VALUES,
  ...fuzz.POLLUTING_VALUES,
  '',
  '(',
  '[',
  '\\',
  '(?<',
  '*',
  'x'.repeat(100_000),
  `${'('.repeat(5_000)}${')'.repeat(5_000)}`,
  1e308,
  -1,
  0,
  null,
  true,
  [],
  {},
);
const jsonish = fuzz.jsonOrHostile(hostile);

const garbage = fc.oneof(
  jsonish,
  fc.record(
    {
      rules: fc.oneof(jsonish, fc.array(jsonish, { maxLength: 3 })),
      gates: fc.oneof(jsonish, fc.array(jsonish, { maxLength: 3 })),
    },
    { requiredKeys: [] },
  ),
  {
    weight: 4,
    arbitrary: fuzz.mutated(
      validPolicy.map(p => p.doc),
      jsonish,
      4,
    ),
  },
);

const where = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom('policy', 'policy file /etc/portal/policy.yaml'),
  fc.string({ maxLength: 30 }),
);

// ---------------------------------------------------------------------------

describe('parseGoldenPathPolicy (fuzz)', () => {
  afterAll(inputs.report);

  it(
    `reads all ${fuzz.fmt(
      RUNS.valid,
    )} generated valid policies as written (seed ${SEED})`,
    () => {
      const before = inputs.executed;
      fc.assert(
        fc.property(validPolicy, ({ doc, expected }) => {
          expect(expectContract(run(doc))).toEqual(expected);
        }),
        { seed: SEED, numRuns: RUNS.valid },
      );
      expect(inputs.executed - before).toBeGreaterThanOrEqual(RUNS.valid);
    },
    fuzz.TIMEOUT_MS,
  );

  it(
    `refuses each of ${fuzz.fmt(
      RUNS.broken,
    )} generated policies with one mistake, naming where it is (seed ${SEED})`,
    () => {
      const before = inputs.executed;
      fc.assert(
        fc.property(brokenPolicy, where, ({ doc, named }, w) => {
          const outcome = run(doc, w);
          expectContract(outcome, w);
          expect((outcome as { error: Error }).error.message).toContain(named);
        }),
        { seed: SEED, numRuns: RUNS.broken },
      );
      expect(inputs.executed - before).toBeGreaterThanOrEqual(RUNS.broken);
    },
    fuzz.TIMEOUT_MS,
  );

  it(
    `answers ${fuzz.fmt(
      RUNS.garbage,
    )} generated garbage and mutated documents (seed ${SEED}) with a policy or its Error`,
    () => {
      const before = inputs.executed;
      fc.assert(
        fc.property(garbage, where, (doc, w) => {
          expectContract(run(doc, w), w);
        }),
        { seed: SEED, numRuns: RUNS.garbage },
      );
      expect(inputs.executed - before).toBeGreaterThanOrEqual(RUNS.garbage);
      expect(inputs.slowest).toBeLessThan(MAX_CALL_MS);
    },
    fuzz.TIMEOUT_MS,
  );

  it(
    `never lets ${fuzz.fmt(
      RUNS.pollution,
    )} generated policies with __proto__/constructor/prototype keys (through JSON.parse, seed ${SEED}) pollute`,
    () => {
      const before = inputs.executed;
      fc.assert(
        fc.property(
          validPolicy.map(p => p.doc),
          fc.array(fc.nat(), { minLength: 1, maxLength: 4 }),
          fuzz.prototypeKey,
          (doc, path, key) => {
            const json = fuzz.jsonWithKey(doc, path, key, {
              polluted: true,
              id: 'evil',
              message: 'x',
            });
            expectContract(run(JSON.parse(json)));
          },
        ),
        { seed: SEED, numRuns: RUNS.pollution },
      );
      for (const json of [
        '{"__proto__": {"polluted": true}}',
        '{"__proto__": {"rules": [{"id": "x", "parameter": "p", "message": "m"}]}}',
        '{"rules": [{"id": "a", "parameter": "p", "message": "m", "__proto__": {"polluted": true}}]}',
        '{"gates": [{"id": "g", "parameter": "p", "reason": "r", "standard": {"__proto__": {"pattern": "("}}}]}',
        '{"constructor": {"prototype": {"polluted": true}}}',
      ]) {
        const outcome = run(JSON.parse(json));
        expectContract(outcome);
        // Strict schemas: a key the format does not have is a mistake.
        expect('error' in outcome).toBe(true);
      }
      fuzz.expectNoPollution();
      expect(inputs.executed - before).toBeGreaterThanOrEqual(
        RUNS.pollution + 5,
      );
    },
    fuzz.TIMEOUT_MS,
  );
});
