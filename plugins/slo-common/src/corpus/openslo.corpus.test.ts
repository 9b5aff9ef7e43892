import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { parseOpenSlo } from '../openslo';

// Corpus suite: every YAML file of the OpenSLO specification's examples and
// schema tests and of the OpenSLO Go SDK. Each object is read or refused
// with its path; SLOs either evaluate or say why not; ignored fields are
// reported one by one.
const corpus = path.resolve(
  process.env.PORTAL_CORPUS ??
    path.resolve(__dirname, '../../../../../shared/corpus'),
  'openslo',
);

function yamlFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(e => {
    if (e.name === '.git') return [];
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return yamlFiles(p);
    return /\.ya?ml$/.test(e.name) ? [p] : [];
  });
}

/** Objects in the text: each document, or each item of a document list. */
function objectCount(text: string): number {
  return parseAllDocuments(text).reduce((n, doc) => {
    const v = doc.toJS();
    if (v === null || v === undefined) return n;
    return n + (Array.isArray(v) ? v.length : 1);
  }, 0);
}

describe('corpus: OpenSLO examples', () => {
  const files = fs.existsSync(corpus) ? yamlFiles(corpus) : [];

  it('finds the corpus', () => {
    expect(files.length).toBeGreaterThan(50);
  });

  it('reads or refuses every object, each refusal with a path and a reason', () => {
    const summary = { files: 0, slos: 0, rejected: 0, unsupported: 0 };
    for (const file of files) {
      const name = path.relative(corpus, file);
      const text = fs.readFileSync(file, 'utf8');
      const parsed = parseOpenSlo(text);
      summary.files++;
      summary.slos += parsed.slos.length;
      summary.rejected += parsed.rejected.length;
      summary.unsupported += parsed.problems.filter(
        p => p.severity === 'unsupported',
      ).length;
      const read = Object.values(parsed.kinds).reduce((a, b) => a + b, 0);
      const refusedWhole = parsed.problems.filter(p =>
        /^document \d+(\[\d+\])?(\.apiVersion|\.kind)?$/.test(p.path),
      ).length;
      // Nothing dropped: every object was read or refused as a whole.
      expect([name, read + refusedWhole]).toEqual([name, objectCount(text)]);
      for (const p of parsed.problems) {
        expect(p.path.length).toBeGreaterThan(0);
        expect(p.message.length).toBeGreaterThan(0);
      }
      for (const r of parsed.rejected)
        expect([name, r.problems.some(p => p.severity === 'error')]).toEqual([
          name,
          true,
        ]);
    }
    // eslint-disable-next-line no-console
    console.log(`OpenSLO corpus: ${JSON.stringify(summary)}`);
  });

  it('files OpenSLO itself marks as broken are refused, the others are not', () => {
    const broken =
      /(invalid|no-cond|no-condition|no-target|malformed-cond|bad-metricsourceref-x)/;
    const specDir = path.join(corpus, 'OpenSLO/schema-test/spec-files');
    for (const file of yamlFiles(specDir)) {
      const name = path.relative(specDir, file);
      const parsed = parseOpenSlo(fs.readFileSync(file, 'utf8'));
      const errors = parsed.problems.filter(p => p.severity === 'error');
      // SLO files of the schema tests name SLIs and policies kept in other
      // files: only what is in the file itself can be checked here.
      const external = errors.every(e => / in the file$/.test(e.message));
      const refused = errors.length > 0;
      // Broken files are refused; the others only miss what lives elsewhere.
      expect([
        name,
        broken.test(name) ? refused : !refused || external,
      ]).toEqual([name, true]);
    }
  });

  it('labels, annotations and notification targets are reported, not dropped', () => {
    const parsed = parseOpenSlo(
      fs.readFileSync(
        path.join(
          corpus,
          'go-sdk/pkg/openslosdk/test_data/inline/inputs/v1_slo.yaml',
        ),
        'utf8',
      ),
    );
    expect(parsed.slos.map(s => s.name)).toEqual(['my-slo-1', 'my-slo-2']);
    expect(parsed.problems).toContainEqual({
      path: 'SLO my-slo-2.spec.alertPolicies[0].spec.notificationTargets',
      severity: 'unsupported',
      message: 'alerts go to the owning group through Backstage notifications',
    });
  });
});
