import * as fuzz from '@internal/fuzz-test-utils';
import fc from 'fast-check';
import { checkParameterSafety, PARAMETER_LIMITS } from './parameterSafety';

/*
 * Property-based fuzzing of checkParameterSafety, which reads the parameters
 * of a template request (parsed JSON) before any policy rule does. Contract:
 * every hazard (path traversal, control characters, huge strings or
 * requests, deep nesting, prototype keys) is a problem naming the parameter
 * path; it answers with a list and never throws.
 *
 * Reproduce a failure with the seed and the path fast-check prints:
 * fc.assert(..., { seed: SEED, path: '...' }).
 */
const SEED = 0x9a7_4a2e;
const MAX_CALL_MS = 500;
/** Generated inputs per property. */
const RUNS = { safe: 3_000, hazards: 3_000, garbage: 3_000, pollution: 2_000 };

// ---------------------------------------------------------------------------
// Checks.

const inputs = fuzz.createInputCounter('checkParameterSafety', SEED);

function run(parameters: unknown): string[] {
  return inputs.time(() =>
    checkParameterSafety(parameters as Record<string, unknown>),
  );
}

/** What holds for every request. */
function expectContract(problems: unknown): string[] {
  fuzz.expectNoPollution();
  expect(Array.isArray(problems)).toBe(true);
  for (const p of problems as unknown[]) {
    fuzz.expectReadable(p, { leaks: /\[object Object\]|\bfunction\b/ });
    expect(p).toMatch(
      /( is nested deeper than \d+ levels| is \d+ characters long, at most \d+ allowed| contains a "\.\." path segment| contains control characters| is not an allowed key|^parameters are \d+ bytes, at most \d+ allowed|^parameters [a-z ]+)/,
    );
  }
  return problems as string[];
}

function checkAny(parameters: unknown) {
  expectContract(run(parameters));
}

// ---------------------------------------------------------------------------
// Generators.

// Control characters but tab, line feed and carriage return.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

/** Characters that never make a hazard, with the near misses. */
const safeString = fc
  .oneof(
    fc
      .string({ unit: 'grapheme', maxLength: 40 })
      .map(s => s.replace(CONTROL_CHARACTERS, '')),
    fc.constantFrom(
      'orders-api',
      'docs/intro.md',
      'a..b',
      '...',
      '.../x',
      'x/...',
      '..a',
      'a..',
      './x',
      'tab\there',
      'line\nbreak\r\n',
      'https://example.com/a/b?c=d#e',
      'x'.repeat(PARAMETER_LIMITS.maxStringLength),
    ),
  )
  .filter(s => !/(^|[\\/])\.\.([\\/]|$)/.test(s));

const safeKey = fc
  .oneof(
    fc.constantFrom(
      'name',
      'owner',
      'description',
      'tags',
      'storageGb',
      'repoUrl',
    ),
    fc.string({ maxLength: 10 }),
  )
  .filter(k => !(fuzz.PROTOTYPE_KEYS as readonly string[]).includes(k));

/** Safe values, at most `depth` levels of objects and arrays deep. */
const safeValue = (depth: number): fc.Arbitrary<unknown> =>
  depth === 0
    ? fc.oneof(
        safeString,
        fc.integer(),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.boolean(),
        fc.constant(null),
      )
    : fc.oneof(
        { depthSize: 'small' },
        safeValue(0),
        fc.array(safeValue(depth - 1), { maxLength: 3 }),
        fc.dictionary(safeKey, safeValue(depth - 1), {
          maxKeys: 3,
          noNullPrototype: true,
        }),
      );

/** Requests a real template could send: nothing to report. */
const safeParameters = fc
  .dictionary(safeKey, safeValue(PARAMETER_LIMITS.maxDepth - 1), {
    maxKeys: 6,
    noNullPrototype: true,
  })
  .filter(
    p =>
      new TextEncoder().encode(JSON.stringify(p)).length <=
      PARAMETER_LIMITS.maxTotalBytes,
  );

type Hazard = 'traversal' | 'control' | 'long' | 'deep' | 'key';

const hazardValue = fc.oneof(
  fc
    .tuple(
      fc.constantFrom(
        '..',
        '../',
        '/..',
        '\\..\\',
        'a/../b',
        '../../etc/passwd',
        'C:\\..\\x',
      ),
      safeString,
    )
    .map(([t, s]) => ({
      value: `${s.slice(0, 5)}/${t}`,
      hazard: 'traversal' as Hazard,
    })),
  fc
    .tuple(
      fc.integer({ min: 0, max: 0x1f }).filter(c => ![9, 10, 13].includes(c)),
      safeString,
    )
    .map(([c, s]) => ({
      value: `${s.slice(0, 5)}${String.fromCharCode(c)}${s.slice(5)}`,
      hazard: 'control' as Hazard,
    })),
  fc.constant({ value: 'del\u007f', hazard: 'control' as Hazard }),
  fc
    .integer({ min: PARAMETER_LIMITS.maxStringLength + 1, max: 20_000 })
    .map(n => ({ value: 'y'.repeat(n), hazard: 'long' as Hazard })),
  fc.integer({ min: PARAMETER_LIMITS.maxDepth, max: 40 }).map(n => {
    let v: unknown = 'leaf';
    for (let i = 0; i < n; i++) v = i % 2 ? [v] : { a: v };
    return { value: v, hazard: 'deep' as Hazard };
  }),
);

/** A safe request with one hazard at a known path. */
const withHazard = fc
  .tuple(
    safeParameters,
    fc.array(fc.oneof(safeKey, fc.nat({ max: 2 })), { maxLength: 4 }),
    safeKey,
    hazardValue,
  )
  .map(([params, route, leaf, { value, hazard }]) => {
    // Build the route down from a fresh top-level key.
    const top = `hazard_${leaf}`;
    let path = top;
    let container: any = {};
    const root = container;
    for (const step of route) {
      const child: any = typeof step === 'number' ? [] : {};
      if (Array.isArray(container)) {
        container.push(child);
        path += `[${container.length - 1}]`;
      } else {
        const k = typeof step === 'number' ? `k${step}` : step;
        container[k] = child;
        path += `.${k}`;
      }
      container = child;
    }
    if (Array.isArray(container)) {
      container.push(value);
      path += `[${container.length - 1}]`;
    } else {
      container.v = value;
      path += '.v';
    }
    return {
      parameters: { ...params, [top]: root },
      path,
      hazard,
      depth: route.length + 2,
    };
  });

function checkHazard(h: {
  parameters: Record<string, unknown>;
  path: string;
  hazard: Hazard;
  depth: number;
}) {
  const problems = expectContract(run(h.parameters));
  const bytes = new TextEncoder().encode(JSON.stringify(h.parameters)).length;
  if (bytes > PARAMETER_LIMITS.maxTotalBytes) {
    expect(problems).toEqual([
      `parameters are ${bytes} bytes, at most ${PARAMETER_LIMITS.maxTotalBytes} allowed`,
    ]);
    return;
  }
  expect(problems.length).toBeGreaterThan(0);
  if (h.depth > PARAMETER_LIMITS.maxDepth || h.hazard === 'deep') {
    // Reported where the nesting gets too deep: on the path or below it.
    expect(problems.some(p => p.includes('nested deeper than'))).toBe(true);
    return;
  }
  const what = {
    traversal: 'contains a ".." path segment',
    control: 'contains control characters',
    long: 'characters long',
  }[h.hazard as 'traversal' | 'control' | 'long'];
  expect(
    problems.some(p => p.startsWith(`${h.path} `) && p.includes(what)),
  ).toBe(true);
}

/** JSON values that trip naive code, anywhere in a request. */
const hostile = fc.constantFrom<unknown>(
  { toString: 1 },
  { toJSON: 1 },
  [{ toString: 1 }],
  JSON.parse('{"__proto__": {"polluted": true}}'),
  '\u0000',
  JSON.parse('"\\ud800"'),
  JSON.parse('"\\udc00x\\ud800"'),
  1e308,
  -0,
  null,
  [],
  {},
);

const garbage = fc.oneof(
  fc.dictionary(
    fc.string({ maxLength: 10 }),
    fc.oneof(fc.jsonValue({ maxDepth: 6 }), hostile),
    { noNullPrototype: true },
  ),
  fc.jsonValue({ maxDepth: 12 }),
  // Very deep: as a JSON body of a few kilobytes can be.
  fc.integer({ min: 1_000, max: 20_000 }).map(n => ({ deep: n })),
  // Very wide and very large.
  fc.integer({ min: 1, max: 5_000 }).map(n => ({ wide: n })),
);

function build(input: unknown): unknown {
  const { deep, wide } = (input ?? {}) as { deep?: unknown; wide?: unknown };
  if (typeof deep === 'number' && Object.keys(input as object).length === 1)
    return JSON.parse(`{"p": ${'['.repeat(deep)}${']'.repeat(deep)}}`);
  if (typeof wide === 'number' && Object.keys(input as object).length === 1)
    return Object.fromEntries(
      Array.from({ length: wide }, (_, i) => [`p${i}`, 'z'.repeat(i % 50)]),
    );
  return input;
}

// ---------------------------------------------------------------------------

describe('checkParameterSafety (fuzz)', () => {
  afterAll(inputs.report);

  it(
    `finds nothing in ${fuzz.fmt(
      RUNS.safe,
    )} generated safe requests (seed ${SEED})`,
    () => {
      const before = inputs.executed;
      fc.assert(
        fc.property(safeParameters, p => {
          expect(expectContract(run(p))).toEqual([]);
        }),
        { seed: SEED, numRuns: RUNS.safe },
      );
      expect(inputs.executed - before).toBeGreaterThanOrEqual(RUNS.safe);
    },
    fuzz.TIMEOUT_MS,
  );

  it(
    `names the path of the hazard in each of ${fuzz.fmt(
      RUNS.hazards,
    )} generated requests (seed ${SEED})`,
    () => {
      const before = inputs.executed;
      fc.assert(fc.property(withHazard, checkHazard), {
        seed: SEED,
        numRuns: RUNS.hazards,
      });
      expect(inputs.executed - before).toBeGreaterThanOrEqual(RUNS.hazards);
    },
    fuzz.TIMEOUT_MS,
  );

  it(
    `answers ${fuzz.fmt(
      RUNS.garbage,
    )} generated garbage, very deep and very large requests (seed ${SEED}) with a list, never a throw`,
    () => {
      const before = inputs.executed;
      fc.assert(
        fc.property(garbage, input => checkAny(build(input))),
        { seed: SEED, numRuns: RUNS.garbage },
      );
      for (const odd of [undefined, null, 'text', 42, [], ['a', '..']])
        checkAny(odd);
      expect(inputs.executed - before).toBeGreaterThanOrEqual(RUNS.garbage + 6);
      expect(inputs.slowest).toBeLessThan(MAX_CALL_MS);
    },
    fuzz.TIMEOUT_MS,
  );

  it(
    `reports __proto__/constructor/prototype keys at any depth, top level included, in ${fuzz.fmt(
      RUNS.pollution,
    )} generated requests (through JSON.parse, seed ${SEED})`,
    () => {
      const before = inputs.executed;
      fc.assert(
        fc.property(
          safeParameters,
          fc.array(safeKey, { maxLength: 5 }),
          fuzz.prototypeKey,
          (params, route, key) => {
            // The key as JSON text, where JSON.parse makes it an own property.
            let inner = `{${JSON.stringify(key)}: {"polluted": true}}`;
            for (const k of [...route].reverse())
              inner = `{${JSON.stringify(k)}: ${inner}}`;
            const json = `{${JSON.stringify(params).slice(1, -1)}${
              Object.keys(params).length ? ',' : ''
            }"zz_injected": ${inner}}`;
            const direct = `{${JSON.stringify(key)}: {"polluted": true}}`;
            const path = ['zz_injected', ...route, key].join('.');
            expect(expectContract(run(JSON.parse(json)))).toContain(
              `${path} is not an allowed key`,
            );
            expect(expectContract(run(JSON.parse(direct)))).toEqual([
              `${key} is not an allowed key`,
            ]);
          },
        ),
        { seed: SEED, numRuns: RUNS.pollution },
      );
      fuzz.expectNoPollution();
      expect(inputs.executed - before).toBeGreaterThanOrEqual(
        RUNS.pollution * 2,
      );
    },
    fuzz.TIMEOUT_MS,
  );
});
