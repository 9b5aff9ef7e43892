import fs from 'node:fs';
import path from 'node:path';
import { mockCredentials } from '@backstage/backend-test-utils';
import scaffolderModuleGithub from '@backstage/plugin-scaffolder-backend-module-github';
import scaffolderModuleNotifications from '@backstage/plugin-scaffolder-backend-module-notifications';
import request from 'supertest';
import { parse } from 'yaml';
import { formValues } from '../__testUtils__/formValues';
import {
  eventually,
  startGoldenPathsBackend,
  type GoldenPathsTestBackend,
} from '../__testUtils__/startGoldenPathsBackend';

// Corpus suite: the public software templates (backstage/software-templates,
// the scaffolder's sample templates, the demo and create-app templates) run
// through the scaffolder's dry run on the portal's backend. Each one either
// works or fails with a reason in words; the backend keeps serving.
const corpus = path.resolve(
  process.env.PORTAL_CORPUS ??
    path.resolve(__dirname, '../../../../../shared/corpus'),
  'software-templates',
);

jest.setTimeout(300_000);

function templateFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'skeleton' && entry.name !== 'content')
        out.push(...templateFiles(p));
    } else if (/\.ya?ml$/.test(entry.name)) {
      const doc = parse(fs.readFileSync(p, 'utf8'), { strict: false });
      if (doc?.kind === 'Template') out.push(p);
    }
  }
  return out.sort();
}

function directoryContents(dir: string) {
  const out: Array<{ path: string; base64Content: string }> = [];
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else
        out.push({
          path: path.relative(dir, p),
          base64Content: fs.readFileSync(p).toString('base64'),
        });
    }
  };
  walk(dir);
  return out;
}

describe('corpus: public software templates through the dry run', () => {
  let backend: GoldenPathsTestBackend;
  const fixtures = path.resolve(__dirname, '../__fixtures__');

  beforeAll(async () => {
    // With the scaffolder modules the portal's backend installs.
    backend = await startGoldenPathsBackend({
      locations: [path.join(fixtures, 'org.yaml')],
      features: [scaffolderModuleGithub, scaffolderModuleNotifications],
    });
    await eventually('the organisation in the catalog', async () => {
      const res = await request(backend.server)
        .get('/api/catalog/entities/by-name/group/default/team-a')
        .set(
          'Authorization',
          mockCredentials.user.header('user:default/alice'),
        );
      return res.status === 200 ? true : undefined;
    });
  });
  afterAll(async () => backend?.stop());

  it('runs every template, and each either works or says why not', async () => {
    const files = templateFiles(corpus);
    expect(files.length).toBeGreaterThan(10);
    const report: Array<{ template: string; result: string }> = [];
    for (const file of files) {
      const template = parse(fs.readFileSync(file, 'utf8'));
      const res = await request(backend.server)
        .post('/api/scaffolder/v2/dry-run')
        .set('Authorization', mockCredentials.user.header('user:default/alice'))
        .send({
          template,
          values: formValues(template),
          secrets: {},
          directoryContents: directoryContents(path.dirname(file)),
        });
      const name = path.relative(corpus, file);
      if (res.status === 200) {
        // A step that failed is in the log; the rest ran (or were skipped
        // as not supporting a dry run, like publishing to GitHub).
        const failed = (res.body.log ?? []).find(
          (l: any) => l.body?.status === 'failed',
        );
        report.push({
          template: name,
          result: failed
            ? `fails at step ${failed.body.stepId}: ${failed.body.message}`
            : `works (${res.body.directoryContents.length} files)`,
        });
      } else {
        // Backstage's error body, or the scaffolder's form validation errors.
        const message =
          res.body?.error?.message ??
          res.body?.errors?.map((e: { stack: string }) => e.stack).join('; ');
        report.push({
          template: name,
          result: message
            ? `refused (${res.status}): ${message}`
            : `refused (${res.status}) without a reason`,
        });
      }
    }
    // eslint-disable-next-line no-console
    console.log(
      `Software templates through the dry run:\n${report
        .map(r => `- ${r.template}: ${r.result.slice(0, 300)}`)
        .join('\n')}`,
    );
    expect(report.some(r => r.result.startsWith('works'))).toBe(true);
    expect(report.filter(r => r.result.endsWith('without a reason'))).toEqual(
      [],
    );
    const health = await request(backend.server).get(
      '/.backstage/health/v1/liveness',
    );
    expect(health.status).toBe(200);
  });
});
