import { MAX_SBOM_PROBLEMS, validateSbom } from './validateSbom';

const cyclonedx = (specVersion: string, extra: object = {}) => ({
  bomFormat: 'CycloneDX',
  specVersion,
  version: 1,
  components: [
    {
      type: 'library',
      name: 'left-pad',
      version: '1.3.0',
      purl: 'pkg:npm/left-pad@1.3.0',
      'bom-ref': 'left-pad',
    },
  ],
  ...extra,
});

const spdx2 = (extra: object = {}) => ({
  spdxVersion: 'SPDX-2.3',
  dataLicense: 'CC0-1.0',
  SPDXID: 'SPDXRef-DOCUMENT',
  name: 'shop',
  documentNamespace: 'https://sbom.example.test/shop-1',
  creationInfo: {
    created: '2026-11-30T10:00:00Z',
    creators: ['Tool: portal-test'],
  },
  packages: [
    {
      SPDXID: 'SPDXRef-Package-left-pad',
      name: 'left-pad',
      downloadLocation: 'NOASSERTION',
      checksums: [{ algorithm: 'SHA256', checksumValue: 'ab12' }],
    },
  ],
  relationships: [
    {
      spdxElementId: 'SPDXRef-DOCUMENT',
      relatedSpdxElement: 'SPDXRef-Package-left-pad',
      relationshipType: 'DESCRIBES',
    },
  ],
  ...extra,
});

const spdx3 = (graph: object[]) => ({
  '@context': 'https://spdx.org/rdf/3.0.1/spdx-context.jsonld',
  '@graph': [
    {
      type: 'CreationInfo',
      '@id': '_:creation',
      specVersion: '3.0.1',
      created: '2026-11-30T10:00:00Z',
      createdBy: ['https://example.test/tool'],
    },
    {
      type: 'software_Package',
      spdxId: 'https://example.test/pkg/left-pad',
      name: 'left-pad',
      creationInfo: '_:creation',
    },
    ...graph,
  ],
});

describe('validateSbom', () => {
  it.each(['1.2', '1.3', '1.4', '1.5', '1.6'])(
    'accepts a valid CycloneDX %s document',
    async version => {
      expect(await validateSbom(cyclonedx(version))).toEqual([]);
    },
  );

  it('says where a CycloneDX document leaves its schema, once per place', async () => {
    const bom = cyclonedx('1.6', {
      serialNumber: 'urn:uuid:not-a-uuid',
      metadata: { timestamp: 'yesterday' },
      dependencies: [{ ref: 'left-pad', dependsOn: ['right-pad'] }],
    });
    (bom.components[0] as any).type = 'gadget';
    (bom.components[0] as any).licenses = [{ license: {} }];
    (bom.components[0] as any).shoeSize = 42;
    const problems = await validateSbom(bom);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^serialNumber: must match pattern/),
        expect.stringMatching(
          /^metadata\.timestamp: must match format "date-time"/,
        ),
        expect.stringMatching(
          /^components\[0\]\.type: must be one of "application"/,
        ),
        'components[0]: unknown field "shoeSize"',
        'dependencies[0].dependsOn[0]: "right-pad" is not the bom-ref of any component or service',
      ]),
    );
    // One problem per place, even where a oneOf fails in each branch.
    const places = problems.map(p => p.slice(0, p.indexOf(':')));
    expect(new Set(places).size).toBe(places.length);
  });

  it('does not pretend to check a CycloneDX version it has no schema for', async () => {
    expect(await validateSbom(cyclonedx('2.0'))).toEqual([
      'specVersion: "2.0" is not a CycloneDX version the portal checks (1.2 to 1.6); the document was not checked against a schema',
    ]);
  });

  it('accepts a valid SPDX 2.3 and 2.2 document', async () => {
    expect(await validateSbom(spdx2())).toEqual([]);
    expect(await validateSbom(spdx2({ spdxVersion: 'SPDX-2.2' }))).toEqual([]);
  });

  it('says which required SPDX 2 fields are missing or wrong, and broken references', async () => {
    const doc: any = spdx2({
      dataLicense: 'MIT',
      documentNamespace: 'not a uri',
      creationInfo: { created: '30/11/2026', creators: ['Robot: x'] },
    });
    doc.packages[0].SPDXID = 'left-pad';
    doc.packages[0].checksums[0].checksumValue = 'xyz';
    delete doc.packages[0].downloadLocation;
    doc.relationships.push({
      spdxElementId: 'SPDXRef-Package-left-pad',
      relatedSpdxElement: 'SPDXRef-Package-gone',
      relationshipType: 'DEPENDS_ON',
    });
    const problems = await validateSbom(doc);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^dataLicense: /),
        expect.stringMatching(/^documentNamespace: /),
        'creationInfo.created: must be a UTC time like 2024-01-31T12:00:00Z',
        'creationInfo.creators[0]: must start with "Person:", "Organization:" or "Tool:"',
        'packages[0].SPDXID: must look like SPDXRef-<letters, digits, . or ->',
        expect.stringMatching(/^packages\[0\]\.downloadLocation: /),
        'packages[0].checksums[0].checksumValue: must be hexadecimal',
        'relationships[1].relatedSpdxElement: "SPDXRef-Package-gone" is not the SPDXID of any element of the document',
      ]),
    );
  });

  it('checks an SPDX 3.0 document for its context, ids and relationship ends', async () => {
    expect(await validateSbom(spdx3([]))).toEqual([]);
    const problems = await validateSbom({
      ...spdx3([
        { type: 'software_Package', name: 'no-id' },
        {
          type: 'Relationship',
          spdxId: 'https://example.test/rel/1',
          from: 'https://example.test/pkg/left-pad',
          to: ['_:nowhere'],
          relationshipType: 'dependsOn',
        },
      ]),
      '@context': 'https://spdx.org/rdf/2.3/context.jsonld',
    });
    expect(problems).toEqual([
      '@context: must be the SPDX 3.0 context https://spdx.org/rdf/3.0.1/spdx-context.jsonld',
      '@graph[2]: an element other than CreationInfo needs an "spdxId"',
      '@graph[3] (https://example.test/rel/1): "_:nowhere" names no element of the document',
    ]);
  });

  it(`reports at most ${MAX_SBOM_PROBLEMS} problems and counts the rest`, async () => {
    const bom = cyclonedx('1.6', {
      components: Array.from({ length: 80 }, (_, i) => ({
        type: 'gadget',
        name: `p${i}`,
      })),
    });
    const problems = await validateSbom(bom);
    expect(problems).toHaveLength(MAX_SBOM_PROBLEMS + 1);
    expect(problems[MAX_SBOM_PROBLEMS]).toBe('and 30 more problems');
  });
});
