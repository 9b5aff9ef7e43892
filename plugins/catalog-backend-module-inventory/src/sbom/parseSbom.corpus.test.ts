import fs from 'node:fs';
import path from 'node:path';
import { parseSbom } from './parseSbom';

// Corpus suite: every SBOM in $PORTAL_CORPUS/cyclonedx (CycloneDX examples,
// the CycloneDX 1.6 specification tests, SPDX examples).
const corpus = path.resolve(
  process.env.PORTAL_CORPUS ??
    path.resolve(__dirname, '../../../../../shared/corpus'),
  'cyclonedx',
);

function jsonFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(d => {
    const full = path.join(dir, d.name);
    if (d.isDirectory()) return jsonFiles(full);
    return d.name.endsWith('.json') ? [full] : [];
  });
}

describe('SBOM corpus', () => {
  const files = fs.existsSync(corpus) ? jsonFiles(corpus) : [];

  it('reads every valid SBOM and refuses the invalid ones it can tell, with a reason', () => {
    expect(files.length).toBeGreaterThan(100);
    const results = files.map(file => {
      const rel = path.relative(corpus, file);
      try {
        const sbom = parseSbom(JSON.parse(fs.readFileSync(file, 'utf8')));
        return {
          rel,
          ok: true,
          packages: sbom.packages.length,
          format: sbom.format,
        };
      } catch (error) {
        return { rel, ok: false, error: (error as Error).message };
      }
    });
    const refused = results.filter(r => !r.ok);
    // Everything the CycloneDX specification calls valid, and every example, is read.
    expect(
      refused.filter(r => !path.basename(r.rel).startsWith('invalid-')),
    ).toEqual([]);
    // Of the specification's invalid files, those breaking what the inventory
    // relies on (format, component type and name) are refused with a reason.
    expect(refused.map(r => path.basename(r.rel)).sort()).toEqual(
      expect.arrayContaining([
        'invalid-bomformat-1.6.json',
        'invalid-empty-component-1.6.json',
        'invalid-missing-component-type-1.6.json',
      ]),
    );
    for (const r of refused) expect(r.error).toMatch(/\S/);
    const spdx = results.filter(r => r.ok && r.format === 'spdx');
    expect(spdx.length).toBe(17);
    const total = results.reduce((n, r) => n + (r.packages ?? 0), 0);
    // eslint-disable-next-line no-console
    console.log(
      `SBOM corpus: ${files.length} files, ${
        results.length - refused.length
      } read (${total} packages), ${refused.length} refused: ${refused
        .map(r => `${r.rel}: ${r.error}`)
        .join('; ')}`,
    );
  });
});
