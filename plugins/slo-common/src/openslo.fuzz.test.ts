import * as fuzz from '@internal/fuzz-test-utils';
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
const MAX_PARSE_MS = 2_000;
/** Generated inputs per property. */
const RUNS = { valid: 1_000, garbage: 2_000, mutated: 1_000, pollution: 800 };
const NOW = new Date('2026-03-15T12:00:00Z');

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

const inputs = fuzz.createInputCounter('parseOpenSlo', SEED);

function run(text: string): ParsedOpenSlo {
  return inputs.time(() => parseOpenSlo(text));
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
  fuzz.expectNoPollution();
  // An own `__proto__` key in a metric source's free-form `spec` is data,
  // passed on as written.
  expect(fuzz.unsafeObjects(result, { allowOwnProtoKey: true })).toEqual([]);
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
const sloNoise = fuzz.tokenText(sloToken);

const edits = fuzz.textEdits(sloToken, { maxRemove: 4, maxEdits: 5 });

/** Values that trip naive code in any field. */
const hostile = fc.constantFrom<unknown>(
  ...fuzz.TRAP_VALUES,
  ...fuzz.POLLUTING_VALUES,
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
const replacement = fuzz.jsonOrHostile(hostile);

const mutatedSpec = fc
  .tuple(
    validSpec,
    fuzz.mutationPaths(7),
    fuzz.replacements(replacement),
    layout,
  )
  .map(([spec, paths, values, how]) => {
    const objects = fuzz.applyMutations(spec.objects, paths, values);
    return write(Array.isArray(objects) ? objects : [objects], how);
  });

const garbage = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.string({ unit: 'grapheme', maxLength: 300 }),
  { weight: 3, arbitrary: sloNoise },
  {
    weight: 3,
    arbitrary: fc
      .tuple(validSpec, layout, edits)
      .map(([spec, how, list]) =>
        fuzz.applyEdits(write(spec.objects, how), list),
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
    .map(([levels, width]) => fuzz.yamlAliasBomb(levels, width, '[x]')),
);

// ---------------------------------------------------------------------------
// Prototype pollution.

const pollutedSpec = fc
  .tuple(
    validSpec,
    fuzz.mutationPaths(7),
    fuzz.prototypeKey,
    fc.constantFrom<Layout>('documents', 'list', 'json'),
  )
  .map(([spec, paths, key, how]) => {
    // A marker key, renamed in the text: a JS literal would set the prototype.
    const objects = paths.reduce<unknown>(
      (doc, p) =>
        fuzz.mutate(doc, p, {
          [fuzz.MARKER_KEY]: {
            polluted: true,
            type: 'Prometheus',
            name: 'evil',
            target: 0.5,
          },
        }),
      spec.objects,
    );
    return write(Array.isArray(objects) ? objects : [objects], how).replaceAll(
      fuzz.MARKER_KEY,
      key,
    );
  });

// ---------------------------------------------------------------------------

describe('parseOpenSlo (fuzz)', () => {
  afterAll(inputs.report);

  it(
    `accepts all ${fuzz.fmt(
      RUNS.valid,
    )} generated valid OpenSLO files (seed ${SEED}), one SLO per objective`,
    () => {
      const before = inputs.executed;
      fc.assert(fc.property(validSpec, layout, checkValid), {
        seed: SEED,
        numRuns: RUNS.valid,
      });
      expect(inputs.executed - before).toBeGreaterThanOrEqual(RUNS.valid);
    },
    fuzz.TIMEOUT_MS,
  );

  it(
    `survives ${fuzz.fmt(
      RUNS.garbage,
    )} generated garbage files (seed ${SEED}) without throwing`,
    () => {
      const before = inputs.executed;
      fc.assert(fc.property(garbage, checkAny), {
        seed: SEED,
        numRuns: RUNS.garbage,
      });
      expect(inputs.executed - before).toBeGreaterThanOrEqual(RUNS.garbage);
      expect(inputs.slowest).toBeLessThan(MAX_PARSE_MS);
    },
    fuzz.TIMEOUT_MS,
  );

  it(
    `rejects or evaluates each of ${fuzz.fmt(
      RUNS.mutated,
    )} generated valid files with a field replaced (seed ${SEED})`,
    () => {
      const before = inputs.executed;
      fc.assert(fc.property(mutatedSpec, checkAny), {
        seed: SEED,
        numRuns: RUNS.mutated,
      });
      expect(inputs.executed - before).toBeGreaterThanOrEqual(RUNS.mutated);
    },
    fuzz.TIMEOUT_MS,
  );

  it(
    `never lets ${fuzz.fmt(
      RUNS.pollution,
    )} generated files with __proto__/constructor/prototype keys (YAML and JSON, seed ${SEED}) pollute`,
    () => {
      const before = inputs.executed;
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
      fuzz.expectNoPollution();
      expect(inputs.executed - before).toBeGreaterThanOrEqual(
        RUNS.pollution + texts.length,
      );
    },
    fuzz.TIMEOUT_MS,
  );
});
