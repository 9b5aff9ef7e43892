import fc from 'fast-check';
import { DateTime } from 'luxon';
import YAML from 'yaml';
import { windowAt } from './budget';
import { parseOpenSlo, ParsedOpenSlo } from './openslo';

/*
 * Property-based fuzzing of parseOpenSlo (OpenSLO v1 YAML). Contract: every
 * problem is reported as a value with its path and severity, so it never
 * throws; an SLO that cannot be evaluated is rejected with why; the SLOs it
 * accepts can be evaluated.
 *
 * Reproduce a failure with the seed and the path fast-check prints:
 * fc.assert(..., { seed: SEED, path: '...' }).
 */
const SEED = 0x0_5105_1e;
const TIMEOUT_MS = 60_000;
const MAX_PARSE_MS = 2_000;
/** Generated inputs per property. */
const RUNS = { valid: 1_000, garbage: 2_000, mutated: 1_000, pollution: 800 };
const fmt = (count: number) => count.toLocaleString('en-US');
const NOW = new Date('2026-03-15T12:00:00Z');

const OBJECT_PROTOTYPE_KEYS = Object.getOwnPropertyNames(
  Object.prototype,
).sort();
const KINDS = [
  'SLO',
  'SLI',
  'AlertPolicy',
  'AlertCondition',
  'AlertNotificationTarget',
  'DataSource',
  'Service',
];

// ---------------------------------------------------------------------------
// Checks.

let executed = 0;
let slowest = 0;

function run(text: string): ParsedOpenSlo {
  executed++;
  const started = performance.now();
  const result = parseOpenSlo(text);
  slowest = Math.max(slowest, performance.now() - started);
  return result;
}

function expectNoPollution() {
  expect(({} as any).polluted).toBeUndefined();
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(
    OBJECT_PROTOTYPE_KEYS,
  );
}

/**
 * Objects whose prototype is not Object's or Array's. (An own `__proto__` key
 * in a metric source's free-form `spec` is data, passed on as written.)
 */
function unsafeObjects(root: unknown): string[] {
  const bad: string[] = [];
  const seen = new Set<unknown>();
  const stack: Array<[string, unknown]> = [['$', root]];
  while (stack.length > 0) {
    const [path, value] = stack.pop()!;
    if (value === null || typeof value !== 'object' || seen.has(value))
      continue;
    seen.add(value);
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== Array.prototype)
      bad.push(`${path}: prototype replaced`);
    for (const [k, v] of Object.entries(value)) stack.push([`${path}.${k}`, v]);
  }
  return bad;
}

const finitePositive = (v: unknown) =>
  typeof v === 'number' && Number.isFinite(v) && v > 0;

/** Why an accepted SLO cannot be evaluated (budget.ts), if it cannot. */
function notEvaluable(slo: ParsedOpenSlo['slos'][number]): string[] {
  const why: string[] = [];
  const { calendar } = slo.timeWindow;
  try {
    // budget.ts steps back one period at a time from a calendar start after
    // `now`: not a parser matter, and not generated here.
    if (
      calendar &&
      DateTime.fromSQL(calendar.startTime) > DateTime.fromJSDate(NOW)
    )
      throw new Error('calendar start after now');
    const w = windowAt(slo.timeWindow, NOW);
    if (Number.isNaN(w.from.getTime())) why.push('window starts at no date');
    if (!finitePositive(w.periodMinutes)) why.push('window has no length');
  } catch (error) {
    why.push(`window: ${(error as Error).message}`);
  }
  const { objective } = slo;
  if (!(objective.target > 0 && objective.target < 1))
    why.push(`target ${objective.target}`);
  if (
    objective.timeSliceMinutes !== undefined &&
    !finitePositive(objective.timeSliceMinutes)
  )
    why.push(`time slice ${objective.timeSliceMinutes}`);
  for (const r of slo.alerting.rules)
    if (
      !finitePositive(r.longWindowMinutes) ||
      !finitePositive(r.shortWindowMinutes) ||
      r.shortWindowMinutes > r.longWindowMinutes ||
      !finitePositive(r.factor)
    )
      why.push(`alert rule ${r.name}`);
  return why;
}

/** What holds for every input. */
function expectContract(result: ParsedOpenSlo) {
  expectNoPollution();
  expect(unsafeObjects(result)).toEqual([]);
  for (const p of result.problems) {
    expect(typeof p.path).toBe('string');
    expect(p.path.trim().length).toBeGreaterThan(0);
    expect(['error', 'unsupported']).toContain(p.severity);
    expect(typeof p.message).toBe('string');
    expect(p.message.trim().length).toBeGreaterThan(0);
    expect(`${p.path} ${p.message}`).not.toMatch(
      /\[object Object\]|\bundefined\b|\bfunction\b|\[native code\]/,
    );
  }
  for (const r of result.rejected) {
    expect(r.name.length).toBeGreaterThan(0);
    expect(r.problems.some(p => p.severity === 'error')).toBe(true);
    for (const p of r.problems) expect(result.problems).toContain(p);
  }
  for (const [kind, count] of Object.entries(result.kinds)) {
    expect(KINDS).toContain(kind);
    expect(Number.isInteger(count) && count! > 0).toBe(true);
  }
  // What is accepted can be evaluated; what cannot is rejected.
  expect(result.slos.map(notEvaluable).flat()).toEqual([]);
}

function checkAny(text: string) {
  expectContract(run(text));
}

// ---------------------------------------------------------------------------
// Valid OpenSLO.

const name = fc.stringMatching(/^[a-z0-9]([-a-z0-9._]{0,20}[a-z0-9])?$/);
const minutesDuration = fc
  .tuple(fc.integer({ min: 1, max: 90 }), fc.constantFrom('m', 'h', 'd', 'w'))
  .map(([k, unit]) => `${k}${unit}`);
const TIME_ZONES = ['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata'];

interface Spec {
  objects: Array<Record<string, unknown>>;
  slos: number;
  objectives: number;
}

/**
 * A metric source: inline, or a reference resolved to one of the file's
 * data sources when it has any (built without fc.chain: cheaper).
 */
const metricSource = fc.record({
  ref: fc.option(fc.nat(), { nil: undefined }),
  type: fc.constantFrom('Prometheus', 'Portal', 'Datadog'),
  query: fc.string({ unit: 'grapheme', maxLength: 40 }),
});
type RawMetric = typeof metricSource extends fc.Arbitrary<infer T> ? T : never;
const resolveMetric = (m: RawMetric, dataSources: string[]) =>
  m.ref !== undefined && dataSources.length
    ? {
        metricSourceRef: dataSources[m.ref % dataSources.length],
        spec: { query: m.query },
      }
    : { type: m.type, spec: { query: m.query } };

const sliSpec = fc.record({
  threshold: fc.boolean(),
  counter: fc.boolean(),
  goodOrBad: fc.constantFrom('good', 'bad'),
  ratio: metricSource,
  total: metricSource,
});
type RawSli = typeof sliSpec extends fc.Arbitrary<infer T> ? T : never;
const resolveSli = (r: RawSli, dataSources: string[]) =>
  r.threshold
    ? { thresholdMetric: { metricSource: resolveMetric(r.ratio, dataSources) } }
    : {
        ratioMetric: {
          counter: r.counter,
          [r.goodOrBad]: { metricSource: resolveMetric(r.ratio, dataSources) },
          total: { metricSource: resolveMetric(r.total, dataSources) },
        },
      };

const conditionSpec = fc
  .record({
    severity: fc.constantFrom('page', 'ticket', 'critical'),
    op: fc.option(fc.constantFrom('lt', 'lte', 'gt', 'gte'), {
      nil: undefined,
    }),
    threshold: fc.double({ min: 0.1, max: 100, noNaN: true }),
    long: fc.integer({ min: 2, max: 72 }),
    short: fc.integer({ min: 1, max: 60 }),
  })
  .map(c => ({
    severity: c.severity,
    condition: {
      kind: 'burnrate',
      ...(c.op ? { op: c.op } : {}),
      threshold: c.threshold,
      lookbackWindow: `${c.long}h`,
      alertAfter: `${Math.min(c.short, c.long * 60)}m`,
    },
  }));

const timeWindow = fc.oneof(
  fc.record({ duration: minutesDuration, isRolling: fc.constant(true) }),
  fc.record({
    duration: fc
      .tuple(fc.integer({ min: 1, max: 12 }), fc.constantFrom('M', 'Q', 'Y'))
      .map(([k, u]) => `${k}${u}`),
  }),
  fc.record({
    duration: fc
      .tuple(
        fc.integer({ min: 1, max: 12 }),
        fc.constantFrom('d', 'w', 'M', 'Q', 'Y'),
      )
      .map(([k, u]) => `${k}${u}`),
    isRolling: fc.constant(false),
    calendar: fc.record({
      startTime: fc
        .date({
          min: new Date('2020-01-01T00:00:00Z'),
          max: new Date('2026-01-01T00:00:00Z'),
          noInvalidDate: true,
        })
        .map(d => d.toISOString().slice(0, 19).replace('T', ' ')),
      timeZone: fc.constantFrom(...TIME_ZONES),
    }),
  }),
);

const objective = fc.record({
  displayName: fc.option(fc.string({ maxLength: 20 }), { nil: undefined }),
  share: fc.double({ min: 0.5, max: 0.9999, noNaN: true }),
  percent: fc.boolean(),
  op: fc.constantFrom('lt', 'lte', 'gt', 'gte'),
  value: fc.double({ min: -1e6, max: 1e6, noNaN: true }),
  slice: fc.option(minutesDuration, { nil: undefined }),
  sliceTarget: fc.double({ min: 0.01, max: 1, noNaN: true }),
});
type RawObjective = typeof objective extends fc.Arbitrary<infer T> ? T : never;
const resolveObjective = (
  o: RawObjective,
  threshold: boolean,
  timeslices: boolean,
) =>
  JSON.parse(
    JSON.stringify({
      displayName: o.displayName,
      ...(o.percent ? { targetPercent: o.share * 100 } : { target: o.share }),
      ...(threshold ? { op: o.op, value: o.value } : {}),
      ...(timeslices
        ? { timeSliceWindow: o.slice, timeSliceTarget: o.sliceTarget }
        : {}),
    }),
  );

const object = (kind: string, metadataName: string, spec: unknown) => ({
  apiVersion: 'openslo/v1',
  kind,
  metadata: { name: metadataName },
  spec,
});

/** A file of valid objects: data sources, SLIs, conditions, policies, SLOs. */
const validSpec: fc.Arbitrary<Spec> = fc
  .record({
    names: fc.uniqueArray(name, { minLength: 11, maxLength: 11 }),
    dataSources: fc.array(
      fc.record({
        type: fc.constantFrom('Prometheus', 'Datadog'),
        listDetails: fc.boolean(),
      }),
      { maxLength: 2 },
    ),
    slis: fc.tuple(sliSpec, sliSpec),
    conditions: fc.tuple(conditionSpec, conditionSpec),
    slos: fc.array(
      fc.record({
        ref: fc.option(fc.constantFrom(0, 1), { nil: undefined }),
        inline: sliSpec,
        window: timeWindow,
        method: fc.constantFrom('Occurrences', 'Timeslices', 'RatioTimeslices'),
        objectives: fc.array(objective, { minLength: 1, maxLength: 3 }),
        policies: fc.array(fc.nat({ max: 3 }), { maxLength: 2 }),
        description: fc.option(fc.string({ unit: 'grapheme', maxLength: 40 }), {
          nil: undefined,
        }),
      }),
      { minLength: 1, maxLength: 4 },
    ),
  })
  .map(({ names, dataSources, slis, conditions, slos }) => {
    const dsNames = dataSources.map((_, i) => names[i]);
    const sliNames = [names[2], names[3]];
    const conditionNames = [names[4], names[5]];
    const policyName = names[6];
    const policyRef = (k: number) =>
      [
        policyName,
        { alertPolicyRef: policyName },
        {
          kind: 'AlertPolicy',
          metadata: { name: 'inline' },
          spec: { conditions: [{ conditionRef: conditionNames[0] }] },
        },
        {
          kind: 'AlertPolicy',
          metadata: { name: 'inline' },
          spec: { conditions: [{ conditionRef: conditionNames[1] }] },
        },
      ][k];
    const objects = [
      ...dataSources.map((d, i) =>
        object('DataSource', dsNames[i], {
          type: d.type,
          connectionDetails: d.listDetails
            ? [{ url: 'http://prometheus:9090' }, { timeout: '5s' }]
            : { url: 'http://prometheus:9090' },
        }),
      ),
      ...slis.map((spec, i) =>
        object('SLI', sliNames[i], resolveSli(spec, dsNames)),
      ),
      ...conditions.map((spec, i) =>
        object('AlertCondition', conditionNames[i], spec),
      ),
      object('AlertPolicy', policyName, {
        conditions: [
          { conditionRef: conditionNames[0] },
          {
            kind: 'AlertCondition',
            metadata: { name: 'inline-condition' },
            spec: conditions[1],
          },
        ],
      }),
      ...slos.map((s, i) => {
        const sli = s.ref !== undefined ? slis[s.ref] : s.inline;
        return object(
          'SLO',
          names[7 + i],
          JSON.parse(
            JSON.stringify({
              description: s.description,
              service: 'checkout',
              ...(s.ref !== undefined
                ? { indicatorRef: sliNames[s.ref] }
                : { indicator: { spec: resolveSli(s.inline, dsNames) } }),
              timeWindow: [s.window],
              budgetingMethod: s.method,
              objectives: s.objectives.map(o =>
                resolveObjective(o, sli.threshold, s.method !== 'Occurrences'),
              ),
              alertPolicies: s.policies.length
                ? s.policies.map(policyRef)
                : undefined,
            }),
          ),
        );
      }),
    ];
    return {
      objects,
      slos: slos.length,
      objectives: slos.reduce((n, s) => n + s.objectives.length, 0),
    };
  });

type Layout = 'documents' | 'list' | 'json' | 'flow';
const layout = fc.constantFrom<Layout>('documents', 'list', 'json', 'flow');

function write(objects: unknown[], how: Layout): string {
  switch (how) {
    case 'documents':
      return objects.map(o => YAML.stringify(o)).join('---\n');
    case 'list':
      return YAML.stringify(objects);
    case 'json':
      return JSON.stringify(objects, null, 2);
    default:
      return YAML.stringify(objects, { collectionStyle: 'flow' });
  }
}

function checkValid(spec: Spec, how: Layout) {
  const result = run(write(spec.objects, how));
  expectContract(result);
  expect(result.problems.filter(p => p.severity === 'error')).toEqual([]);
  expect(result.rejected).toEqual([]);
  expect(result.slos).toHaveLength(spec.objectives);
  expect(result.kinds.SLO).toBe(spec.slos);
  expect(
    result.problems.filter(p => !/budgetingMethod|duration/.test(p.path)),
  ).toEqual([]);
}

// ---------------------------------------------------------------------------
// Garbage.

const sloToken = fc.oneof(
  fc.constantFrom(
    '\n',
    '\n',
    ' ',
    '  ',
    ': ',
    '- ',
    '[',
    ']',
    '{',
    '}',
    ',',
    '"',
    "'",
    '&a ',
    '*a',
    '---\n',
    '%YAML 1.1\n---\n',
    'apiVersion: openslo/v1\n',
    'apiVersion: openslo/v2alpha\n',
    'kind: SLO\n',
    'kind: SLI\n',
    'kind: DataSource\n',
    'kind: AlertPolicy\n',
    'kind: ',
    'metadata:\n  name: x\n',
    'spec:\n',
    '  timeWindow:\n    - duration: 28d\n',
    '  budgetingMethod: Occurrences\n',
    '  objectives:\n    - target: 0.99\n',
    '  indicatorRef: x\n',
    '  alertPolicies: [x]\n',
    'target: ',
    '0.999',
    '1e400',
    '-0',
    '.nan',
    '9'.repeat(400),
    '99999999999999999999',
    'd',
    'M',
    '__proto__: ',
    'constructor: ',
    'toString: ',
    '\ufeff',
  ),
  fc.string({ maxLength: 5 }),
);
const sloNoise = fc.array(sloToken, { maxLength: 80 }).map(t => t.join(''));

const edits = fc.array(
  fc.record({ at: fc.nat(), remove: fc.nat({ max: 4 }), insert: sloToken }),
  { minLength: 1, maxLength: 5 },
);

/** Values that trip naive code in any field. */
const hostile = fc.constantFrom<unknown>(
  { toString: 1 },
  { toString: null, valueOf: null },
  [{ toString: 1 }],
  JSON.parse('{"__proto__": {"polluted": true}}'),
  { constructor: { prototype: { polluted: true } } },
  '',
  ' ',
  '9'.repeat(400),
  `${'9'.repeat(400)}d`,
  `${'9'.repeat(20)}h`,
  `${'9'.repeat(12)}M`,
  `${'9'.repeat(400)}Y`,
  '0m',
  'not a time',
  '2026-13-45 99:99:99',
  'Mars/Olympus_Mons',
  1e308,
  -1,
  0,
  1,
  null,
  [],
  {},
);
const replacement = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 2, arbitrary: hostile },
);

/** Replaces, deletes or wraps the value at a random path. */
function mutate(root: unknown, choices: number[], value: unknown): unknown {
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

const mutatedSpec = fc
  .tuple(
    validSpec,
    fc.array(fc.array(fc.nat(), { minLength: 1, maxLength: 7 }), {
      minLength: 1,
      maxLength: 3,
    }),
    fc.array(replacement, { minLength: 3, maxLength: 3 }),
    layout,
  )
  .map(([spec, paths, values, how]) => {
    const objects = paths.reduce<unknown>(
      (doc, p, i) => mutate(doc, p, values[i]),
      spec.objects,
    );
    return write(Array.isArray(objects) ? objects : [objects], how);
  });

const garbage = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.string({ unit: 'grapheme', maxLength: 300 }),
  { weight: 3, arbitrary: sloNoise },
  {
    weight: 3,
    arbitrary: fc.tuple(validSpec, layout, edits).map(([spec, how, list]) =>
      list.reduce((t, e) => {
        const at = t.length === 0 ? 0 : e.at % t.length;
        return t.slice(0, at) + e.insert + t.slice(at + e.remove);
      }, write(spec.objects, how)),
    ),
  },
  fc
    .integer({ min: 10, max: 1_500 })
    .map(
      d =>
        `apiVersion: openslo/v1\nkind: SLO\nspec: ${'['.repeat(d)}${']'.repeat(
          d,
        )}\n`,
    ),
  fc
    .tuple(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 2, max: 12 }))
    .map(([levels, width]) => {
      const lines = ['a0: &a0 [x]'];
      for (let i = 1; i <= levels; i++)
        lines.push(
          `a${i}: &a${i} [${`*a${i - 1}, `.repeat(width - 1)}*a${i - 1}]`,
        );
      return lines.join('\n');
    }),
);

// ---------------------------------------------------------------------------
// Prototype pollution.

const DANGEROUS = ['__proto__', 'constructor', 'prototype'];

const pollutedSpec = fc
  .tuple(
    validSpec,
    fc.array(fc.array(fc.nat(), { minLength: 1, maxLength: 7 }), {
      minLength: 1,
      maxLength: 3,
    }),
    fc.constantFrom(...DANGEROUS),
    fc.constantFrom<Layout>('documents', 'list', 'json'),
  )
  .map(([spec, paths, key, how]) => {
    // A marker key, renamed in the text: a JS literal would set the prototype.
    const objects = paths.reduce<unknown>(
      (doc, p) =>
        mutate(doc, p, {
          'marker-key': {
            polluted: true,
            type: 'Prometheus',
            name: 'evil',
            target: 0.5,
          },
        }),
      spec.objects,
    );
    return write(Array.isArray(objects) ? objects : [objects], how).replace(
      /marker-key/g,
      key,
    );
  });

// ---------------------------------------------------------------------------

describe('parseOpenSlo (fuzz)', () => {
  afterAll(() => {
    // eslint-disable-next-line no-console
    console.log(
      `fuzz parseOpenSlo: ${executed} inputs, seed ${SEED}, slowest ${slowest.toFixed(
        1,
      )} ms`,
    );
  });

  it(
    `accepts all ${fmt(
      RUNS.valid,
    )} generated valid OpenSLO files (seed ${SEED}), one SLO per objective`,
    () => {
      const before = executed;
      fc.assert(fc.property(validSpec, layout, checkValid), {
        seed: SEED,
        numRuns: RUNS.valid,
      });
      expect(executed - before).toBeGreaterThanOrEqual(RUNS.valid);
    },
    TIMEOUT_MS,
  );

  it(
    `survives ${fmt(
      RUNS.garbage,
    )} generated garbage files (seed ${SEED}) without throwing`,
    () => {
      const before = executed;
      fc.assert(fc.property(garbage, checkAny), {
        seed: SEED,
        numRuns: RUNS.garbage,
      });
      expect(executed - before).toBeGreaterThanOrEqual(RUNS.garbage);
      expect(slowest).toBeLessThan(MAX_PARSE_MS);
    },
    TIMEOUT_MS,
  );

  it(
    `rejects or evaluates each of ${fmt(
      RUNS.mutated,
    )} generated valid files with a field replaced (seed ${SEED})`,
    () => {
      const before = executed;
      fc.assert(fc.property(mutatedSpec, checkAny), {
        seed: SEED,
        numRuns: RUNS.mutated,
      });
      expect(executed - before).toBeGreaterThanOrEqual(RUNS.mutated);
    },
    TIMEOUT_MS,
  );

  it(
    `never lets ${fmt(
      RUNS.pollution,
    )} generated files with __proto__/constructor/prototype keys (YAML and JSON, seed ${SEED}) pollute`,
    () => {
      const before = executed;
      fc.assert(fc.property(pollutedSpec, checkAny), {
        seed: SEED,
        numRuns: RUNS.pollution,
      });
      const texts = [
        '{"__proto__": {"polluted": true}}',
        '[{"apiVersion": "openslo/v1", "kind": "SLO", "__proto__": {"polluted": true}}]',
        'apiVersion: openslo/v1\nkind: DataSource\nmetadata: {name: d}\nspec:\n  type: P\n  connectionDetails: [{__proto__: {polluted: true}}, {constructor: {prototype: {polluted: true}}}]\n',
        'apiVersion: openslo/v1\nkind: SLO\nmetadata: {name: s, labels: {__proto__: {polluted: true}}}\nspec: {}\n',
        '%YAML 1.1\n---\nbase: &b {__proto__: {polluted: true}}\napiVersion: openslo/v1\nkind: SLI\nmetadata: {name: x}\nspec:\n  thresholdMetric:\n    metricSource:\n      type: P\n      spec: {<<: *b}\n',
      ];
      for (const text of texts) checkAny(text);
      expectNoPollution();
      expect(executed - before).toBeGreaterThanOrEqual(
        RUNS.pollution + texts.length,
      );
    },
    TIMEOUT_MS,
  );
});
