/*
 * `./portal templates test [template dir ...]` (scripts/templates-test.mjs
 * runs this file through the Backstage CLI's Node transform).
 *   --policy <file>    the golden-path policy (default templates/policy.yaml)
 *   --catalog <file>   catalog file with the organisation the examples name
 *                      (default demo/org.yaml; repeat for more)
 *   --report <file>    also write the results as JSON (for ./portal test)
 * Without folders: every templates/<name>/ with a template.yaml.
 * Prints one line per template and example, a summary; exits 1 on a failure.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  formatResult,
  repositoryRoot,
  runTemplatesTest,
} from './runTemplatesTest';

function usage(code: number): never {
  // eslint-disable-next-line no-console
  (code ? console.error : console.log)(
    'Usage: ./portal templates test [--policy <file>] [--catalog <file>]... [--report <file>] [template dir ...]',
  );
  process.exit(code);
}

async function main() {
  const args = process.argv.slice(2);
  const base = process.env.PORTAL_CALLER_DIR ?? process.cwd();
  const dirs: string[] = [];
  const catalogFiles: string[] = [];
  let policyFile: string | undefined;
  let reportFile: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '-h' || arg === '--help') usage(0);
    else if (arg === '--policy' && args[i + 1])
      policyFile = path.resolve(base, args[++i]);
    else if (arg === '--catalog' && args[i + 1])
      catalogFiles.push(path.resolve(base, args[++i]));
    else if (arg === '--report' && args[i + 1])
      reportFile = path.resolve(base, args[++i]);
    else if (arg.startsWith('-')) usage(2);
    else dirs.push(path.resolve(base, arg));
  }
  const templatesDir = path.join(repositoryRoot, 'templates');
  const templateDirs = dirs.length
    ? dirs
    : fs
        .readdirSync(templatesDir)
        .map(d => path.join(templatesDir, d))
        .filter(d => fs.existsSync(path.join(d, 'template.yaml')))
        .sort();
  for (const dir of templateDirs) {
    if (!fs.existsSync(path.join(dir, 'template.yaml'))) {
      // eslint-disable-next-line no-console
      console.error(`[templates test] ${dir}: no template.yaml there`);
      process.exit(2);
    }
  }
  // eslint-disable-next-line no-console
  console.log(
    `[templates test] ${templateDirs.length} template(s): ${templateDirs
      .map(d => path.relative(process.cwd(), d) || d)
      .join(', ')}`,
  );
  const report = await runTemplatesTest({
    templateDirs,
    policyFile,
    catalogFiles: catalogFiles.length ? catalogFiles : undefined,
    // eslint-disable-next-line no-console
    onResult: result => formatResult(result).forEach(l => console.log(l)),
  });
  if (reportFile) fs.writeFileSync(reportFile, JSON.stringify(report, null, 2));
  const examples = report.results.filter(r => r.example !== '-');
  const failed = report.results.filter(r => !r.ok);
  const templates = new Set(report.results.map(r => r.template)).size;
  // eslint-disable-next-line no-console
  console.log(
    `[templates test] ${templates} templates, ${examples.length} examples: ${
      report.results.length - failed.length
    } ok, ${failed.length} failed (${Math.round(report.seconds)}s)`,
  );
  process.exit(report.ok ? 0 : 1);
}

main().catch(error => {
  // eslint-disable-next-line no-console
  console.error(`[templates test] could not run: ${error?.stack ?? error}`);
  process.exit(1);
});
