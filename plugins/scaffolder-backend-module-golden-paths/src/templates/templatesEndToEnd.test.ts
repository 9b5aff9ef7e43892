import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mockCredentials } from '@backstage/backend-test-utils';
import request from 'supertest';
import { checkGeneratedRepository } from '../__testUtils__/checkGeneratedRepository';
import { runRealTemplate, templatesDir } from '../__testUtils__/realTemplates';
import {
  eventually,
  startGoldenPathsBackend,
  taskLog,
  type GoldenPathsTestBackend,
} from '../__testUtils__/startGoldenPathsBackend';

// Every golden-path template of templates/, run for real: scaffolder,
// this module, git, catalog ingestion and golden-paths on PostgreSQL, with
// the organisation policy of templates/policy.yaml.
const ALICE = 'user:default/alice';

jest.setTimeout(300_000);

/** What a developer on the paved road types in; the rest are form defaults. */
const answers: Record<string, Record<string, unknown>> = {
  'typescript-service': { name: 'ts-orders', runtime: 'node22' },
  'python-service': { name: 'py-pricing', runtime: 'python3.12' },
  'react-spa': { name: 'shop-web' },
  'shared-library': { name: 'money-lib' },
  'postgres-database': {
    name: 'orders-db',
    service: 'component:default/ts-orders',
    costCenter: 'cc-shop',
  },
  'k8s-namespace': { name: 'team-a-apps', costCenter: 'cc-shop' },
};

/** The kind and type of the main entity each template makes. */
const mainEntity: Record<string, string> = {
  'typescript-service': 'component',
  'python-service': 'component',
  'react-spa': 'component',
  'shared-library': 'component',
  'postgres-database': 'resource',
  'k8s-namespace': 'resource',
};

let backend: GoldenPathsTestBackend;
const as = (user: string) => mockCredentials.user.header(user);

beforeAll(async () => {
  backend = await startGoldenPathsBackend({
    locations: [
      path.resolve(__dirname, '../__fixtures__/org.yaml'),
      ...Object.keys(answers).map(t =>
        path.join(templatesDir, t, 'template.yaml'),
      ),
    ],
    config: {
      goldenPaths: { policy: { file: path.join(templatesDir, 'policy.yaml') } },
    },
  });
  await eventually('the templates in the catalog', async () => {
    const res = await request(backend.server)
      .get('/api/catalog/entities/by-query?filter=kind=template&limit=50')
      .set('Authorization', as(ALICE));
    return res.body.items?.length === Object.keys(answers).length
      ? true
      : undefined;
  });
});
afterAll(async () => backend?.stop());

describe.each(Object.keys(answers))('the %s template', templateName => {
  it('creates a working repository, shows it in the catalog and records the run', async () => {
    const { task, values, template } = await runRealTemplate(backend.server, {
      name: templateName,
      user: ALICE,
      answers: {
        owner: 'group:default/team-a',
        description: `The ${templateName} of the end-to-end test`,
        lifecycle: 'experimental',
        ...answers[templateName],
      },
    });
    expect({
      status: task.status,
      log: task.status === 'completed' ? '' : taskLog(task),
    }).toEqual({
      status: 'completed',
      log: '',
    });
    const name = values.name as string;
    const entityRef = `${mainEntity[templateName]}:default/${name}`;
    expect(task.output.links[0].entityRef).toBe(entityRef);
    // The survey link names this very run.
    expect(task.output.links[1].url).toBe(
      `/dx/survey/golden-path?taskId=${task.id}`,
    );

    // The repository: every required file, all YAML/JSON/HCL parse.
    const checkout = fs.mkdtempSync(
      path.join(os.tmpdir(), `generated-${name}-`),
    );
    try {
      execFileSync('git', [
        'clone',
        '-q',
        path.join(backend.reposDir, `${name}.git`),
        checkout,
      ]);
      expect(await checkGeneratedRepository(checkout, templateName)).toEqual(
        [],
      );
    } finally {
      fs.rmSync(checkout, { recursive: true, force: true });
    }

    // The entity, with the template and version that made it.
    const [kind] = entityRef.split(':');
    const entity = await request(backend.server)
      .get(`/api/catalog/entities/by-name/${kind}/default/${name}`)
      .set('Authorization', as(ALICE));
    expect(entity.status).toBe(200);
    expect(entity.body.metadata.annotations).toMatchObject({
      'portal.dev/template': `template:default/${templateName}`,
      'portal.dev/template-version':
        template.metadata.annotations['portal.dev/template-version'],
    });
    expect(entity.body.spec.owner).toBe('group:default/team-a');

    // Services and apps come with an SLO, which ingestion hands to the SLO
    // plugin; the others have none.
    const slos = await request(backend.server)
      .get(`/api/catalog/ingestion/openslo?entityRef=${entityRef}`)
      .set('Authorization', as(ALICE));
    expect(slos.body.items.map((f: { file: string }) => f.file)).toEqual(
      fs.existsSync(path.join(templatesDir, templateName, 'skeleton/slo.yaml'))
        ? ['slo.yaml']
        : [],
    );

    // The run event for the DX metrics.
    const run = await eventually('the recorded run', async () => {
      const res = await request(backend.server)
        .get('/api/golden-paths/runs')
        .query({ templateRef: `template:default/${templateName}` })
        .set('Authorization', as(ALICE));
      const found = res.body.items?.find((r: any) => r.taskId === task.id);
      return found?.status === 'completed' ? found : undefined;
    });
    expect(run).toMatchObject({ requester: ALICE, attempts: 1 });
    expect(run.durationMs).toBeGreaterThan(0);

    // Every repository carries an SBOM the dependency inventory reads at once
    // (packages for software, Terraform providers for infrastructure).
    const deps = await request(backend.server)
      .get('/api/catalog/ingestion/dependencies/entity')
      .query({ entityRef })
      .set('Authorization', as(ALICE));
    expect(deps.status).toBe(200);
    expect(deps.body.packages.length).toBeGreaterThan(0);
  });
});

describe('golden gates of the real policy', () => {
  // Every template gates the same way: a request off the standard (here
  // production on day one, and for the database also 250 GB) ends its task
  // waiting, completed, with nothing created and no survey.
  it.each(Object.keys(answers))(
    'a %s request off the standard waits for approval, creating nothing',
    async templateName => {
      const gatedName = `${templateName.slice(0, 20)}-gated`;
      const { task } = await runRealTemplate(backend.server, {
        name: templateName,
        user: ALICE,
        answers: {
          owner: 'group:default/team-a',
          description: 'Waits at a golden gate',
          ...answers[templateName],
          name: gatedName,
          lifecycle: 'production',
          ...(templateName === 'postgres-database' ? { storageGb: 250 } : {}),
        },
      });
      expect({ status: task.status, log: taskLog(task) }).toEqual({
        status: 'completed',
        log: expect.not.stringMatching(/error|failed/i),
      });
      const text: string = task.output.text[0].content;
      expect(text).toMatch(
        /^Waiting for approval by a reviewer of golden gates, since .+ UTC \(request \d+\)\./,
      );
      expect(text).toContain(
        '- Production on day one needs a readiness review',
      );
      expect(
        text.includes('- Databases above 100 GB need a capacity review'),
      ).toBe(templateName === 'postgres-database');
      expect(text).toMatch(/Nothing has been created yet: .+\.$/);
      expect(
        task.output.links.filter((l: any) => l.url || l.entityRef),
      ).toEqual([]);
      expect(
        fs.existsSync(path.join(backend.reposDir, `${gatedName}.git`)),
      ).toBe(false);
      await eventually('the waiting run', async () => {
        const res = await request(backend.server)
          .get('/api/golden-paths/runs')
          .query({ mine: 'true' })
          .set('Authorization', as(ALICE));
        const found = res.body.items?.find((r: any) => r.taskId === task.id);
        return found?.status === 'awaiting-approval' ? found : undefined;
      });
    },
  );
});
