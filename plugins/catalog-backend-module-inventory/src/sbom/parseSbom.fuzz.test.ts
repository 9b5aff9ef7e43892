import { InputError } from '@backstage/errors';
import * as fuzz from '@internal/fuzz-test-utils';
import fc from 'fast-check';
import { PackageURL } from 'packageurl-js';
import { MAX_SBOM_PACKAGES, ParsedSbom, parseSbom } from './parseSbom';

/*
 * Property-based fuzzing of parseSbom (CycloneDX and SPDX JSON, as parsed by
 * JSON.parse). Contract: a document this reader cannot use is refused with an
 * InputError that says what and where; skipped parts are warnings; nothing
 * else is ever thrown.
 *
 * Reproduce a failure with the seed and the path fast-check prints:
 * fc.assert(..., { seed: SEED, path: '...' }).
 */
const SEED = 0x5b0_0001;
const MAX_PARSE_MS = 2_000;
/** Generated inputs per property. */
const RUNS = { valid: 1_500, garbage: 3_000, pollution: 1_000 };

// ---------------------------------------------------------------------------
// Checks.

const inputs = fuzz.createInputCounter('parseSbom', SEED);

type Outcome = fuzz.Attempt<ParsedSbom>;

function run(data: unknown): Outcome {
  return inputs.attempt(() => parseSbom(data));
}

/** No `[object Object]` nor `undefined` in a message. */
const LEAKS = /\[object Object\]|\bundefined\b/;

/** What holds for every input. */
function expectContract(outcome: Outcome): ParsedSbom | undefined {
  fuzz.expectNoPollution();
  if ('error' in outcome) {
    expect(outcome.error).toBeInstanceOf(InputError);
    expect((outcome.error as Error).name).toBe('InputError');
    fuzz.expectReadable((outcome.error as Error).message, { leaks: LEAKS });
    return undefined;
  }
  const { value: sbom } = outcome;
  expect(['cyclonedx', 'spdx']).toContain(sbom.format);
  expect(fuzz.unsafeObjects(sbom)).toEqual([]);
  if (sbom.rootName !== undefined) expect(typeof sbom.rootName).toBe('string');
  for (const w of sbom.warnings) fuzz.expectReadable(w, { leaks: LEAKS });
  const purls = sbom.packages.map(p => p.purl);
  expect(new Set(purls).size).toBe(purls.length);
  for (const p of sbom.packages) {
    expect(p.purl).toMatch(/^pkg:[a-z0-9.+-]+\//);
    expect(typeof p.type).toBe('string');
    expect(typeof p.name).toBe('string');
    expect(p.name.length).toBeGreaterThan(0);
    expect(typeof p.version).toBe('string');
    expect(typeof p.direct).toBe('boolean');
    // The purl reads back as the package it describes (packageurl-js trims
    // the names it writes).
    const back = PackageURL.fromString(p.purl);
    expect([back.type, back.name, back.version ?? '']).toEqual([
      p.type,
      p.name.trim(),
      p.version,
    ]);
    if (p.licenses !== undefined)
      for (const l of p.licenses) expect(typeof l).toBe('string');
  }
  return sbom;
}

function checkAny(data: unknown) {
  expectContract(run(data));
}

// ---------------------------------------------------------------------------
// Valid SBOMs.

const word = fc.stringMatching(/^[a-z][a-z0-9-]{0,11}$/);
const version = fc.oneof(
  fc.tuple(fc.nat(30), fc.nat(30), fc.nat(30)).map(v => v.join('.')),
  fc.constantFrom('1.0.0-rc.1', '2.0.0.RELEASE', 'v1.2.3', '9f1c2e4'),
);
interface Pkg {
  type: string;
  namespace?: string;
  name: string;
  version?: string;
}
const pkg: fc.Arbitrary<Pkg> = fc.record(
  {
    type: fc.constantFrom('npm', 'maven', 'pypi', 'golang', 'generic', 'nuget'),
    namespace: fc.oneof(word, fc.constant('@scope')),
    name: fc.oneof(
      word,
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 10 }),
    ),
    version,
  },
  { requiredKeys: ['type', 'name'] },
);
const purlOf = (p: Pkg) =>
  new PackageURL(
    p.type,
    p.namespace,
    p.name,
    p.version,
    undefined,
    undefined,
  ).toString();
/** A purl the reader can read, or null when packageurl-js refuses the parts. */
const validPurl = pkg
  .map(p => {
    try {
      return purlOf(p);
    } catch {
      return null;
    }
  })
  .filter((p): p is string => p !== null);

const brokenPurl = fc.oneof(
  fc.constantFrom(
    'pkg:',
    'pkg:/',
    'pkg:npm',
    'pkg:npm/',
    'pkg:npm/%E0%A4%A',
    'npm/lodash',
    'pkg:npm/@',
    'pkg:maven/a/b/c@',
  ),
  fc.string({ maxLength: 20 }).filter(s => s.length > 0),
);

const license = fc.oneof(
  fc.record({
    license: fc.record({ id: fc.constantFrom('MIT', 'Apache-2.0') }),
  }),
  fc.record({ license: fc.record({ name: fc.string({ maxLength: 10 }) }) }),
  fc.record({
    expression: fc.constantFrom('MIT OR Apache-2.0', 'BSD-3-Clause'),
  }),
);

const COMPONENT_TYPES = [
  'library',
  'framework',
  'application',
  'container',
  'platform',
  'operating-system',
  'firmware',
  'device-driver',
  'file',
  'data',
  'machine-learning-model',
  'cryptographic-asset',
];

interface Component {
  type: string;
  name: string;
  'bom-ref': string;
  group?: string;
  version?: string;
  purl?: string;
  licenses?: unknown[];
  components?: Component[];
}

const { component } = fc.letrec<{ component: Component }>(tie => ({
  component: fc.record(
    {
      type: fc.constantFrom(...COMPONENT_TYPES),
      name: fc
        .string({ unit: 'grapheme', minLength: 1, maxLength: 12 })
        .filter(s => s.trim() !== ''),
      'bom-ref': fc.uuid(),
      group: word,
      version,
      purl: fc.oneof({ weight: 4, arbitrary: validPurl }, brokenPurl),
      licenses: fc.array(license, { maxLength: 2 }),
      components: fc.array(tie('component'), {
        maxLength: 2,
        depthIdentifier: 'c',
      }),
    },
    { requiredKeys: ['type', 'name', 'bom-ref'] },
  ),
}));

const flatten = (list: Component[] = []): Component[] =>
  list.flatMap(c => [c, ...flatten(c.components)]);

const cycloneDx = fc
  .record({
    specVersion: fc.constantFrom('1.2', '1.3', '1.4', '1.5', '1.6'),
    root: fc.option(component, { nil: undefined }),
    components: fc.array(component, { maxLength: 6 }),
    dependsOnShare: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), {
      nil: undefined,
    }),
  })
  .map(({ specVersion, root, components, dependsOnShare }) => {
    const all = flatten(components);
    const rootRef = root?.['bom-ref'];
    const direct =
      dependsOnShare === undefined || rootRef === undefined
        ? undefined
        : all
            .filter((_, i) => (i * 0.37) % 1 < dependsOnShare)
            .map(c => c['bom-ref']);
    return {
      bom: JSON.parse(
        JSON.stringify({
          bomFormat: 'CycloneDX',
          specVersion,
          serialNumber: 'urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79',
          version: 1,
          metadata: root
            ? { component: { ...root, components: undefined } }
            : {},
          components,
          dependencies:
            direct && rootRef
              ? [{ ref: rootRef, dependsOn: direct }]
              : undefined,
        }),
      ),
      all,
      direct,
    };
  });

/** What any reader of CycloneDX must make of it. */
function checkCycloneDx({
  bom,
  all,
  direct,
}: {
  bom: unknown;
  all: Component[];
  direct: string[] | undefined;
}) {
  const sbom = expectContract(run(bom));
  expect(sbom).toBeDefined();
  expect(sbom!.format).toBe('cyclonedx');
  const packages = new Map(sbom!.packages.map(p => [p.purl, p]));
  expect(packages.size).toBeLessThanOrEqual(all.length);
  for (const c of all) {
    let purl: string | undefined;
    try {
      const p = PackageURL.fromString(c.purl ?? '');
      purl = new PackageURL(
        p.type,
        p.namespace,
        p.name,
        p.version ?? c.version,
        undefined,
        undefined,
      ).toString();
    } catch {
      purl = undefined;
    }
    // Each component with a readable purl is listed, direct when the root
    // depends on it (or when there is no graph for the root).
    if (purl !== undefined) {
      expect(packages.has(purl)).toBe(true);
      if (direct === undefined || direct.includes(c['bom-ref']))
        expect(packages.get(purl)!.direct).toBe(true);
    } else if (c.purl !== undefined) {
      expect(sbom!.warnings.join('\n')).toContain('invalid purl');
    }
  }
  for (const w of sbom!.warnings) expect(w).toMatch(/^components\[\d+\]/);
}

const spdxId = fc.stringMatching(/^SPDXRef-[A-Za-z0-9.-]{1,12}$/);

const spdx2 = fc
  .record({
    version: fc.constantFrom('SPDX-2.2', 'SPDX-2.3'),
    packages: fc.uniqueArray(
      fc.record(
        {
          SPDXID: spdxId,
          name: fc
            .string({ unit: 'grapheme', minLength: 1, maxLength: 12 })
            .filter(s => s.trim() !== ''),
          versionInfo: version,
          purl: fc.oneof({ weight: 4, arbitrary: validPurl }, brokenPurl),
          licenseConcluded: fc.constantFrom(
            'MIT',
            'NOASSERTION',
            'NONE',
            'Apache-2.0',
          ),
        },
        { requiredKeys: ['SPDXID', 'name'] },
      ),
      { maxLength: 8, selector: p => p.SPDXID },
    ),
    relationships: fc.array(
      fc.record({
        a: fc.nat(),
        b: fc.nat(),
        relationshipType: fc.constantFrom(
          'DESCRIBES',
          'DEPENDS_ON',
          'DEPENDENCY_OF',
          'CONTAINS',
          'DEV_DEPENDENCY_OF',
          'OTHER',
        ),
      }),
      { maxLength: 10 },
    ),
  })
  .map(({ version: v, packages, relationships }) => {
    const ids = ['SPDXRef-DOCUMENT', ...packages.map(p => p.SPDXID)];
    return JSON.parse(
      JSON.stringify({
        spdxVersion: v,
        SPDXID: 'SPDXRef-DOCUMENT',
        name: 'doc',
        packages: packages.map(p => ({
          SPDXID: p.SPDXID,
          name: p.name,
          versionInfo: p.versionInfo,
          licenseConcluded: p.licenseConcluded,
          externalRefs: p.purl
            ? [
                { referenceType: 'cpe23Type', referenceLocator: 'cpe:2.3:a' },
                { referenceType: 'purl', referenceLocator: p.purl },
              ]
            : undefined,
        })),
        relationships: relationships.map(r => ({
          spdxElementId: ids[r.a % ids.length],
          relatedSpdxElement: ids[r.b % ids.length],
          relationshipType: r.relationshipType,
        })),
      }),
    );
  });

const spdx3 = fc
  .record({
    packages: fc.uniqueArray(
      fc.record(
        {
          spdxId: fc.webUrl(),
          name: fc
            .string({ unit: 'grapheme', minLength: 1, maxLength: 12 })
            .filter(s => s.trim() !== ''),
          software_packageVersion: version,
          software_packageUrl: fc.oneof(
            { weight: 4, arbitrary: validPurl },
            brokenPurl,
          ),
        },
        { requiredKeys: ['spdxId', 'name'] },
      ),
      { maxLength: 8, selector: p => p.spdxId },
    ),
    root: fc.nat(),
    deps: fc.array(fc.nat(), { maxLength: 5 }),
  })
  .map(({ packages, root, deps }) => {
    const ids = packages.map(p => p.spdxId);
    const rootId = ids.length ? ids[root % ids.length] : undefined;
    return JSON.parse(
      JSON.stringify({
        '@context': 'https://spdx.org/rdf/3.0.1/spdx-context.jsonld',
        '@graph': [
          ...packages.map(p => ({ type: 'software_Package', ...p })),
          {
            type: 'SpdxDocument',
            spdxId: 'urn:doc',
            rootElement: rootId ? [rootId] : [],
          },
          ...(rootId
            ? [
                {
                  type: 'Relationship',
                  spdxId: 'urn:rel',
                  relationshipType: 'dependsOn',
                  from: rootId,
                  to: deps.map(d => ids[d % ids.length]),
                },
              ]
            : []),
        ],
      }),
    );
  });

function checkSpdx(doc: unknown) {
  const sbom = expectContract(run(doc));
  expect(sbom).toBeDefined();
  expect(sbom!.format).toBe('spdx');
}

// ---------------------------------------------------------------------------
// Garbage: random JSON, and valid SBOMs with one part replaced.

/** JSON values that trip naive code: odd keys, odd numbers, odd strings. */
const hostile = fc.constantFrom<unknown>(
  ...fuzz.TRAP_VALUES,
  ...fuzz.POLLUTING_VALUES,
  ...fuzz.ODD_STRINGS,
  'x'.repeat(100_000),
  1e308,
  -0,
  Number.MAX_SAFE_INTEGER + 2,
  [],
  {},
  null,
  true,
);

const jsonish = fuzz.jsonOrHostile(hostile, {
  maxDepth: 4,
  jsonWeight: 4,
  hostileWeight: 1,
});

const mutatedSbom = fc
  .tuple(
    fc.oneof(
      cycloneDx.map(x => x.bom),
      spdx2,
      spdx3,
    ),
    fc.array(fc.nat(), { minLength: 1, maxLength: 6 }),
    jsonish,
  )
  .map(([doc, choices, replacement]) => fuzz.mutate(doc, choices, replacement));

/** Realistic keys with random values. */
const keyed = fc.dictionary(
  fc.constantFrom(
    'bomFormat',
    'specVersion',
    'spdxVersion',
    '@graph',
    'components',
    'packages',
    'relationships',
    'dependencies',
    'metadata',
    'documentDescribes',
    'SPDXID',
  ),
  jsonish,
  { noNullPrototype: true },
);

/** Components nested `depth` deep (built in the property: fast-check would
 * print such a value recursively). */
function deepComponents(depth: number) {
  let c: Component = { type: 'library', name: 'leaf', 'bom-ref': 'leaf' };
  for (let i = 0; i < depth; i++)
    c = { type: 'library', name: `c${i}`, 'bom-ref': `r${i}`, components: [c] };
  return { bomFormat: 'CycloneDX', specVersion: '1.6', components: [c] };
}

// ---------------------------------------------------------------------------

describe('parseSbom (fuzz)', () => {
  afterAll(inputs.report);

  it(
    `reads all ${fuzz.fmt(
      RUNS.valid,
    )} generated CycloneDX, SPDX 2 and SPDX 3 SBOMs (seed ${SEED})`,
    () => {
      const before = inputs.executed;
      fc.assert(
        fc.property(
          fc.oneof(
            cycloneDx.map(c => ({ c, s: undefined })),
            fc.oneof(spdx2, spdx3).map(s => ({ c: undefined, s })),
          ),
          ({ c, s }) => {
            if (c) checkCycloneDx(c);
            else checkSpdx(s);
          },
        ),
        { seed: SEED, numRuns: RUNS.valid },
      );
      expect(inputs.executed - before).toBeGreaterThanOrEqual(RUNS.valid);
    },
    fuzz.TIMEOUT_MS,
  );

  it(
    `survives ${fuzz.fmt(
      RUNS.garbage,
    )} generated garbage and mutated SBOMs (seed ${SEED}), throwing only InputError`,
    () => {
      const before = inputs.executed;
      fc.assert(
        fc.property(
          fc.oneof(
            jsonish.map(data => ({ data })),
            { weight: 2, arbitrary: keyed.map(data => ({ data })) },
            { weight: 4, arbitrary: mutatedSbom.map(data => ({ data })) },
            // Deep nesting, as a depth: built below.
            fc.integer({ min: 10, max: 20_000 }).map(depth => ({ depth })),
          ),
          (input: { data?: unknown; depth?: number }) =>
            checkAny(
              input.depth !== undefined
                ? deepComponents(input.depth)
                : input.data,
            ),
        ),
        { seed: SEED, numRuns: RUNS.garbage },
      );
      // More components than accepted.
      checkAny({
        bomFormat: 'CycloneDX',
        specVersion: '1.6',
        components: Array.from({ length: MAX_SBOM_PACKAGES + 1 }, (_, i) => ({
          type: 'library',
          name: `p${i}`,
        })),
      });
      expect(inputs.executed - before).toBeGreaterThanOrEqual(RUNS.garbage + 1);
      expect(inputs.slowest).toBeLessThan(MAX_PARSE_MS);
    },
    fuzz.TIMEOUT_MS,
  );

  it(
    `says where a generated SBOM is broken (${fuzz.fmt(
      RUNS.garbage / 10,
    )} components without a name, seed ${SEED})`,
    () => {
      const before = inputs.executed;
      fc.assert(
        fc.property(
          fc.array(component, { minLength: 1, maxLength: 5 }),
          fc.nat(),
          fc.constantFrom<unknown>(undefined, '', 3, null, { name: 'x' }),
          (components, at, name) => {
            const broken = JSON.parse(JSON.stringify(components));
            const i = at % broken.length;
            broken[i].name = name;
            const outcome = run({
              bomFormat: 'CycloneDX',
              specVersion: '1.6',
              components: broken,
            });
            expectContract(outcome);
            expect((outcome as { error: Error }).error.message).toBe(
              `components[${i}] has no "name"`,
            );
          },
        ),
        { seed: SEED, numRuns: RUNS.garbage / 10 },
      );
      expect(inputs.executed - before).toBeGreaterThanOrEqual(
        RUNS.garbage / 10,
      );
    },
    fuzz.TIMEOUT_MS,
  );

  it(
    `never lets ${fuzz.fmt(
      RUNS.pollution,
    )} generated SBOM texts with __proto__/constructor/prototype keys (through JSON.parse, seed ${SEED}) pollute`,
    () => {
      const before = inputs.executed;
      fc.assert(
        fc.property(
          fc.oneof(
            cycloneDx.map(x => x.bom),
            spdx2,
            spdx3,
          ),
          fc.array(fc.nat(), { minLength: 1, maxLength: 5 }),
          fuzz.prototypeKey,
          (doc, choices, key) => {
            const text = fuzz.jsonWithKey(doc, choices, key, {
              polluted: true,
              bomFormat: 'CycloneDX',
              name: 'evil',
            });
            checkAny(JSON.parse(text));
          },
        ),
        { seed: SEED, numRuns: RUNS.pollution },
      );
      for (const text of [
        '{"__proto__": {"polluted": true}}',
        '{"__proto__": {"bomFormat": "CycloneDX", "specVersion": "1.6"}}',
        '{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [{"__proto__": {"type": "library", "name": "evil"}}]}',
        '{"bomFormat": "CycloneDX", "specVersion": "1.6", "metadata": {"component": {"__proto__": {"polluted": true}}}}',
        '{"spdxVersion": "SPDX-2.3", "packages": [{"name": "a", "__proto__": {"polluted": true}}]}',
        '{"@graph": [{"type": "software_Package", "name": "a", "spdxId": {"__proto__": {"polluted": true}}}]}',
        '{"constructor": {"prototype": {"polluted": true}}}',
      ])
        checkAny(JSON.parse(text));
      fuzz.expectNoPollution();
      expect(inputs.executed - before).toBeGreaterThanOrEqual(
        RUNS.pollution + 7,
      );
    },
    fuzz.TIMEOUT_MS,
  );
});
