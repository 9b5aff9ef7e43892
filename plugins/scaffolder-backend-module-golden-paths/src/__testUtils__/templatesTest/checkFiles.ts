import type { Entity } from '@backstage/catalog-model';
import { parse as parseHcl } from '@cdktf/hcl2json';
import { validateEntity } from '@internal/plugin-catalog-ingestion-node';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
// The repository's own compiler (a root devDependency): only its parser is
// used, for the syntax of generated TypeScript.
// eslint-disable-next-line @backstage/no-undeclared-imports
import ts from 'typescript';
import { LineCounter, parseAllDocuments } from 'yaml';

/** One thing wrong with one generated file. */
export interface FileProblem {
  file: string;
  line?: number;
  message: string;
}

/** A file the dry run produced, as text. */
export interface GeneratedFile {
  path: string;
  content: string;
}

const lineOf = (text: string, offset: number) =>
  text.slice(0, Math.max(0, offset)).split('\n').length;

function checkYaml(file: GeneratedFile, problems: FileProblem[]) {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(file.content, {
    prettyErrors: false,
    lineCounter,
  });
  for (const doc of Array.isArray(docs) ? docs : [docs]) {
    for (const error of doc.errors) {
      problems.push({
        file: file.path,
        line:
          error.linePos?.[0]?.line ?? lineCounter.linePos(error.pos[0]).line,
        message: `invalid YAML: ${error.message.split('\n')[0]}`,
      });
    }
  }
}

function checkJson(file: GeneratedFile, problems: FileProblem[]) {
  try {
    JSON.parse(file.content);
  } catch (error) {
    const message = (error as Error).message;
    const line = /line (\d+)/.exec(message)?.[1];
    const position = /position (\d+)/.exec(message)?.[1];
    let at: number | undefined;
    if (line) at = Number(line);
    else if (position) at = lineOf(file.content, Number(position));
    problems.push({
      file: file.path,
      line: at,
      message: `invalid JSON: ${message}`,
    });
  }
}

/** Syntax only: types need the project's dependencies, which a dry run has not installed. */
function checkTypeScript(file: GeneratedFile, problems: FileProblem[]) {
  const { diagnostics = [] } = ts.transpileModule(file.content, {
    fileName: file.path,
    reportDiagnostics: true,
    compilerOptions: {
      jsx: ts.JsxEmit.Preserve,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
    },
  });
  for (const d of diagnostics) {
    if (d.category !== ts.DiagnosticCategory.Error) continue;
    problems.push({
      file: file.path,
      line:
        d.file && d.start !== undefined
          ? d.file.getLineAndCharacterOfPosition(d.start).line + 1
          : undefined,
      message: `invalid TypeScript: ${ts.flattenDiagnosticMessageText(
        d.messageText,
        ' ',
      )}`,
    });
  }
}

async function checkHcl(file: GeneratedFile, problems: FileProblem[]) {
  try {
    await parseHcl(path.basename(file.path), file.content);
  } catch (error) {
    const message = String((error as Error)?.message ?? error);
    // "parse config: [main.tf:12,3-4: Invalid expression; ...]"
    const match = /:(\d+),\d+(?:-\d+(?:,\d+)?)?: ([^\]]*)/.exec(message);
    problems.push({
      file: file.path,
      line: match ? Number(match[1]) : undefined,
      message: `invalid HCL: ${(match ? match[2] : message)
        .split('\n')[0]
        .slice(0, 300)}`,
    });
  }
}

let python: Promise<string | undefined> | undefined;
/** `python3` when the machine has one; undefined otherwise. */
export function findPython(): Promise<string | undefined> {
  python ??= new Promise(resolve =>
    execFile('python3', ['--version'], error =>
      resolve(error ? undefined : 'python3'),
    ),
  );
  return python;
}

async function checkPython(
  files: GeneratedFile[],
  problems: FileProblem[],
): Promise<void> {
  const python3 = await findPython();
  if (!python3 || files.length === 0) return;
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'templates-test-py-'));
  try {
    // One interpreter for every file: compile() each, print the errors.
    const script = [
      'import json, sys',
      'out = []',
      'for name in json.load(sys.stdin):',
      '    try:',
      '        compile(open(name, encoding="utf-8").read(), name, "exec")',
      '    except SyntaxError as e:',
      '        out.append({"file": name, "line": e.lineno, "message": e.msg})',
      'print(json.dumps(out))',
    ].join('\n');
    const names: string[] = [];
    for (const [i, file] of files.entries()) {
      const name = path.join(dir, `${i}.py`);
      await fs.writeFile(name, file.content);
      names.push(name);
    }
    const stdout = await new Promise<string>((resolve, reject) => {
      const child = execFile(
        python3,
        ['-c', script],
        { maxBuffer: 16 * 2 ** 20 },
        (error, out) => (error ? reject(error) : resolve(out)),
      );
      child.stdin!.end(JSON.stringify(names));
    });
    for (const p of JSON.parse(stdout) as Array<{
      file: string;
      line?: number;
      message: string;
    }>) {
      problems.push({
        file: files[names.indexOf(p.file)].path,
        line: p.line ?? undefined,
        message: `invalid Python: ${p.message}`,
      });
    }
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** Template syntax the scaffolder should have rendered away. */
const LEFTOVER =
  /\$\{\{\s*values\b|\{%-?\s*(if|endif|set|raw|endraw|for|endfor)\b/;

/**
 * Checks that each generated file parses, by its extension: YAML (every
 * document), JSON, TypeScript and TSX (syntax), HCL (`.tf`, with the
 * HashiCorp parser through `@cdktf/hcl2json`) and Python (`python3`, when
 * the machine has it). Also reports `${{ values... }}` or `{% if %}` left
 * in a file.
 */
export async function checkGeneratedFiles(
  files: GeneratedFile[],
): Promise<FileProblem[]> {
  const problems: FileProblem[] = [];
  const pythonFiles: GeneratedFile[] = [];
  for (const file of files) {
    const leftover = LEFTOVER.exec(file.content);
    if (leftover) {
      problems.push({
        file: file.path,
        line: lineOf(file.content, leftover.index),
        message: `template syntax left after rendering: ${leftover[0]}`,
      });
    }
    const ext = path.extname(file.path).toLocaleLowerCase('en-US');
    if (ext === '.yaml' || ext === '.yml') checkYaml(file, problems);
    else if (ext === '.json') checkJson(file, problems);
    else if (['.ts', '.tsx', '.mts', '.cts'].includes(ext)) {
      if (!file.path.endsWith('.d.ts')) checkTypeScript(file, problems);
    } else if (ext === '.tf') await checkHcl(file, problems);
    else if (ext === '.py') pythonFiles.push(file);
  }
  await checkPython(pythonFiles, problems);
  return problems;
}

/** Kinds whose entities need an owner. */
const OWNED = new Set(['component', 'api', 'resource', 'system', 'domain']);

const isObject = (value: unknown): value is Record<string, any> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

function resolvePlaceholders(
  value: unknown,
  from: string,
  files: GeneratedFile[],
  report: (message: string) => void,
): unknown {
  if (Array.isArray(value)) {
    return value.map(v => resolvePlaceholders(v, from, files, report));
  }
  if (!isObject(value)) return value;
  const keys = Object.keys(value);
  if (keys.length === 1 && ['$text', '$json', '$yaml'].includes(keys[0])) {
    const target = path.posix.normalize(
      path.posix.join(path.posix.dirname(from), String(value[keys[0]])),
    );
    const found = files.find(f => f.path === target);
    if (!found) {
      report(`${keys[0]}: ${value[keys[0]]}: no such file in the repository`);
      return '';
    }
    return found.content;
  }
  return Object.fromEntries(
    keys.map(k => [k, resolvePlaceholders(value[k], from, files, report)]),
  );
}

/**
 * Validates a generated `catalog-info.yaml` as the catalog would: every
 * document an entity the catalog's policies accept (envelope, name formats,
 * no foreign root fields), of a known kind that its validator accepts, with
 * an owner where the kind needs one. With `template`, the first entity must
 * carry `portal.dev/template` (the template's ref) and
 * `portal.dev/template-version` (its version).
 */
export async function checkCatalogInfo(
  file: GeneratedFile,
  template?: { ref: string; version: string },
  /** Every generated file, for `$text`, `$json` and `$yaml` placeholders. */
  files: GeneratedFile[] = [file],
): Promise<FileProblem[]> {
  const problems: FileProblem[] = [];
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(file.content, {
    prettyErrors: false,
    lineCounter,
  });
  const list = Array.isArray(docs) ? docs : [docs];
  if (list.some(d => d.errors.length > 0)) return problems; // reported as YAML
  const entities = list.filter(d => d.contents !== null);
  if (entities.length === 0) {
    return [{ file: file.path, line: 1, message: 'no entity in the file' }];
  }
  for (const [index, doc] of entities.entries()) {
    const line = lineCounter.linePos(doc.contents!.range[0]).line;
    const raw = doc.toJS();
    const label = `${raw?.kind ?? '?'} ${raw?.metadata?.name ?? '?'}`;
    const report = (message: string) =>
      problems.push({ file: file.path, line, message: `${label}: ${message}` });
    // As the catalog does: `$text: ./openapi.yaml` is that file's text.
    const entity = resolvePlaceholders(raw, file.path, files, report) as Entity;
    if (!isObject(entity)) {
      report('not an entity (an object)');
      continue;
    }
    const kind = String(entity.kind ?? '').toLocaleLowerCase('en-US');
    if (OWNED.has(kind)) {
      const owner = entity.spec?.owner;
      if (typeof owner !== 'string' || owner.trim() === '') {
        report('spec.owner is missing');
        continue;
      }
    }
    // As catalog ingestion checks it: the catalog's policies and the kind.
    const valid = await validateEntity(entity);
    if ('error' in valid) report(valid.error);
    if (index === 0 && template) {
      const annotations = entity.metadata?.annotations ?? {};
      if (annotations['portal.dev/template'] !== template.ref) {
        report(
          `annotation portal.dev/template should be ${
            template.ref
          }, is ${JSON.stringify(annotations['portal.dev/template'])}`,
        );
      }
      if (annotations['portal.dev/template-version'] !== template.version) {
        report(
          `annotation portal.dev/template-version should be "${
            template.version
          }", is ${JSON.stringify(annotations['portal.dev/template-version'])}`,
        );
      }
    }
  }
  return problems;
}
