import { MAX_VEX_STATEMENTS, parseVex } from './parseVex';

const vex = (vulnerabilities: object[], components?: object[]) => ({
  bomFormat: 'CycloneDX',
  specVersion: '1.6',
  version: 1,
  metadata: {
    component: { type: 'application', name: 'shop', 'bom-ref': 'shop' },
  },
  ...(components ? { components } : {}),
  vulnerabilities,
});

describe('parseVex', () => {
  it('reads each statement once per thing it affects, package or component', () => {
    const parsed = parseVex(
      vex(
        [
          {
            id: 'CVE-2099-0001',
            references: [
              { id: 'GHSA-xxxx-yyyy-zzzz', source: { name: 'GitHub' } },
            ],
            analysis: {
              state: 'not_affected',
              justification: 'code_not_reachable',
              response: ['will_not_fix'],
              detail: 'Only used at build time.',
              lastUpdated: '2026-11-30T10:00:00Z',
            },
            affects: [
              { ref: 'left-pad' },
              {
                ref: 'urn:cdx:3e671687-395b-41f5-a30f-a58921a69b79/1#pkg:npm/right-pad@2.0.0',
              },
              { ref: 'shop' },
            ],
          },
        ],
        [
          {
            type: 'library',
            name: 'left-pad',
            purl: 'pkg:npm/left-pad@1.3.0?arch=x64',
            'bom-ref': 'left-pad',
          },
        ],
      ),
    );
    expect(parsed.vexOnly).toBe(false);
    expect(parsed.warnings).toEqual([]);
    expect(parsed.statements.map(s => s.purl)).toEqual([
      'pkg:npm/left-pad@1.3.0',
      'pkg:npm/right-pad@2.0.0',
      undefined,
    ]);
    expect(parsed.statements[0]).toEqual({
      vulnerability: 'CVE-2099-0001',
      aliases: ['GHSA-xxxx-yyyy-zzzz'],
      state: 'not_affected',
      justification: 'code_not_reachable',
      response: ['will_not_fix'],
      detail: 'Only used at build time.',
      statedAt: '2026-11-30T10:00:00Z',
      purl: 'pkg:npm/left-pad@1.3.0',
    });
  });

  it('reads a document of vulnerabilities without components as VEX only', () => {
    const parsed = parseVex(
      vex([{ id: 'CVE-2099-0002', analysis: { state: 'in_triage' } }]),
    );
    expect(parsed.vexOnly).toBe(true);
    expect(parsed.statements).toEqual([
      expect.objectContaining({ state: 'in_triage', purl: undefined }),
    ]);
  });

  it('skips what is not a statement, saying where', () => {
    const parsed = parseVex(
      vex([
        { id: 'CVE-2099-0003' },
        { analysis: { state: 'not_affected' } },
        { id: 'CVE-2099-0004', analysis: { state: 'fine' } },
        {
          id: 'CVE-2099-0005',
          analysis: { state: 'exploitable' },
          affects: [{ ref: 'no-such-ref' }],
        },
      ]),
    );
    expect(parsed.statements.map(s => [s.vulnerability, s.purl])).toEqual([
      ['CVE-2099-0005', undefined],
    ]);
    expect(parsed.warnings).toEqual([
      'vulnerabilities[1]: a VEX statement without an "id"; skipped',
      expect.stringMatching(
        /^vulnerabilities\[2\]\.analysis\.state: "fine" is not a VEX state/,
      ),
      'vulnerabilities[3].affects[0].ref: "no-such-ref" names no component of the document; the statement is read as about the whole component',
    ]);
  });

  it('reads nothing from SPDX, non-objects or CycloneDX without vulnerabilities', () => {
    for (const doc of [null, 'x', { spdxVersion: 'SPDX-2.3' }, vex([])])
      expect(parseVex(doc)).toEqual({
        statements: [],
        warnings: [],
        vexOnly: false,
      });
  });

  it(`keeps at most ${MAX_VEX_STATEMENTS} statements and says so once`, () => {
    const many = Array.from({ length: MAX_VEX_STATEMENTS + 5 }, (_, i) => ({
      id: `CVE-2099-${i}`,
      analysis: { state: 'not_affected' },
    }));
    const parsed = parseVex(vex(many));
    expect(parsed.statements).toHaveLength(MAX_VEX_STATEMENTS);
    expect(parsed.warnings).toEqual([
      `more than ${MAX_VEX_STATEMENTS} VEX statements; the rest were skipped`,
    ]);
  });
});
