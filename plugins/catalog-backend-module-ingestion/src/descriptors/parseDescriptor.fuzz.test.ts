import { isUtf8 } from 'node:buffer';
import * as fuzz from '@internal/fuzz-test-utils';
import fc from 'fast-check';
import YAML from 'yaml';
import { parseDescriptor, ParseResult } from './parseDescriptor';

/*
 * Property-based fuzzing of parseDescriptor (catalog-info.yaml, multi-document
 * YAML). The parser reports every problem as a value, so it must never throw.
 *
 * Reproduce a failure with the seed and the path fast-check prints:
 * fc.assert(..., { seed: SEED, path: '...' }).
 */
const SEED = 0x5eed_d35c;
/** Generated inputs per property. */
const RUNS = { valid: 800, garbage: 2_500, bombs: 150, pollution: 1_200 };
/** Slowest single parse allowed: a hang or a blow-up fails the property. */
const MAX_PARSE_MS = 2_000;

/** Prototypes a document may hold besides Object's and Array's. */
const YAML_PROTOTYPES = [
  null,
  // YAML 1.1 documents (`%YAML 1.1`) can hold !!timestamp, !!binary,
  // !!set and !!omap values.
  Date.prototype,
  Map.prototype,
  Set.prototype,
  Uint8Array.prototype,
  Buffer.prototype,
];

// ---------------------------------------------------------------------------
// Checks (module-level functions, so that their conditions are not inside a
// test body).

const inputs = fuzz.createInputCounter('parseDescriptor', SEED);

function run(content: Buffer): ParseResult {
  return inputs.time(() => parseDescriptor(content));
}

function lineCount(content: Buffer): number {
  return content.toString('utf8').split(/\r\n|\r|\n/).length;
}

/** What holds for every input, valid or not. */
function expectWellFormed(content: Buffer, result: ParseResult) {
  fuzz.expectNoPollution();
  expect(Array.isArray(result.documents)).toBe(true);
  expect(Array.isArray(result.problems)).toBe(true);
  const lines = lineCount(content);
  for (const problem of result.problems) {
    fuzz.expectReadable(problem.message, {
      leaks: /undefined|\[object Object\]/,
    });
    expect(problem.message).not.toMatch(/\n/);
    if (problem.line !== undefined) {
      expect(Number.isInteger(problem.line)).toBe(true);
      expect(problem.line).toBeGreaterThanOrEqual(1);
      expect(problem.line).toBeLessThanOrEqual(lines);
    }
  }
  for (const doc of result.documents) {
    expect(doc.data).not.toBeNull();
    expect(doc.data).not.toBeUndefined();
    expect(Number.isInteger(doc.line)).toBe(true);
    expect(doc.line).toBeGreaterThanOrEqual(1);
    expect(doc.line).toBeLessThanOrEqual(lines);
    expect(
      fuzz.unsafeObjects(doc.data, { otherPrototypes: YAML_PROTOTYPES }),
    ).toEqual([]);
  }
  if (content.includes(0)) {
    expect(result).toEqual({
      documents: [],
      problems: [{ message: 'binary file, expected YAML text' }],
    });
  } else if (!isUtf8(content)) {
    expect(result).toEqual({
      documents: [],
      problems: [{ message: 'not valid UTF-8 text' }],
    });
  } else {
    // Text: every problem names its line.
    for (const problem of result.problems)
      expect(problem.line).toEqual(expect.any(Number));
  }
  // A broken YAML file yields nothing at all.
  if (result.problems.some(p => p.message.startsWith('YAML syntax error')))
    expect(result.documents).toEqual([]);
}

function checkAnyBuffer(content: Buffer) {
  expectWellFormed(content, run(content));
}

function checkAnyText(text: string) {
  checkAnyBuffer(Buffer.from(text, 'utf8'));
}

// ---------------------------------------------------------------------------
// Generators.

const ENTITY_KEYS = [
  'apiVersion',
  'kind',
  'metadata',
  'spec',
  'name',
  'namespace',
  'title',
  'description',
  'annotations',
  'labels',
  'tags',
  'links',
  'url',
  'owner',
  'type',
  'lifecycle',
  'system',
  'dependsOn',
  'providesApis',
  'definition',
  'backstage.io/techdocs-ref',
  'github.com/project-slug',
];

const key = fc
  .oneof(
    { weight: 3, arbitrary: fc.constantFrom(...ENTITY_KEYS) },
    fc.string({ maxLength: 12 }),
    fc.string({ unit: 'grapheme', maxLength: 8 }),
  )
  .filter(k => k !== '__proto__');

const scalar = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  fc.string({ maxLength: 20 }),
  fc.constantFrom(
    'true',
    'no',
    'null',
    '~',
    '0x1F',
    '.inf',
    '1e400',
    '2024-01-01',
    '- item',
    'a: b',
    '#',
    '&anchor',
    '*alias',
    '!!binary',
    '"',
    "'",
    '\t',
    ' leading',
    'trailing ',
    '\ufeff',
  ),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(
    Number.MAX_SAFE_INTEGER,
    Number.MAX_VALUE,
    Number.MIN_VALUE,
    1e21,
    -1e-7,
  ),
  fc.boolean(),
  fc.constant(null),
  fc.string({ unit: 'grapheme-ascii', minLength: 1_000, maxLength: 3_000 }),
);

const { tree } = fc.letrec<{ tree: unknown }>(tie => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(tie('tree'), { maxLength: 4 }),
    fc.dictionary(key, tie('tree'), { maxKeys: 5, noNullPrototype: true }),
  ),
}));

/** A catalog entity-like document, normalised through JSON (no -0, NaN). */
const entity = fc
  .record(
    {
      apiVersion: fc.constantFrom(
        'backstage.io/v1alpha1',
        'backstage.io/v1beta1',
        'scaffolder.backstage.io/v1beta3',
      ),
      kind: fc.constantFrom(
        'Component',
        'API',
        'System',
        'Domain',
        'Group',
        'User',
        'Resource',
        'Location',
        'Template',
      ),
      metadata: fc.record(
        {
          name: fc.stringMatching(/^[a-z0-9]([-a-z0-9_.]{0,30}[a-z0-9])?$/),
          namespace: fc.constantFrom('default', 'team-a'),
          title: fc.string({ unit: 'grapheme', maxLength: 30 }),
          description: fc.string({ unit: 'grapheme', maxLength: 200 }),
          annotations: fc.dictionary(key, fc.string({ maxLength: 30 }), {
            maxKeys: 4,
            noNullPrototype: true,
          }),
          tags: fc.array(fc.stringMatching(/^[a-z0-9-]{1,10}$/), {
            maxLength: 4,
          }),
        },
        { requiredKeys: ['name'] },
      ),
      spec: fc.dictionary(key, tree, { maxKeys: 6, noNullPrototype: true }),
    },
    { requiredKeys: ['apiVersion', 'kind', 'metadata'] },
  )
  .map(e => JSON.parse(JSON.stringify(e)) as Record<string, unknown>);

type Style = 'yaml-block' | 'yaml-flow' | 'yaml-quoted' | 'json' | 'json-crlf';
const style = fc.constantFrom<Style>(
  'yaml-block',
  'yaml-flow',
  'yaml-quoted',
  'json',
  'json-crlf',
);

function serialise(doc: unknown, how: Style, indent: number): string {
  switch (how) {
    case 'yaml-block':
      return YAML.stringify(doc, { indent });
    case 'yaml-flow':
      return YAML.stringify(doc, { collectionStyle: 'flow' });
    case 'yaml-quoted':
      return YAML.stringify(doc, {
        defaultStringType: 'QUOTE_DOUBLE',
        defaultKeyType: 'PLAIN',
      });
    case 'json':
      return `${JSON.stringify(doc, null, indent)}\n`;
    default:
      return `${JSON.stringify(doc, null, indent).replace(/\n/g, '\r\n')}\r\n`;
  }
}

/** A valid multi-document descriptor file and the documents it holds. */
const validFile = fc
  .record({
    docs: fc.array(fc.record({ doc: entity, how: style }), {
      minLength: 1,
      maxLength: 4,
    }),
    indent: fc.integer({ min: 1, max: 4 }),
    leadingMarker: fc.boolean(),
    trailing: fc.constantFrom('', '---\n', '...\n', '# end\n'),
    comment: fc.option(fc.string({ unit: 'grapheme-ascii', maxLength: 30 }), {
      nil: undefined,
    }),
    bom: fc.boolean(),
  })
  .map(f => {
    const parts = f.docs.map(d => serialise(d.doc, d.how, f.indent));
    const head =
      f.comment !== undefined ? `# ${f.comment.replace(/[\r\n]/g, ' ')}\n` : '';
    const text = `${f.bom ? '\ufeff' : ''}${head}${
      f.leadingMarker ? '---\n' : ''
    }${parts.join('---\n')}${f.trailing}`;
    return { text, docs: f.docs.map(d => d.doc) };
  });

/** YAML-shaped noise: indicators, anchors, tags, directives, keys. */
const yamlToken = fc.oneof(
  fc.constantFrom(
    '\n',
    '\n',
    '\r\n',
    '\r',
    ' ',
    '  ',
    '\t',
    ': ',
    ':',
    '- ',
    '-',
    '? ',
    ',',
    '[',
    ']',
    '{',
    '}',
    '"',
    "'",
    '\\',
    '#',
    '|',
    '>',
    '|-',
    '>+',
    '&a ',
    '&b ',
    '*a',
    '*b',
    '*missing',
    '!!str ',
    '!!binary ',
    '!!map',
    '!!set ',
    '!!omap ',
    '!!timestamp ',
    '!custom ',
    '!<tag:yaml.org,2002:str> ',
    '<<: ',
    '<<: *a',
    '%YAML 1.1\n',
    '%YAML 1.2\n',
    '%TAG ! tag:example.com,2000:\n',
    '---\n',
    '--- ',
    '...\n',
    'apiVersion: backstage.io/v1alpha1\n',
    'kind: Component\n',
    'metadata:\n  name: x\n',
    'spec:\n',
    'name',
    '__proto__',
    'constructor',
    'prototype',
    'polluted: true',
    '1e400',
    '0x7fffffffffffffffff',
    '123456789012345678901234567890',
    '.nan',
    '\ufeff',
    '\u2028',
    '\u0085',
    '💥',
  ),
  fc.string({ maxLength: 6 }),
);
const yamlNoise = fuzz.tokenText(yamlToken);

/** A valid file with random edits: inserted, removed or replaced bytes. */
const mutatedFile = fc
  .tuple(
    validFile,
    fuzz.textEdits(fc.oneof(yamlToken, fc.string({ maxLength: 3 })), {
      maxRemove: 5,
      maxEdits: 6,
    }),
  )
  .map(([{ text }, edits]) => fuzz.applyEdits(text, edits));

/** Alias expansion bombs ("billion laughs") and long alias chains. */
const aliasBomb = fc
  .record({
    levels: fc.integer({ min: 1, max: 25 }),
    width: fc.integer({ min: 2, max: 9 }),
  })
  .map(
    ({ levels, width }) => `${fuzz.yamlAliasBomb(levels, width, '"lol"')}\n`,
  );

/** Deep nesting, in flow and block style. */
const deepNesting = fc.oneof(
  fc
    .integer({ min: 50, max: 5_000 })
    .map(n => `${'['.repeat(n)}1${']'.repeat(n)}`),
  fc
    .integer({ min: 50, max: 3_000 })
    .map(n => `${'{a: '.repeat(n)}1${'}'.repeat(n)}`),
  fc
    .integer({ min: 10, max: 150 })
    .map(n =>
      Array.from({ length: n }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n'),
    ),
  fc.integer({ min: 10, max: 150 }).map(n => `${'- '.repeat(n)}x\n`),
);

// ---------------------------------------------------------------------------
// Prototype pollution.

const pollutingValue = fc.constantFrom<unknown>(
  { polluted: true },
  { polluted: 'yes', toString: 'x' },
  { prototype: { polluted: true } },
  [{ polluted: true }],
  'polluted',
  null,
);

/**
 * An entity with a dangerous key nested `depth` levels below `spec`, and
 * whether it holds `__proto__` (which the parser must report).
 */
const pollutedEntity = fc
  .record({
    base: entity,
    name: fuzz.prototypeKey,
    value: pollutingValue,
    path: fc.array(
      fc.oneof(key, fc.constantFrom(...fuzz.PROTOTYPE_KEYS.slice(1))),
      { maxLength: 8 },
    ),
    // Now and then far deeper than any real descriptor.
    deep: fc.oneof(
      { weight: 5, arbitrary: fc.constant(undefined) },
      fc.integer({ min: 60, max: 130 }),
    ),
  })
  .map(({ base, name, value, path, deep }) => {
    const keys =
      deep === undefined
        ? path
        : Array.from({ length: deep }, (_, i) => `k${i}`);
    let inner: unknown = fuzz.withOwnKey({}, name, value);
    for (const k of [...keys].reverse()) inner = fuzz.withOwnKey({}, k, inner);
    return { doc: { ...base, spec: inner }, proto: name === '__proto__' };
  });

/** Hand-picked inputs checked on every run, besides the generated ones. */
const TRICKY_TEXTS = [
  '&a [*a]',
  '&a {x: *a}',
  'a: &a {x: *a, y: [*a]}',
  'a: &a {x: *a, __proto__: 1}',
  '*a',
  '&a',
  '---\n---\n---',
  'n: 1e400\nm: -1e400\nh: 0x7fffffffffffffffffffffff\nb: 123456789012345678901234567890',
  `a: ${'x'.repeat(200_000)}`,
  `${'- '.repeat(400)}x`,
  '%YAML 1.1\n---\nt: 2001-12-14t21:59:43.10-05:00\nb: !!binary aGVsbG8=\ns: !!set {a, b}\no: !!omap [a: 1]\n',
  '\ufeff\ufeffa: 1',
  'a: 1\na: 2',
];

/** As JSON.parse would read them: each must be refused. */
const JSON_PROTO_TEXTS = [
  '{"__proto__": {"polluted": true}}',
  '{"a": {"__proto__": {"polluted": true}}}',
  '[{"__proto__": {"polluted": true}}]',
  '{"a": [1, {"b": {"__proto__": {"toString": "polluted"}}}]}',
];

const POLLUTION_TEXTS = [
  ...JSON_PROTO_TEXTS,
  '{"constructor": {"prototype": {"polluted": true}}}',
  '__proto__:\n  polluted: true\n',
  '"__proto__": {polluted: true}\n',
  '? __proto__\n: {polluted: true}\n',
  'a: &x {__proto__: {polluted: true}}\nb: *x\n',
  '%YAML 1.1\n---\nbase: &b {__proto__: {polluted: true}}\nx:\n  <<: *b\n',
  '%YAML 1.1\n---\nx:\n  <<: {constructor: {prototype: {polluted: true}}}\n',
  'constructor:\n  prototype:\n    polluted: true\n',
  'prototype: {polluted: true}\n',
  '!!map {__proto__: !!map {polluted: true}}\n',
  '%YAML 1.1\n---\n!!omap [__proto__: {polluted: true}]\n',
  '%YAML 1.1\n---\n!!set {__proto__, polluted}\n',
];

function checkPolluted(
  docs: Array<{ doc: Record<string, unknown>; proto: boolean }>,
  how: Style,
) {
  const text = docs.map(d => serialise(d.doc, how, 2)).join('---\n');
  const content = Buffer.from(text, 'utf8');
  const result = run(content);
  expectWellFormed(content, result);
  // Each document with __proto__ anywhere is refused with its line and the
  // key; the others are read, with constructor and prototype as plain data.
  const refused = docs.filter(d => d.proto).length;
  expect(result.problems).toHaveLength(refused);
  for (const p of result.problems)
    expect(p.message).toMatch(/^forbidden key ".*__proto__" in document$/);
  expect(result.documents.map(d => d.data)).toEqual(
    docs.filter(d => !d.proto).map(d => d.doc),
  );
}

// ---------------------------------------------------------------------------

describe('parseDescriptor (fuzz)', () => {
  afterAll(inputs.report);

  it(
    `reads all ${fuzz.fmt(
      RUNS.valid,
    )} generated valid descriptor files (seed ${SEED}) document by document`,
    () => {
      const before = inputs.executed;
      fc.assert(
        fc.property(validFile, ({ text, docs }) => {
          const content = Buffer.from(text, 'utf8');
          const result = run(content);
          expectWellFormed(content, result);
          expect(result.problems).toEqual([]);
          expect(result.documents.map(d => d.data)).toEqual(docs);
          const lines = result.documents.map(d => d.line);
          expect([...lines].sort((a, b) => a - b)).toEqual(lines);
          expect(new Set(lines).size).toBe(lines.length);
        }),
        { seed: SEED, numRuns: RUNS.valid },
      );
      expect(inputs.executed - before).toBeGreaterThanOrEqual(RUNS.valid);
    },
    fuzz.TIMEOUT_MS,
  );

  it(
    `survives ${fuzz.fmt(
      RUNS.garbage,
    )} generated garbage inputs (seed ${SEED}): bytes, strings, YAML noise, edits, alias bombs, deep nesting`,
    () => {
      const before = inputs.executed;
      fc.assert(
        fc.property(
          fc.oneof(
            fc.uint8Array({ maxLength: 512 }).map(a => Buffer.from(a)),
            fc
              .string({ unit: 'binary', maxLength: 300 })
              .map(s => Buffer.from(s, 'utf8')),
            fc
              .string({ unit: 'grapheme', maxLength: 300 })
              .map(s => Buffer.from(s, 'utf8')),
            {
              weight: 3,
              arbitrary: yamlNoise.map(s => Buffer.from(s, 'utf8')),
            },
            {
              weight: 3,
              arbitrary: mutatedFile.map(s => Buffer.from(s, 'utf8')),
            },
            aliasBomb.map(s => Buffer.from(s, 'utf8')),
            deepNesting.map(s => Buffer.from(s, 'utf8')),
            // Valid text with a stray NUL or an invalid UTF-8 byte.
            fc
              .tuple(
                validFile,
                fc.nat(),
                fc.constantFrom(0x00, 0xff, 0xc3, 0x80),
              )
              .map(([{ text }, at, byte]) => {
                const b = Buffer.from(text, 'utf8');
                const i = at % (b.length + 1);
                return Buffer.concat([
                  b.subarray(0, i),
                  Buffer.from([byte]),
                  b.subarray(i),
                ]);
              }),
          ),
          checkAnyBuffer,
        ),
        { seed: SEED, numRuns: RUNS.garbage },
      );
      for (const text of TRICKY_TEXTS) checkAnyText(text);
      expect(inputs.executed - before).toBeGreaterThanOrEqual(
        RUNS.garbage + TRICKY_TEXTS.length,
      );
      expect(inputs.slowest).toBeLessThan(MAX_PARSE_MS);
    },
    fuzz.TIMEOUT_MS,
  );

  it(
    `refuses alias bombs with a problem instead of expanding them (${fuzz.fmt(
      RUNS.bombs,
    )} generated, seed ${SEED})`,
    () => {
      const before = inputs.executed;
      fc.assert(
        fc.property(
          fc.integer({ min: 6, max: 40 }),
          fc.integer({ min: 9, max: 20 }),
          (levels, width) => {
            const content = Buffer.from(
              fuzz.yamlAliasBomb(levels, width, '[lol]'),
              'utf8',
            );
            const result = run(content);
            expectWellFormed(content, result);
            expect(result.documents).toEqual([]);
            expect(result.problems).toEqual([
              { line: 1, message: expect.stringMatching(/alias/i) },
            ]);
          },
        ),
        { seed: SEED, numRuns: RUNS.bombs },
      );
      expect(inputs.executed - before).toBeGreaterThanOrEqual(RUNS.bombs);
      expect(inputs.slowest).toBeLessThan(MAX_PARSE_MS);
    },
    fuzz.TIMEOUT_MS,
  );

  it(
    `never lets ${fuzz.fmt(
      RUNS.pollution,
    )} generated __proto__/constructor/prototype documents (YAML and JSON, nested up to 130 deep) reach Object.prototype (seed ${SEED})`,
    () => {
      const before = inputs.executed;
      fc.assert(
        fc.property(
          fc.array(
            fc.oneof(
              pollutedEntity,
              entity.map(doc => ({ doc, proto: false })),
            ),
            { minLength: 1, maxLength: 3 },
          ),
          style,
          checkPolluted,
        ),
        { seed: SEED, numRuns: RUNS.pollution },
      );
      for (const text of POLLUTION_TEXTS) checkAnyText(text);
      // The literal JSON.parse-style payloads, as JSON text.
      for (const text of JSON_PROTO_TEXTS) {
        const result = run(Buffer.from(text, 'utf8'));
        expect(result.documents).toEqual([]);
        expect(result.problems).toEqual([
          {
            line: 1,
            message: expect.stringMatching(/^forbidden key ".*__proto__"/),
          },
        ]);
      }
      expect(inputs.executed - before).toBeGreaterThanOrEqual(
        RUNS.pollution + POLLUTION_TEXTS.length + JSON_PROTO_TEXTS.length,
      );
      fuzz.expectNoPollution();
    },
    fuzz.TIMEOUT_MS,
  );
});
