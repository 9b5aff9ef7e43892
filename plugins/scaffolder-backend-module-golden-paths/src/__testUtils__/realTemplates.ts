import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { formValues } from './formValues';
import {
  runTemplate,
  type GoldenPathsTestBackend,
  type TaskResult,
} from './startGoldenPathsBackend';

/** The golden-path templates the portal ships (templates/ at the root). */
export const templatesDir = path.resolve(__dirname, '../../../../templates');

/**
 * Runs the template `templates/<name>` as `user` with what a person types
 * in (`answers`); every other field keeps its form default.
 */
export async function runRealTemplate(
  server: GoldenPathsTestBackend['server'],
  options: { name: string; user: string; answers: Record<string, unknown> },
): Promise<{
  task: TaskResult;
  values: Record<string, unknown>;
  /** The template as parsed from its file. */
  template: any;
}> {
  const template = parse(
    fs.readFileSync(
      path.join(templatesDir, options.name, 'template.yaml'),
      'utf8',
    ),
  );
  const values = formValues(template, options.answers);
  const task = await runTemplate(server, {
    templateRef: `template:default/${options.name}`,
    user: options.user,
    values,
  });
  return { task, values, template };
}
