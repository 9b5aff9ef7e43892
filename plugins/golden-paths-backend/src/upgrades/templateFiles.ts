import type {
  AuthService,
  DiscoveryService,
  UrlReaderService,
} from '@backstage/backend-plugin-api';
import {
  ANNOTATION_LOCATION,
  ANNOTATION_SOURCE_LOCATION,
  type Entity,
} from '@backstage/catalog-model';
import { InputError, ResponseError } from '@backstage/errors';
import {
  ANNOTATION_TEMPLATE_VERSION,
  UPGRADE_NOTES_FILE,
  validateUpgradeNotes,
  type UpgradeNote,
} from '@internal/plugin-golden-paths-common';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import type { TemplateFile, TemplateSnapshot } from './UpgradeStore';

const run = promisify(execFile);

/** A template folder larger than this is not kept. */
export const MAX_TEMPLATE_BYTES = 8 * 1024 * 1024;
const MAX_TEMPLATE_FILES = 2000;

/** Kept out of snapshots: examples are for `./portal templates test`. */
const skipped = (relative: string) =>
  relative === 'examples' || relative.startsWith('examples/');

class Collector {
  readonly files: TemplateFile[] = [];
  private bytes = 0;
  constructor(private readonly where: string) {}
  add(relative: string, content: Buffer) {
    this.bytes += content.length;
    if (
      this.bytes > MAX_TEMPLATE_BYTES ||
      this.files.length >= MAX_TEMPLATE_FILES
    )
      throw new InputError(
        `the template folder ${this.where} is larger than ${MAX_TEMPLATE_BYTES} bytes or ${MAX_TEMPLATE_FILES} files`,
      );
    this.files.push({
      path: relative,
      base64Content: content.toString('base64'),
    });
  }
}

async function readDirectory(dir: string): Promise<TemplateFile[]> {
  const out = new Collector(dir);
  const walk = async (d: string) => {
    for (const entry of await fs.readdir(d, { withFileTypes: true })) {
      const p = path.join(d, entry.name);
      const relative = path.relative(dir, p).split(path.sep).join('/');
      if (skipped(relative) || entry.name === '.git') continue;
      if (entry.isDirectory()) await walk(p);
      else if (entry.isFile()) out.add(relative, await fs.readFile(p));
    }
  };
  await walk(dir);
  return out.files;
}

/** A folder of a branch of a local git repository (`git:` locations). */
async function readGitFolder(
  repo: string,
  ref: string,
  dir: string,
): Promise<TemplateFile[]> {
  const git = (args: string[]) =>
    run('git', ['--git-dir', repo, ...args], {
      encoding: 'buffer',
      maxBuffer: MAX_TEMPLATE_BYTES * 2,
      env: { ...process.env, GIT_TERMINAL_PROMPT: '0' },
    });
  const prefix = dir ? `${dir}/` : '';
  const { stdout } = await git([
    'ls-tree',
    '-r',
    '-z',
    ref,
    '--',
    prefix || '.',
  ]);
  const out = new Collector(`${repo}#${ref}:${dir}`);
  for (const line of stdout.toString('utf8').split('\0')) {
    const m = /^\d+ blob ([0-9a-f]+)\t(.*)$/.exec(line);
    if (!m) continue;
    const relative = m[2].slice(prefix.length);
    if (skipped(relative)) continue;
    const blob = await git(['cat-file', 'blob', m[1]]);
    out.add(relative, blob.stdout);
  }
  return out.files;
}

/**
 * The files of a template's folder (the folder of its template.yaml),
 * wherever the catalog read it from: a file, a URL the URL reader knows,
 * or a local git repository of catalog ingestion.
 */
export async function readTemplateFolder(
  template: Entity,
  urlReader: UrlReaderService,
): Promise<TemplateFile[]> {
  const annotations = template.metadata.annotations ?? {};
  const location =
    annotations[ANNOTATION_LOCATION] ?? annotations[ANNOTATION_SOURCE_LOCATION];
  if (!location)
    throw new InputError(
      `template ${template.metadata.name} has no ${ANNOTATION_LOCATION} annotation: where its files are is unknown`,
    );
  const [, type, target] = /^([a-z]+):(.*)$/.exec(location) ?? [];
  if (type === 'file') return readDirectory(path.dirname(target));
  if (type === 'git') {
    const m = /^(.*)#([^:]*):(.*)$/.exec(target);
    if (!m) throw new InputError(`cannot read template location ${location}`);
    return readGitFolder(
      m[1],
      m[2] || 'HEAD',
      path.posix.dirname(m[3]).replace(/^\.$/, ''),
    );
  }
  if (type === 'url') {
    const tree = await urlReader.readTree(new URL('./', target).toString());
    const out = new Collector(target);
    for (const file of await tree.files()) {
      if (skipped(file.path)) continue;
      out.add(file.path, await file.content());
    }
    return out.files;
  }
  throw new InputError(`cannot read template location ${location}`);
}

/** The version annotation of a template entity. */
export function templateVersionOf(template: Entity): string | undefined {
  return template.metadata.annotations?.[ANNOTATION_TEMPLATE_VERSION];
}

/**
 * The upgrade notes a template version carries (`upgrades.yaml` beside its
 * template.yaml). An invalid file is an error naming the problem.
 */
export function readUpgradeNotes(files: TemplateFile[]): UpgradeNote[] {
  const file = files.find(f => f.path === UPGRADE_NOTES_FILE);
  if (!file) return [];
  let doc: unknown;
  try {
    doc = parse(Buffer.from(file.base64Content, 'base64').toString('utf8'));
  } catch (e) {
    throw new InputError(`${UPGRADE_NOTES_FILE}: ${(e as Error).message}`);
  }
  const result = validateUpgradeNotes(doc);
  if (!result.notes)
    throw new InputError(
      `${UPGRADE_NOTES_FILE}: ${result.problems.join('; ')}`,
    );
  return result.notes;
}

/** The template entity as a dry run takes it: what the catalog added goes. */
function inlineTemplate(entity: Record<string, any>) {
  const { relations: _r, status: _s, ...rest } = entity;
  const { uid: _u, etag: _e, ...metadata } = rest.metadata ?? {};
  return { ...rest, metadata };
}

/** The parameter names a template declares, with their schemas. */
function parametersOf(template: Record<string, any>): Map<string, any> {
  const pages = Array.isArray(template.spec?.parameters)
    ? template.spec.parameters
    : [template.spec?.parameters ?? {}];
  const out = new Map<string, any>();
  for (const page of pages)
    for (const [name, schema] of Object.entries<any>(page?.properties ?? {}))
      out.set(name, schema);
  return out;
}

/**
 * The values to render a newer version with: the run's values, plus the
 * defaults of parameters the older version did not have (a value the run
 * left out of a parameter both versions have stays out, as in the run).
 */
export function withNewDefaults(
  newer: Record<string, any>,
  older: Record<string, any>,
  values: Record<string, unknown>,
): Record<string, unknown> {
  const out = { ...values };
  const known = parametersOf(older);
  for (const [name, schema] of parametersOf(newer))
    if (
      !known.has(name) &&
      out[name] === undefined &&
      schema &&
      'default' in schema
    )
      out[name] = schema.default;
  return out;
}

/**
 * Renders a kept template version with a run's values through the
 * scaffolder's dry run (as this plugin: the template is the copy the
 * portal kept of a registered template), and returns the workspace's
 * files. A step that fails, or values the version refuses, is an error
 * in words.
 */
export async function renderTemplate(
  services: { auth: AuthService; discovery: DiscoveryService },
  snapshot: TemplateSnapshot,
  values: Record<string, unknown>,
): Promise<Map<string, Buffer>> {
  const { token } = await services.auth.getPluginRequestToken({
    onBehalfOf: await services.auth.getOwnServiceCredentials(),
    targetPluginId: 'scaffolder',
  });
  const baseUrl = await services.discovery.getBaseUrl('scaffolder');
  const template = inlineTemplate(snapshot.entity);
  const response = await fetch(`${baseUrl}/v2/dry-run`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({
      template,
      values,
      secrets: {},
      directoryContents: snapshot.files,
    }),
    signal: AbortSignal.timeout(120_000),
  });
  const what = `version ${snapshot.version} of ${snapshot.templateRef}`;
  if (response.status === 400) {
    const body = (await response.json().catch(() => ({}))) as any;
    const errors: string[] = Array.isArray(body?.errors)
      ? body.errors.map((e: any) => e.stack ?? e.message)
      : [body?.error?.message ?? 'bad request'];
    throw new InputError(
      `${what} refuses the values of the run that made the service: ${errors.join(
        '; ',
      )}`,
    );
  }
  if (!response.ok) throw await ResponseError.fromResponse(response);
  const body = (await response.json()) as {
    log?: Array<{
      body?: { status?: string; stepId?: string; message?: string };
    }>;
    directoryContents?: TemplateFile[];
  };
  const failed = (body.log ?? []).find(e => e.body?.status === 'failed');
  if (failed)
    throw new InputError(
      `rendering ${what} failed at step ${failed.body?.stepId}: ${
        String(failed.body?.message ?? '').split('\n')[0]
      }`,
    );
  return new Map(
    (body.directoryContents ?? []).map(f => [
      f.path,
      Buffer.from(f.base64Content, 'base64'),
    ]),
  );
}
