import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mockCredentials } from '@backstage/backend-test-utils';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { templateEntityV1beta3Validator } from '@backstage/plugin-scaffolder-common';
import scaffolderModuleGithub from '@backstage/plugin-scaffolder-backend-module-github';
import scaffolderModuleGitlab from '@backstage/plugin-scaffolder-backend-module-gitlab';
import scaffolderModuleNotifications from '@backstage/plugin-scaffolder-backend-module-notifications';
import request from 'supertest';
import { parse, parseAllDocuments } from 'yaml';
import {
  GENERATED_REPOSITORY_EXPECTATIONS,
  checkGeneratedRepository,
} from '../checkGeneratedRepository';
import {
  eventually,
  startGoldenPathsBackend,
  type GoldenPathsTestBackend,
} from '../startGoldenPathsBackend';
import {
  checkCatalogInfo,
  checkGeneratedFiles,
  type GeneratedFile,
} from './checkFiles';
import {
  UPGRADE_NOTES_FILE,
  validateUpgradeNotes,
} from '@internal/plugin-golden-paths-common';
import { formValuesOf, readExamples, type TemplateExample } from './examples';

/** Problems of a template's upgrade notes (`upgrades.yaml`), if it has them. */
export function checkUpgradeNotes(dir: string): string[] {
  const file = path.join(dir, UPGRADE_NOTES_FILE);
  if (!fs.existsSync(file)) return [];
  let doc: unknown;
  try {
    doc = parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    return [`invalid YAML: ${(error as Error).message.split('\n')[0]}`];
  }
  return validateUpgradeNotes(doc).problems;
}

/** The repository's root (templates/, demo/ live there). */
export const repositoryRoot = path.resolve(__dirname, '../../../../..');

/** One thing wrong, and where: template, example, file and line. */
export interface TemplatesTestProblem {
  template: string;
  /** Absent for a problem of the template itself. */
  example?: string;
  /** A generated file, or a file of the template folder (`examples/x.yaml`). */
  file?: string;
  line?: number;
  message: string;
}

/** The result of one example of one template (or of the template itself). */
export interface TemplatesTestResult {
  template: string;
  /** `-` for the template itself (its template.yaml, its examples). */
  example: string;
  expect?: TemplateExample['expect'];
  ok: boolean;
  problems: TemplatesTestProblem[];
  /** What went right, in words (shown after "ok"). */
  notes: string[];
}

export interface TemplatesTestReport {
  results: TemplatesTestResult[];
  ok: boolean;
  /** Seconds, including the backend's start. */
  seconds: number;
}

export interface TemplatesTestOptions {
  /** Folders with a template.yaml (and examples/). */
  templateDirs: string[];
  /** The golden-path policy (default templates/policy.yaml). */
  policyFile?: string;
  /**
   * Catalog files with the organisation the examples refer to (owners are
   * looked up): default demo/org.yaml, as app-config.yaml registers it.
   */
  catalogFiles?: string[];
  /** Called with each result as soon as it is known. */
  onResult?: (result: TemplatesTestResult) => void;
}

const AUTHOR = 'user:default/template-author';
const auth = mockCredentials.user.header(AUTHOR);

/** Every file of the template folder but its examples, as the dry run takes them. */
function directoryContents(dir: string) {
  const out: Array<{ path: string; base64Content: string }> = [];
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, entry.name);
      const relative = path.relative(dir, p).split(path.sep).join('/');
      if (relative === 'examples') continue;
      if (entry.isDirectory()) walk(p);
      else if (entry.isFile()) {
        out.push({
          path: relative,
          base64Content: fs.readFileSync(p).toString('base64'),
        });
      }
    }
  };
  walk(dir);
  return out;
}

/** Entity refs of every entity in the catalog files. */
function entityRefsOf(files: string[]): string[] {
  const refs: string[] = [];
  for (const file of files) {
    for (const doc of parseAllDocuments(fs.readFileSync(file, 'utf8'))) {
      const e = doc.toJS();
      if (e?.kind && e?.metadata?.name) {
        refs.push(
          stringifyEntityRef({
            kind: e.kind,
            namespace: e.metadata.namespace ?? 'default',
            name: e.metadata.name,
          }),
        );
      }
    }
  }
  return refs;
}

/** The backend of a test run: the portal's scaffolder with its modules, the golden-paths policy, a catalog with the organisation. */
async function startBackend(
  policyFile: string,
  catalogFiles: string[],
): Promise<GoldenPathsTestBackend> {
  const backend = await startGoldenPathsBackend({
    database: 'sqlite',
    locations: catalogFiles,
    // The scaffolder modules the portal's backend installs (packages/backend/src/features.ts).
    features: [
      scaffolderModuleGithub,
      scaffolderModuleGitlab,
      scaffolderModuleNotifications,
    ],
    config: { goldenPaths: { policy: { file: policyFile } } },
  });
  const refs = entityRefsOf(catalogFiles);
  try {
    await eventually(
      'the organisation in the catalog',
      async () => {
        const res = await request(backend.server)
          .post('/api/catalog/entities/by-refs')
          .set('Authorization', auth)
          .send({ entityRefs: refs, fields: ['kind'] });
        return res.status === 200 &&
          res.body.items.every((i: unknown) => i !== null)
          ? true
          : undefined;
      },
      60_000,
    );
  } catch (error) {
    await backend.stop();
    throw error;
  }
  return backend;
}

const policyWords = (result: any): string[] => [
  ...(result.problems ?? []),
  ...(result.violations ?? []).map((v: any) => v.message),
];

/** Step 1: the policy, through the golden-paths backend's own endpoint. */
async function checkPolicy(
  backend: GoldenPathsTestBackend,
  template: string,
  example: TemplateExample,
  values: Record<string, unknown>,
  fail: (message: string, file?: string) => void,
  notes: string[],
) {
  const { policyCheck: _formOnly, ...parameters } = values;
  const res = await request(backend.server)
    .post('/api/golden-paths/policy/evaluate')
    .set('Authorization', auth)
    .send({ template, parameters });
  if (res.status !== 200) {
    fail(
      `policy check answered ${res.status}: ${
        res.body?.error?.message ?? res.text
      }`,
    );
    return;
  }
  const refusals = policyWords(res.body);
  const gates: string[] = (res.body.gates ?? []).map((g: any) => g.reason);
  const fragment = example.message ?? '';
  switch (example.expect) {
    case 'pass':
      if (refusals.length)
        fail(`the policy refuses it: ${refusals.join('; ')}`);
      else if (gates.length) {
        fail(
          `it waits at a golden gate: ${gates.join(
            '; ',
          )} (write expect: gated to test a gate)`,
        );
      } else notes.push('policy passes');
      break;
    case 'gated':
      if (refusals.length)
        fail(`the policy refuses it: ${refusals.join('; ')}`);
      else if (!gates.some(g => g.includes(fragment))) {
        fail(
          gates.length
            ? `no golden gate says "${fragment}": ${gates.join('; ')}`
            : `no golden gate: the policy lets it through (expected "${fragment}")`,
        );
      } else
        notes.push(`golden gate: ${gates.find(g => g.includes(fragment))}`);
      break;
    case 'refused':
    default:
      if (!refusals.length) {
        fail(
          `the policy does not refuse it (expected "${fragment}")${
            gates.length ? `; golden gates: ${gates.join('; ')}` : ''
          }`,
        );
      } else if (!refusals.some(r => r.includes(fragment))) {
        fail(`refused, but not with "${fragment}": ${refusals.join('; ')}`);
      } else notes.push(`refused: ${refusals.find(r => r.includes(fragment))}`);
  }
}

/** The log line of each step the dry run skipped or failed. */
function stepsOf(log: any[]) {
  const skipped: string[] = [];
  let failed: { step: string; message: string } | undefined;
  for (const entry of log ?? []) {
    const body = entry.body ?? {};
    if (
      body.status === 'skipped' &&
      /does not support dry-run/.test(body.message ?? '')
    ) {
      const action = /because (\S+) does not/.exec(body.message)?.[1];
      skipped.push(`${body.stepId} (${action ?? '?'})`);
    }
    if (body.status === 'failed' && !failed) {
      failed = {
        step: body.stepId,
        message: String(body.message ?? '')
          .split('\n')[0]
          .replace(/^\w*Error: /, ''),
      };
    }
  }
  return { skipped, failed };
}

/** Steps 2-4: the scaffolder's dry run, and the files it produced. */
async function dryRun(
  backend: GoldenPathsTestBackend,
  info: {
    dir: string;
    template: any;
    name: string;
    ref: string;
    version?: string;
  },
  example: TemplateExample,
  values: Record<string, unknown>,
  fail: (message: string, file?: string, line?: number) => void,
  notes: string[],
) {
  const res = await request(backend.server)
    .post('/api/scaffolder/v2/dry-run')
    .set('Authorization', auth)
    .send({
      template: info.template,
      values,
      secrets: {},
      directoryContents: directoryContents(info.dir),
    });
  if (res.status === 400 && Array.isArray(res.body?.errors)) {
    const errors = res.body.errors.map((e: any) => e.stack ?? e.message);
    if (example.expect === 'refused') {
      notes.push(`the form refuses it: ${errors.join('; ')}`);
    } else fail(`the form refuses the values: ${errors.join('; ')}`);
    return;
  }
  const error: string | undefined = res.body?.error?.message;
  if (res.status === 400 && error && example.expect === 'refused') {
    // The policy step's refusal ends a dry run with the request's error.
    if (error.includes(example.message ?? '')) {
      notes.push('the dry run stops at the policy');
    } else
      fail(`the dry run stops, but not with "${example.message}": ${error}`);
    return;
  }
  if (res.status !== 200) {
    fail(
      `dry run answered ${res.status}: ${res.body?.error?.message ?? res.text}`,
    );
    return;
  }
  const { skipped, failed } = stepsOf(res.body.log);
  if (example.expect === 'refused') {
    if (!failed) fail('the dry run went ahead: nothing stopped it');
    else if (failed.step !== info.template.spec.steps[0]?.id) {
      fail(
        `the dry run failed at step ${failed.step}, not at the policy: ${failed.message}`,
      );
    } else notes.push(`dry run stops at step ${failed.step}`);
    return;
  }
  if (failed) {
    fail(`dry run: step ${failed.step} failed: ${failed.message}`);
    return;
  }
  const files: GeneratedFile[] = (res.body.directoryContents ?? []).map(
    (f: { path: string; base64Content: string }) => ({
      path: f.path,
      content: Buffer.from(f.base64Content, 'base64').toString('utf8'),
    }),
  );
  notes.push(`dry run renders ${files.length} files`);
  if (skipped.length) notes.push(`not dry-run: ${skipped.join(', ')}`);

  for (const p of await checkGeneratedFiles(files))
    fail(p.message, p.file, p.line);
  const catalogInfos = files.filter(f =>
    /(^|\/)catalog-info\.ya?ml$/.test(f.path),
  );
  if (!files.some(f => /^catalog-info\.ya?ml$/.test(f.path))) {
    fail(
      'no catalog-info.yaml at the root of the repository',
      'catalog-info.yaml',
    );
  }
  for (const file of catalogInfos) {
    const expected =
      info.version !== undefined && !file.path.includes('/')
        ? { ref: info.ref, version: info.version }
        : undefined;
    for (const p of await checkCatalogInfo(file, expected, files)) {
      fail(p.message, p.file, p.line);
    }
  }

  // The six golden paths promise more (SLO, SBOM, probes, Terraform tags):
  // their own checks, on the same files.
  if (GENERATED_REPOSITORY_EXPECTATIONS[info.name]) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'templates-test-'));
    try {
      for (const f of files) {
        const target = path.join(dir, f.path);
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.writeFileSync(target, f.content);
      }
      for (const problem of await checkGeneratedRepository(dir, info.name)) {
        // Parse errors are already reported above, with their line.
        if (/invalid (YAML|JSON|HCL)|template syntax left/.test(problem))
          continue;
        const at = problem.indexOf(': ');
        const file = at > 0 ? problem.slice(0, at).split(' ')[0] : undefined;
        fail(at > 0 ? problem.slice(at + 2) : problem, file);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
}

/**
 * Tests templates like code: for each template folder, each example of
 * `examples/*.yaml` goes through the organisation policy (the golden-paths
 * backend's own check, owners looked up in a catalog with the
 * organisation) and, unless it is to be refused, through the scaffolder's
 * dry run on a backend with the portal's scaffolder modules; every file the
 * dry run produces must parse and each catalog-info.yaml must be a valid
 * entity. Starts one backend (SQLite in a temporary directory) for all.
 */
export async function runTemplatesTest(
  options: TemplatesTestOptions,
): Promise<TemplatesTestReport> {
  const started = Date.now();
  const policyFile = path.resolve(
    options.policyFile ?? path.join(repositoryRoot, 'templates/policy.yaml'),
  );
  const catalogFiles = (
    options.catalogFiles ?? [path.join(repositoryRoot, 'demo/org.yaml')]
  ).map(f => path.resolve(f));
  const results: TemplatesTestResult[] = [];
  const record = (result: TemplatesTestResult) => {
    results.push(result);
    options.onResult?.(result);
  };

  const backend = await startBackend(policyFile, catalogFiles);
  try {
    for (const dir of options.templateDirs.map(d => path.resolve(d))) {
      const folder = path.basename(dir);
      const templateProblem = (message: string, file = 'template.yaml') =>
        record({
          template: folder,
          example: '-',
          ok: false,
          problems: [{ template: folder, file, message }],
          notes: [],
        });
      let template: any;
      try {
        template = parse(
          fs.readFileSync(path.join(dir, 'template.yaml'), 'utf8'),
        );
        await templateEntityV1beta3Validator.check(template);
      } catch (error) {
        templateProblem(
          `not a valid template: ${(error as Error).message.split('\n')[0]}`,
        );
        continue;
      }
      const name: string = template.metadata.name;
      const ref = stringifyEntityRef({
        kind: 'Template',
        namespace: template.metadata.namespace ?? 'default',
        name,
      });
      const version: string | undefined =
        template.metadata.annotations?.['portal.dev/template-version'];
      const { examples, problems } = readExamples(dir);
      for (const p of problems) templateProblem(p.message, p.file);
      for (const message of checkUpgradeNotes(dir))
        templateProblem(message, UPGRADE_NOTES_FILE);
      if (examples.length === 0 && problems.length === 0) {
        templateProblem(
          'no examples: add examples/<name>.yaml with values and expect (see templates/README.md)',
          'examples/',
        );
        continue;
      }
      if (!examples.some(e => e.expect !== 'refused')) {
        templateProblem(
          'no example the policy lets through (expect: pass): nothing is rendered',
          'examples/',
        );
      }
      for (const example of examples) {
        const problemsOf: TemplatesTestProblem[] = [];
        const notes: string[] = [];
        const fail = (message: string, file?: string, line?: number) =>
          problemsOf.push({
            template: name,
            example: example.name,
            file: file ?? example.file,
            line,
            message,
          });
        const values = formValuesOf(template, example.values);
        try {
          await checkPolicy(backend, name, example, values, fail, notes);
          await dryRun(
            backend,
            { dir, template, name, ref, version },
            example,
            values,
            fail,
            notes,
          );
        } catch (error) {
          fail(`could not run: ${(error as Error).message}`);
        }
        record({
          template: name,
          example: example.name,
          expect: example.expect,
          ok: problemsOf.length === 0,
          problems: problemsOf,
          notes,
        });
      }
    }
  } finally {
    await backend.stop();
  }
  return {
    results,
    ok: results.every(r => r.ok),
    seconds: (Date.now() - started) / 1000,
  };
}

/** `template › example (expect): file:line: message`, one line per problem; or the ok line. */
export function formatResult(result: TemplatesTestResult): string[] {
  const head = `${result.template} › ${result.example}${
    result.expect ? ` (${result.expect})` : ''
  }`;
  if (result.ok) return [`  ok    ${head}: ${result.notes.join('; ')}`];
  return result.problems.map(
    p =>
      `  FAIL  ${head}: ${p.file ?? ''}${p.line ? `:${p.line}` : ''}${
        p.file ? ': ' : ''
      }${p.message}`,
  );
}
