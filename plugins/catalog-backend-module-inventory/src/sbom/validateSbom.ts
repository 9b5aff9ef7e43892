import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/** Most problems reported for one document; the rest are counted. */
export const MAX_SBOM_PROBLEMS = 50;

type Json = Record<string, any>;

const isObject = (v: unknown): v is Json =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** The strict JSON schema of each CycloneDX version, as the CycloneDX library ships them. */
const CYCLONEDX_SCHEMAS: Record<string, string> = {
  '1.2': 'bom-1.2-strict.SNAPSHOT.schema.json',
  '1.3': 'bom-1.3-strict.SNAPSHOT.schema.json',
  '1.4': 'bom-1.4.SNAPSHOT.schema.json',
  '1.5': 'bom-1.5.SNAPSHOT.schema.json',
  '1.6': 'bom-1.6.SNAPSHOT.schema.json',
};

/** One validator per CycloneDX version: compiling a schema takes ~150 ms. */
const validators = new Map<string, ValidateFunction>();

function cycloneDxValidator(version: string): ValidateFunction {
  const known = validators.get(version);
  if (known) return known;
  const dir = path.join(
    path.dirname(require.resolve('@cyclonedx/cyclonedx-library/package.json')),
    'res',
    'schema',
  );
  const read = (file: string) =>
    JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
  // The library's own settings, but every error instead of the first.
  const ajv = new Ajv({
    allErrors: true,
    useDefaults: false,
    strict: false,
    addUsedSchema: false,
    schemas: {
      'http://cyclonedx.org/schema/spdx.SNAPSHOT.schema.json': read(
        'spdx.SNAPSHOT.schema.json',
      ),
      'http://cyclonedx.org/schema/cryptography-defs.SNAPSHOT.schema.json':
        read('cryptography-defs.SNAPSHOT.schema.json'),
      'http://cyclonedx.org/schema/jsf-0.82.SNAPSHOT.schema.json': read(
        'jsf-0.82.SNAPSHOT.schema.json',
      ),
    },
  });
  addFormats(ajv);
  // An internationalised address: one @, no spaces (the schemas use it for contacts).
  ajv.addFormat('idn-email', /^[^\s@]+@[^\s@]+$/u);
  ajv.addFormat('iri-reference', true);
  const validate = ajv.compile(read(CYCLONEDX_SCHEMAS[version]));
  validators.set(version, validate);
  return validate;
}

/** A JSON pointer in the words of the document: `components[1].bom-ref`. */
function where(pointer: string): string {
  if (!pointer) return 'the document';
  return pointer
    .split('/')
    .slice(1)
    .map(p => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce(
      (out, part) =>
        /^\d+$/.test(part) ? `${out}[${part}]` : `${out}.${part}`,
      '',
    )
    .replace(/^\./, '');
}

function shortValues(values: unknown): string {
  if (!Array.isArray(values)) return '';
  const shown = values.slice(0, 8).map(v => JSON.stringify(v));
  return values.length > 8
    ? `${shown.join(', ')} (and ${values.length - 8} more)`
    : shown.join(', ');
}

/** An ajv error in words. */
function ajvProblem(e: ErrorObject): string {
  const at = where(e.instancePath);
  switch (e.keyword) {
    case 'enum':
      return `${at}: must be one of ${shortValues(e.params.allowedValues)}`;
    case 'required':
      return `${at}: "${e.params.missingProperty}" is missing`;
    case 'additionalProperties':
      return `${at}: unknown field "${e.params.additionalProperty}"`;
    default:
      return `${at}: ${e.message ?? e.keyword}`;
  }
}

/**
 * The `bom-ref`s of a CycloneDX document, and the problems of
 * `dependencies` naming a ref that is not in it (the schema cannot say).
 */
function cycloneDxReferenceProblems(bom: Json): string[] {
  const refs = new Set<string>();
  const collect = (list: unknown) => {
    if (!Array.isArray(list)) return;
    for (const c of list) {
      if (!isObject(c)) continue;
      if (typeof c['bom-ref'] === 'string') refs.add(c['bom-ref']);
      collect(c.components);
      collect(c.services);
    }
  };
  if (isObject(bom.metadata?.component)) collect([bom.metadata.component]);
  collect(bom.components);
  collect(bom.services);
  const problems: string[] = [];
  if (!Array.isArray(bom.dependencies)) return problems;
  bom.dependencies.forEach((d: unknown, i: number) => {
    if (!isObject(d)) return;
    if (typeof d.ref === 'string' && !refs.has(d.ref))
      problems.push(
        `dependencies[${i}].ref: "${d.ref}" is not the bom-ref of any component or service`,
      );
    if (Array.isArray(d.dependsOn))
      d.dependsOn.forEach((r: unknown, j: number) => {
        if (typeof r === 'string' && !refs.has(r))
          problems.push(
            `dependencies[${i}].dependsOn[${j}]: "${r}" is not the bom-ref of any component or service`,
          );
      });
  });
  return problems;
}

function validateCycloneDx(bom: Json): string[] {
  const version = String(bom.specVersion);
  if (!CYCLONEDX_SCHEMAS[version])
    return [
      `specVersion: ${JSON.stringify(
        bom.specVersion,
      )} is not a CycloneDX version the portal checks (1.2 to 1.6); the document was not checked against a schema`,
    ];
  const validate = cycloneDxValidator(version);
  const problems: string[] = [];
  if (!validate(bom)) {
    // One problem per place: the alternatives of a oneOf all fail there.
    const seen = new Set<string>();
    for (const e of validate.errors ?? []) {
      if (seen.has(e.instancePath) || e.keyword === 'oneOf') continue;
      seen.add(e.instancePath);
      problems.push(ajvProblem(e));
    }
  }
  return [...problems, ...cycloneDxReferenceProblems(bom)];
}

/*
 * SPDX publishes its JSON schemas only in its GitHub repositories, not on
 * the package registries this portal installs from; these are the fields the
 * SPDX 2.2/2.3 and 3.0 specifications require, checked with zod.
 */
const spdxId = z
  .string()
  .regex(
    /^SPDXRef-[A-Za-z0-9.-]+$/,
    'must look like SPDXRef-<letters, digits, . or ->',
  );
const spdxChecksum = z.object({
  algorithm: z.enum([
    'SHA1',
    'SHA224',
    'SHA256',
    'SHA384',
    'SHA512',
    'SHA3-256',
    'SHA3-384',
    'SHA3-512',
    'MD2',
    'MD4',
    'MD5',
    'MD6',
    'BLAKE2b-256',
    'BLAKE2b-384',
    'BLAKE2b-512',
    'BLAKE3',
    'ADLER32',
  ]),
  checksumValue: z.string().regex(/^[0-9a-fA-F]+$/, 'must be hexadecimal'),
});
const spdxTimestamp = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/,
    'must be a UTC time like 2024-01-31T12:00:00Z',
  );
const spdx2 = z.object({
  spdxVersion: z.enum(['SPDX-2.2', 'SPDX-2.3']),
  dataLicense: z.literal('CC0-1.0'),
  SPDXID: z.literal('SPDXRef-DOCUMENT'),
  name: z.string().min(1),
  documentNamespace: z.string().url(),
  creationInfo: z.object({
    created: spdxTimestamp,
    creators: z
      .array(
        z
          .string()
          .regex(
            /^(Person|Organization|Tool): ?\S/,
            'must start with "Person:", "Organization:" or "Tool:"',
          ),
      )
      .min(1),
  }),
  packages: z
    .array(
      z.object({
        SPDXID: spdxId,
        name: z.string().min(1),
        downloadLocation: z.string().min(1),
        checksums: z.array(spdxChecksum).optional(),
        externalRefs: z
          .array(
            z.object({
              referenceCategory: z.string().min(1),
              referenceType: z.string().min(1),
              referenceLocator: z.string().min(1),
            }),
          )
          .optional(),
      }),
    )
    .optional(),
  relationships: z
    .array(
      z.object({
        spdxElementId: z.string().min(1),
        relatedSpdxElement: z.string().min(1),
        relationshipType: z
          .string()
          .regex(/^[A-Z_]+$/, 'must be a relationship type like DEPENDS_ON'),
      }),
    )
    .optional(),
});

const spdx3 = z.object({
  '@context': z
    .string()
    .regex(
      /^https:\/\/spdx\.org\/rdf\/3\.0\.\d+\/spdx-context\.jsonld$/,
      'must be the SPDX 3.0 context https://spdx.org/rdf/3.0.1/spdx-context.jsonld',
    ),
  '@graph': z.array(
    z
      .object({
        type: z.string().min(1),
        spdxId: z.string().min(1).optional(),
        '@id': z.string().min(1).optional(),
        creationInfo: z.union([z.string(), z.object({})]).optional(),
      })
      .refine(e => e.type === 'CreationInfo' || e.spdxId !== undefined, {
        message: 'an element other than CreationInfo needs an "spdxId"',
      }),
  ),
});

function zodProblems(error: z.ZodError): string[] {
  return error.issues.map(i => {
    const at =
      i.path.length === 0
        ? 'the document'
        : i.path
            .map(p => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
            .join('')
            .replace(/^\./, '');
    return `${at}: ${i.message}`;
  });
}

function spdx2ReferenceProblems(doc: Json): string[] {
  const ids = new Set<string>([doc.SPDXID]);
  for (const key of ['packages', 'files', 'snippets'])
    if (Array.isArray(doc[key]))
      for (const e of doc[key]) if (isObject(e)) ids.add(e.SPDXID);
  const known = (id: unknown) =>
    typeof id !== 'string' ||
    ids.has(id) ||
    id === 'NONE' ||
    id === 'NOASSERTION' ||
    id.startsWith('DocumentRef-');
  const problems: string[] = [];
  if (Array.isArray(doc.relationships))
    doc.relationships.forEach((r: unknown, i: number) => {
      if (!isObject(r)) return;
      for (const side of ['spdxElementId', 'relatedSpdxElement'])
        if (!known(r[side]))
          problems.push(
            `relationships[${i}].${side}: "${r[side]}" is not the SPDXID of any element of the document`,
          );
    });
  return problems;
}

function spdx3ReferenceProblems(doc: Json): string[] {
  const graph: Json[] = Array.isArray(doc['@graph'])
    ? doc['@graph'].filter(isObject)
    : [];
  const ids = new Set<string>();
  for (const e of graph) {
    if (typeof e.spdxId === 'string') ids.add(e.spdxId);
    if (typeof e['@id'] === 'string') ids.add(e['@id']);
  }
  const problems: string[] = [];
  graph.forEach((e, i) => {
    if (e.type !== 'Relationship' && e.type !== 'LifecycleScopedRelationship')
      return;
    const ends = [e.from, ...(Array.isArray(e.to) ? e.to : [e.to])];
    for (const end of ends)
      if (typeof end === 'string' && end.startsWith('_:') && !ids.has(end))
        problems.push(
          `@graph[${i}] (${
            e.spdxId ?? 'relationship'
          }): "${end}" names no element of the document`,
        );
  });
  return problems;
}

/**
 * Where an SBOM leaves its format's schema, each problem with where it is.
 * CycloneDX 1.2 to 1.6 is checked against the specification's JSON schemas
 * (strict, with ajv through the CycloneDX library) and for dependencies
 * naming unknown refs; SPDX 2.2/2.3 and 3.0 for the fields and references the
 * specification requires. An empty list: valid.
 */
export async function validateSbom(data: unknown): Promise<string[]> {
  if (!isObject(data)) return ['the document: must be a JSON object'];
  let problems: string[];
  if (data.bomFormat !== undefined) problems = validateCycloneDx(data);
  else if (typeof data.spdxVersion === 'string') {
    const parsed = spdx2.safeParse(data);
    problems = [
      ...(parsed.success ? [] : zodProblems(parsed.error)),
      ...spdx2ReferenceProblems(data),
    ];
  } else {
    const parsed = spdx3.safeParse(data);
    problems = [
      ...(parsed.success ? [] : zodProblems(parsed.error)),
      ...spdx3ReferenceProblems(data),
    ];
  }
  if (problems.length <= MAX_SBOM_PROBLEMS) return problems;
  return [
    ...problems.slice(0, MAX_SBOM_PROBLEMS),
    `and ${problems.length - MAX_SBOM_PROBLEMS} more problems`,
  ];
}
