import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { parseOpenSlo, parseOpenSloDocuments } from '../openslo';

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

const errors = <T extends { severity: string }>(list: T[]) =>
  list.filter(p => p.severity === 'error');

/**
 * The files read together: each folder, as a repository's OpenSLO files
 * are. The Go SDK's `test_data` inputs are separate cases (its tests read
 * each one alone, and several define the same names differently), so each
 * is a set of its own there.
 */
function readTogether(files: string[]): string[][] {
  const sets = new Map<string, string[]>();
  for (const f of files) {
    const key = f.includes(`${path.sep}test_data${path.sep}`)
      ? f
      : path.dirname(f);
    sets.set(key, [...(sets.get(key) ?? []), f]);
  }
  return [...sets.values()];
}

/** The reference the Go SDK rejects each `*_invalid_*` inline input for. */
function refRejected(file: string): string {
  if (/condition/.test(file)) return 'conditionRef';
  return /policy/.test(file) ? 'alertPolicyRef' : 'targetRef';
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
      const errs = errors(parsed.problems);
      // SLO files of the schema tests name SLIs and policies kept in other
      // files: only what is in the file itself can be checked here.
      const external = errs.every(e => / in the file$/.test(e.message));
      // Read with the rest of its folder, a broken file is still refused.
      const dir = path.dirname(file);
      const together = parseOpenSloDocuments(
        yamlFiles(dir)
          .filter(f => path.dirname(f) === dir)
          .map(f => ({ path: f, text: fs.readFileSync(f, 'utf8') })),
      ).files.find(f => f.path === file)!;
      expect([name, errors(together.problems).length > 0]).toEqual([
        name,
        broken.test(name) || errors(together.problems).length > 0,
      ]);
      const refused = errs.length > 0;
      // Broken files are refused; the others only miss what lives elsewhere.
      expect([
        name,
        broken.test(name) ? refused : !refused || external,
      ]).toEqual([name, true]);
    }
  });

  it('files read with the rest of their folder: every SLO is read, given or refused with the reference it misses', () => {
    const count = { sloFiles: 0, yieldingBefore: 0, yieldingAfter: 0 };
    const slos = { before: 0, after: 0 };
    for (const set of readTogether(files)) {
      const texts = set.map(f => ({
        path: path.relative(corpus, f),
        text: fs.readFileSync(f, 'utf8'),
      }));
      const together = parseOpenSloDocuments(texts);
      together.files.forEach((after, i) => {
        const before = parseOpenSlo(texts[i].text);
        slos.before += before.slos.length;
        slos.after += after.slos.length;
        // Every SLO object of the corpus is read (v1, v1alpha, v2alpha).
        expect([after.path, after.kinds.SLO ?? 0]).toEqual([
          after.path,
          (texts[i].text.match(/^\s*-?\s*kind: SLO\s*$/gm) ?? []).length,
        ]);
        if (!after.kinds.SLO) return;
        count.sloFiles++;
        if (before.slos.length > 0) count.yieldingBefore++;
        if (after.slos.length > 0) count.yieldingAfter++;
        // Nothing a file gave alone is lost by reading it with its folder.
        expect([after.path, after.slos.length >= before.slos.length]).toEqual([
          after.path,
          true,
        ]);
        // Every SLO is given or refused, a refusal with an error.
        expect([after.path, after.rejected.length]).toEqual([
          after.path,
          after.kinds.SLO - new Set(after.slos.map(s => s.name)).size,
        ]);
        for (const r of after.rejected) {
          const why = errors(r.problems);
          expect([after.path, why.length > 0]).toEqual([after.path, true]);
          // A reference that resolves to nothing says so, and where from.
          for (const p of why.filter(e => /Ref$/.test(e.path)))
            expect([after.path, p.message]).toEqual([
              after.path,
              expect.stringMatching(
                / in any of the \d+ files read together \(in .+\)$| in the file$|the reference is ambiguous/,
              ),
            ]);
        }
        // Every problem says its file.
        for (const p of after.problems)
          expect([after.path, typeof p.file]).toEqual([after.path, 'string']);
      });
    }
    // eslint-disable-next-line no-console
    console.log(
      `OpenSLO corpus, files holding an SLO that yield one: ${count.yieldingBefore}/${count.sloFiles} one by one, ${count.yieldingAfter}/${count.sloFiles} with their folder (SLO objectives: ${slos.before} -> ${slos.after})`,
    );
    expect(count.sloFiles).toBe(17);
    expect(count.yieldingAfter).toBeGreaterThanOrEqual(count.yieldingBefore);
  });

  it('the v2alpha example SLO is read as v1 and refused only for its data source, which no file defines', () => {
    const dir = path.join(corpus, 'go-sdk/pkg/openslo/v2alpha/examples');
    const parsed = parseOpenSloDocuments(
      yamlFiles(dir).map(f => ({
        path: path.relative(dir, f),
        text: fs.readFileSync(f, 'utf8'),
      })),
    );
    expect(parsed.kinds.SLO).toBe(1);
    const slo = parsed.files.find(f => f.path === 'slos.yaml')!;
    expect(slo.rejected.map(r => r.name)).toEqual(['web-availability']);
    expect(errors(slo.rejected[0].problems).map(p => p.message)).toEqual([
      'missing, and no DataSource named my-prometheus in any of the 6 files read together (in slos.yaml)',
      'missing, and no DataSource named my-prometheus in any of the 6 files read together (in slos.yaml)',
    ]);
    // With a DataSource of that name it evaluates.
    const withSource = parseOpenSloDocuments([
      ...yamlFiles(dir).map(f => ({
        path: path.relative(dir, f),
        text: fs.readFileSync(f, 'utf8'),
      })),
      {
        path: 'my-prometheus.yaml',
        text: 'apiVersion: openslo.com/v2alpha\nkind: DataSource\nmetadata: { name: my-prometheus }\nspec: { type: Prometheus, connectionDetails: { url: http://prometheus:9090 } }\n',
      },
    ]);
    expect(withSource.slos.map(s => [s.name, s.budgetingMethod])).toEqual([
      ['web-availability', 'Timeslices'],
    ]);
  });

  it('the Go SDK inline inputs read together: names defined differently in several files are ambiguous', () => {
    const dir = path.join(
      corpus,
      'go-sdk/pkg/openslosdk/test_data/inline/inputs',
    );
    const parsed = parseOpenSloDocuments(
      yamlFiles(dir).map(f => ({
        path: path.basename(f),
        text: fs.readFileSync(f, 'utf8'),
      })),
    );
    expect(parsed.problems).toContainEqual(
      expect.objectContaining({
        path: 'SLO my-slo-2.spec.indicatorRef',
        severity: 'error',
        message: expect.stringMatching(
          /^SLI my-sli is defined 3 times \(.*\): the reference is ambiguous \(in v1_slo\.yaml\)$/,
        ),
        file: 'v1_slo.yaml',
      }),
    );
  });

  it('the Go SDK inline inputs it rejects (*_invalid_*) are refused, each for the reference it rejects them for', () => {
    const dir = path.join(
      corpus,
      'go-sdk/pkg/openslosdk/test_data/inline/inputs',
    );
    const invalid = yamlFiles(dir).filter(f => /_invalid_/.test(f));
    expect(invalid.length).toBeGreaterThanOrEqual(4);
    for (const file of invalid) {
      const name = path.basename(file);
      const refs = errors(
        parseOpenSlo(fs.readFileSync(file, 'utf8')).problems,
      ).map(p => p.path.replace(/^.*\./, ''));
      expect([name, refs]).toEqual([
        name,
        expect.arrayContaining([refRejected(name)]),
      ]);
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
