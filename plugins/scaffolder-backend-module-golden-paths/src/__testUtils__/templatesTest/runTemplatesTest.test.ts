import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  formatResult,
  repositoryRoot,
  runTemplatesTest,
  type TemplatesTestReport,
} from './runTemplatesTest';

// `./portal templates test` on the six golden paths (which pass) and on
// broken copies of one of them, in a single run: one backend with the real
// scaffolder, the portal's scaffolder modules and the golden-paths policy.
jest.setTimeout(240_000);

const templatesDir = path.join(repositoryRoot, 'templates');
const SIX = [
  'typescript-service',
  'python-service',
  'react-spa',
  'shared-library',
  'postgres-database',
  'k8s-namespace',
];

let scratch: string;
let report: TemplatesTestReport;

/** A copy of typescript-service named `name`, changed by `edit`. */
function brokenCopy(name: string, edit: (dir: string) => void): string {
  const dir = path.join(scratch, name);
  fs.cpSync(path.join(templatesDir, 'typescript-service'), dir, {
    recursive: true,
  });
  const templateFile = path.join(dir, 'template.yaml');
  fs.writeFileSync(
    templateFile,
    fs
      .readFileSync(templateFile, 'utf8')
      .replace('name: typescript-service', `name: ${name}`),
  );
  edit(dir);
  return dir;
}

const replaceIn = (file: string, from: string, to: string) => {
  const text = fs.readFileSync(file, 'utf8');
  expect(text).toContain(from);
  fs.writeFileSync(file, text.replace(from, to));
};

beforeAll(async () => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'templates-test-broken-'));
  const broken = [
    // A skeleton file that is not YAML: an unclosed flow sequence on line 3.
    brokenCopy('broken-yaml', dir =>
      fs.writeFileSync(
        path.join(dir, 'skeleton/deploy/extra.yaml'),
        'kind: ConfigMap\nmetadata:\n  name: [${{ values.name }}\n',
      ),
    ),
    // A catalog descriptor without its owner.
    brokenCopy('broken-owner', dir =>
      replaceIn(
        path.join(dir, 'skeleton/catalog-info.yaml'),
        '  owner: ${{ values.owner }}\n{%- if values.system %}\n  system: ${{ values.system }}\n{%- endif %}\n  providesApis:',
        '  providesApis:',
      ),
    ),
    // A good example the policy refuses (its owner is not a team), and a
    // bad example the policy lets through.
    brokenCopy('broken-policy', dir => {
      replaceIn(
        path.join(dir, 'examples/orders-api.yaml'),
        'owner: group:default/payments-team',
        'owner: group:default/no-such-team',
      );
      replaceIn(
        path.join(dir, 'examples/owner-not-a-team.yaml'),
        'owner: group:default/no-such-team',
        'owner: group:default/payments-team',
      );
    }),
    // Upgrade notes without a summary, and a version noted twice.
    brokenCopy('broken-notes', dir =>
      fs.writeFileSync(
        path.join(dir, 'upgrades.yaml'),
        '- version: 1.0.0\n  needsPerson: false\n- version: 0.9.0\n  summary: First\n- version: 0.9.0\n  summary: Again\n',
      ),
    ),
  ];
  report = await runTemplatesTest({
    templateDirs: [...SIX.map(t => path.join(templatesDir, t)), ...broken],
  });
});

afterAll(() => {
  if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
});

const resultsOf = (template: string) =>
  report.results.filter(r => r.template === template);
const problemsOf = (template: string) =>
  resultsOf(template).flatMap(r => r.problems);

describe('./portal templates test', () => {
  it.each(SIX)('passes for %s, with good and refused examples', template => {
    const results = resultsOf(template);
    expect(results.filter(r => !r.ok).flatMap(formatResult)).toEqual([]);
    expect(results.map(r => r.expect)).toContain('pass');
    expect(results.map(r => r.expect)).toContain('refused');
    const good = results.find(r => r.expect === 'pass')!;
    expect(good.notes).toEqual(
      expect.arrayContaining([
        'policy passes',
        expect.stringMatching(/^dry run renders \d+ files$/),
        // Publishing and registration are not dry-run; the runner says so.
        'not dry-run: publish (portal:publish), register (portal:catalog:visible)',
      ]),
    );
  });

  it('reports an invalid YAML file of the skeleton with template, example, file and line', () => {
    expect(problemsOf('broken-yaml')).toContainEqual({
      template: 'broken-yaml',
      example: 'orders-api',
      file: 'deploy/extra.yaml',
      line: expect.any(Number),
      message: expect.stringMatching(/^invalid YAML: /),
    });
    const yamlProblem = problemsOf('broken-yaml').find(
      p => p.file === 'deploy/extra.yaml',
    )!;
    expect(yamlProblem.line).toBeGreaterThanOrEqual(3);
    // The other examples of the copy still do what they should.
    expect(
      resultsOf('broken-yaml')
        .filter(
          r => r.example !== 'orders-api' && r.example !== 'previous-node',
        )
        .every(r => r.ok),
    ).toBe(true);
  });

  it('reports upgrade notes that say nothing or say it twice', () => {
    const problems = problemsOf('broken-notes').filter(
      p => p.file === 'upgrades.yaml',
    );
    expect(problems.map(p => p.message)).toEqual([
      expect.stringMatching(/^0\.summary: /),
    ]);
  });

  it('reports a catalog-info.yaml without an owner', () => {
    expect(problemsOf('broken-owner')).toContainEqual({
      template: 'broken-owner',
      example: 'orders-api',
      file: 'catalog-info.yaml',
      line: 1,
      message: 'Component orders-api: spec.owner is missing',
    });
  });

  it('reports a good example the policy refuses, and a bad one it lets through', () => {
    expect(problemsOf('broken-policy')).toEqual(
      expect.arrayContaining([
        {
          template: 'broken-policy',
          example: 'orders-api',
          file: 'examples/orders-api.yaml',
          line: undefined,
          message: expect.stringContaining(
            'the policy refuses it: The owner must be a team',
          ),
        },
        {
          template: 'broken-policy',
          example: 'owner-not-a-team',
          file: 'examples/owner-not-a-team.yaml',
          line: undefined,
          message: expect.stringContaining('the policy does not refuse it'),
        },
      ]),
    );
    expect(report.ok).toBe(false);
  });

  it('prints one line per problem, naming template, example, file and line', () => {
    const lines = report.results.flatMap(formatResult);
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^ {2}FAIL {2}broken-yaml › orders-api \(pass\): deploy\/extra\.yaml:\d+: invalid YAML/,
      ),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^ {2}ok {4}typescript-service › orders-api \(pass\): /,
      ),
    );
  });
});
