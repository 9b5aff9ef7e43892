import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

/**
 * An example kept beside a template (`templates/<name>/examples/*.yaml`):
 * what a person would enter in the form, and what must happen.
 *
 * - `pass`: the policy lets it through without a golden gate; the dry run
 *   renders the repository and every file is checked.
 * - `gated`: the policy lets it through a golden gate whose reason contains
 *   `message`; the dry run renders it as for `pass`.
 * - `refused`: the policy refuses it with a message that contains
 *   `message`; the dry run stops before anything is rendered.
 */
export interface TemplateExample {
  /** The file name without `.yaml`. */
  name: string;
  file: string;
  description?: string;
  expect: 'pass' | 'gated' | 'refused';
  /** Part of the policy's message (refused) or gate reason (gated). */
  message?: string;
  values: Record<string, unknown>;
}

const EXPECTATIONS = ['pass', 'gated', 'refused'];
const KEYS = ['description', 'expect', 'message', 'values'];

/**
 * The examples of the template in `templateDir`, sorted by file name. A
 * malformed example is returned as a problem, not thrown.
 */
export function readExamples(templateDir: string): {
  examples: TemplateExample[];
  problems: Array<{ file: string; message: string }>;
} {
  const dir = path.join(templateDir, 'examples');
  const examples: TemplateExample[] = [];
  const problems: Array<{ file: string; message: string }> = [];
  if (!fs.existsSync(dir)) return { examples, problems };
  for (const entry of fs.readdirSync(dir).sort()) {
    if (!/\.ya?ml$/.test(entry)) continue;
    const file = path.join(dir, entry);
    const where = `examples/${entry}`;
    let data: any;
    try {
      data = parse(fs.readFileSync(file, 'utf8'));
    } catch (error) {
      problems.push({
        file: where,
        message: `invalid YAML: ${(error as Error).message.split('\n')[0]}`,
      });
      continue;
    }
    const wrong: string[] = [];
    if (data === null || typeof data !== 'object' || Array.isArray(data)) {
      problems.push({ file: where, message: 'not a mapping' });
      continue;
    }
    for (const key of Object.keys(data)) {
      if (!KEYS.includes(key)) wrong.push(`unknown key "${key}"`);
    }
    if (!EXPECTATIONS.includes(data.expect)) {
      wrong.push(`expect must be one of ${EXPECTATIONS.join(', ')}`);
    }
    if (
      data.values === null ||
      typeof data.values !== 'object' ||
      Array.isArray(data.values)
    ) {
      wrong.push('values must be a mapping of the form fields');
    }
    if (
      (data.expect === 'refused' || data.expect === 'gated') &&
      (typeof data.message !== 'string' || data.message.trim() === '')
    ) {
      wrong.push(
        `expect: ${data.expect} needs a message (part of the policy's words)`,
      );
    }
    if (wrong.length) {
      problems.push({ file: where, message: wrong.join('; ') });
      continue;
    }
    examples.push({
      name: entry.replace(/\.ya?ml$/, ''),
      file: where,
      description: data.description,
      expect: data.expect,
      message: data.message,
      values: data.values,
    });
  }
  return { examples, problems };
}

/**
 * The values the form sends: every field's `default` (as the form shows
 * it), then what the example enters.
 */
export function formValuesOf(
  template: any,
  entered: Record<string, unknown>,
): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const page of [template?.spec?.parameters ?? []].flat()) {
    for (const [name, property] of Object.entries<any>(
      page?.properties ?? {},
    )) {
      if (property?.default !== undefined) values[name] = property.default;
    }
  }
  return { ...values, ...entered };
}
