import {
  discoveredEntity as entity,
  repositoryContentOf as memory,
} from '@internal/plugin-catalog-ingestion-node/testUtils';
import { DEFAULT_SBOM_GLOBS, readSboms, sbomReader } from './readSboms';

const bom = (name: string) =>
  JSON.stringify({
    bomFormat: 'CycloneDX',
    specVersion: '1.5',
    metadata: { component: { type: 'application', name } },
    components: [
      {
        type: 'library',
        name: 'lodash',
        version: '4.17.21',
        purl: 'pkg:npm/lodash@4.17.21',
      },
    ],
  });
const options = { sbomGlobs: DEFAULT_SBOM_GLOBS, maxFileBytes: 4096 };
const vexOnly = JSON.stringify({
  bomFormat: 'CycloneDX',
  specVersion: '1.5',
  version: 1,
  vulnerabilities: [
    {
      id: 'CVE-2099-0001',
      analysis: { state: 'not_affected', justification: 'code_not_reachable' },
      affects: [{ ref: 'urn:cdx:3e671687-395b-41f5-a30f-a58921a69b79/1#shop' }],
    },
  ],
});

describe('readSboms', () => {
  it('attaches each SBOM to the component described nearest to it', async () => {
    const root = entity('Component', 'shop', 'catalog-info.yaml');
    const worker = entity(
      'Component',
      'worker',
      'services/worker/catalog-info.yaml',
    );
    const result = await readSboms(
      memory({
        'bom.json': bom('shop'),
        'services/worker/deps.cdx.json': bom('worker'),
        'node_modules/x/bom.json': bom('x'),
      }),
      [root, worker],
      options,
    );
    expect(result.problems).toEqual([]);
    expect(result.sboms.map(s => [s.entityRef, s.file])).toEqual([
      ['component:default/shop', 'bom.json'],
      ['component:default/worker', 'services/worker/deps.cdx.json'],
    ]);
    expect(result.sboms[0].document.sbom!.packages).toHaveLength(1);
  });

  it('picks among several components by the SBOM root name, or by annotation', async () => {
    const a = entity('Component', 'a', 'catalog-info.yaml');
    const b = entity('Component', 'b', 'catalog-info.yaml', {
      'portal.dev/sbom': 'build/out.json',
    });
    const result = await readSboms(
      memory({ 'bom.json': bom('a'), 'build/out.json': bom('z') }),
      [a, b],
      options,
    );
    expect(result.sboms.map(s => [s.entityRef, s.file])).toEqual([
      ['component:default/b', 'build/out.json'],
      ['component:default/a', 'bom.json'],
    ]);
  });

  it('reports every SBOM it cannot read or place, by file', async () => {
    const a = entity('Component', 'a', 'catalog-info.yaml', {
      'portal.dev/sbom': '../outside.json',
    });
    const b = entity('Component', 'b', 'catalog-info.yaml');
    const api = entity('API', 'api', 'apis/catalog-info.yaml');
    const result = await readSboms(
      memory(
        {
          'bom.json': bom('neither'),
          'broken.cdx.json': '{"bomFormat": "CycloneDX"}',
          'big/sbom.json': 'x'.repeat(5000),
          'link/bom.json': 'bom.json',
          'apis/bom.json': bom('api'),
        },
        { 'link/bom.json': '120000' },
      ),
      [a, b, api],
      options,
    );
    expect(result.sboms).toEqual([]);
    expect(result.problems).toEqual([
      {
        file: 'catalog-info.yaml',
        entityRef: 'component:default/a',
        message:
          'portal.dev/sbom "../outside.json": no such file in the repository',
      },
      { file: 'big/sbom.json', message: 'SBOM not read: over 4096 bytes' },
      { file: 'link/bom.json', message: 'SBOM not read: symbolic link' },
      {
        file: 'bom.json',
        message:
          'SBOM matches 2 components in the repository root; name one with the portal.dev/sbom annotation',
      },
      {
        file: 'broken.cdx.json',
        message: 'SBOM refused: CycloneDX specVersion is missing',
      },
      {
        file: 'apis/bom.json',
        message:
          'SBOM matches 2 components in the repository root; name one with the portal.dev/sbom annotation',
      },
    ]);
  });

  it('stores an SBOM that breaks its schema, with its problems on the ingestion page', async () => {
    const shop = entity('Component', 'shop', 'catalog-info.yaml');
    const invalid = JSON.parse(bom('shop'));
    invalid.components[0].type = 'gadget';
    invalid.components[0].hashes = [{ alg: 'SHA-256', content: 'xyz' }];
    invalid.dependencies = [{ ref: 'shop', dependsOn: ['nowhere'] }];
    const result = await readSboms(
      memory({ 'bom.json': JSON.stringify(invalid) }),
      [shop],
      options,
    );
    expect(result.sboms).toHaveLength(1);
    const { document } = result.sboms[0];
    expect(document.sbom!.packages.map(p => p.purl)).toEqual([
      'pkg:npm/lodash@4.17.21',
    ]);
    expect(document.problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^components\[0\]\.type: must be one of "application"/,
        ),
        expect.stringMatching(
          /^components\[0\]\.hashes\[0\]\.content: must match pattern/,
        ),
        'dependencies[0].ref: "shop" is not the bom-ref of any component or service',
        'dependencies[0].dependsOn[0]: "nowhere" is not the bom-ref of any component or service',
      ]),
    );
    expect(result.problems).toEqual([
      {
        file: 'bom.json',
        entityRef: 'component:default/shop',
        message: expect.stringMatching(
          /^SBOM stored with \d+ schema problems: components\[0\]/,
        ),
      },
    ]);
  });

  it('reads a VEX document as statements, not as an SBOM', async () => {
    const shop = entity('Component', 'shop', 'catalog-info.yaml');
    const result = await readSboms(
      memory({ 'security/vex.json': vexOnly }),
      [shop],
      options,
    );
    expect(result.problems).toEqual([]);
    expect(result.sboms).toHaveLength(1);
    expect(result.sboms[0].document.sbom).toBeUndefined();
    expect(result.sboms[0].document.vex.statements).toEqual([
      expect.objectContaining({
        vulnerability: 'CVE-2099-0001',
        state: 'not_affected',
        justification: 'code_not_reachable',
        purl: undefined,
      }),
    ]);
  });
});

describe('sbomReader', () => {
  it('stores what it read when committed, under the origin of each file, and prunes the rest', async () => {
    const calls: unknown[] = [];
    const store = {
      replaceSbom: async (o: { origin: string; entityRef: string }) => {
        calls.push(['replace', o.entityRef, o.origin]);
      },
      pruneRepositorySboms: async (s: string, r: string, keep: string[]) => {
        calls.push(['prune', s, r, keep]);
      },
    };
    const vex = {
      replaceStatements: async (o: {
        origin: string;
        entityRef: string;
        statements: Array<{ vulnerability: string; state: string }>;
      }) => {
        calls.push([
          'vex',
          o.entityRef,
          o.origin,
          o.statements.map(x => `${x.vulnerability} ${x.state}`),
        ]);
      },
      pruneRepository: async (s: string, r: string, keep: string[]) => {
        calls.push(['prune vex', s, r, keep]);
      },
    };
    const reader = sbomReader({
      store: store as any,
      vex: vex as any,
      globs: new Map([['other', ['**/*.sbom']]]),
    });
    const read = await reader.read({
      sourceId: 'local',
      repository: 'shop',
      content: memory({ 'bom.json': bom('shop'), 'vex.json': vexOnly }),
      entities: [entity('Component', 'shop', 'catalog-info.yaml')],
      maxFileBytes: 4096,
    });
    expect(read.problems).toEqual([]);
    expect(calls).toEqual([]);
    await read.commit();
    expect(calls).toEqual([
      ['replace', 'component:default/shop', 'repository:local/shop:bom.json'],
      [
        'vex',
        'component:default/shop',
        'repository:local/shop:vex.json',
        ['CVE-2099-0001 not_affected'],
      ],
      ['prune vex', 'local', 'shop', ['repository:local/shop:vex.json']],
      ['prune', 'local', 'shop', ['repository:local/shop:bom.json']],
    ]);
    calls.length = 0;
    await reader.removeRepository({ sourceId: 'local', repository: 'shop' });
    expect(calls).toEqual([
      ['prune vex', 'local', 'shop', []],
      ['prune', 'local', 'shop', []],
    ]);
  });
});
