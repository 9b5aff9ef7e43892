import { createMockDirectory } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import { createFetchTemplateAction } from '@backstage/plugin-scaffolder-backend';
import fs from 'node:fs/promises';
import path from 'node:path';
import { createTemplateRenderer, type TemplateContext } from 'nunjitsu';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import {
  GENERATED_REPOSITORY_EXPECTATIONS,
  checkGeneratedRepository,
} from './checkGeneratedRepository';

const TEMPLATES_DIR = path.resolve(__dirname, '../../../../templates');

type FormValues = Record<string, unknown>;

/**
 * Renders a template's skeleton the way the scaffolder does: the step input
 * with the workflow runner's rendering (nunjitsu, `${{ }}`, JSON coercion of
 * values), then the real `fetch:template` action, which renders every file
 * and path of the skeleton into `targetDir`. The `portal:policy:check` step
 * is stood in for by its output on the paved road.
 */
async function renderTemplate(
  templateName: string,
  parameters: FormValues,
  targetDir: string,
): Promise<void> {
  const templateFile = path.join(TEMPLATES_DIR, templateName, 'template.yaml');
  const template = parseYaml(await fs.readFile(templateFile, 'utf8'));
  const fetchStep = template.spec.steps.find(
    (step: { id: string }) => step.id === 'fetch',
  );

  const renderer = createTemplateRenderer({ allowRegexExecution: true });
  const context = renderer.prepareContext({
    parameters,
    steps: {
      policy: {
        output: {
          proceed: true,
          parameters,
          status: 'Created on the paved road',
          template: {
            name: templateName,
            version:
              template.metadata.annotations['portal.dev/template-version'],
            ref: `template:default/${templateName}`,
          },
        },
      },
    },
  } as TemplateContext);
  // As NunjucksWorkflowRunner.render: every string of the input, with JSON
  // coercion; a value that does not render stays as written.
  const input = JSON.parse(JSON.stringify(fetchStep.input), (_key, value) => {
    if (typeof value !== 'string') return value;
    try {
      return renderer.renderValue(value, context, { coercion: 'json' });
    } catch {
      return value;
    }
  });

  const action = createFetchTemplateAction({
    reader: {
      readUrl: () => Promise.reject(new Error('not used for file templates')),
      readTree: () => Promise.reject(new Error('not used for file templates')),
      search: () => Promise.reject(new Error('not used for file templates')),
    },
    integrations: ScmIntegrations.fromConfig(new ConfigReader({})),
  });
  const silent = {
    info() {},
    warn() {},
    error() {},
    debug() {},
    child() {
      return silent;
    },
  };
  let temporary = 0;
  await fs.mkdir(targetDir, { recursive: true });
  await action.handler({
    input,
    workspacePath: targetDir,
    logger: silent,
    templateInfo: { baseUrl: `file://${templateFile}`, entityRef: '' },
    createTemporaryDirectory: async () => {
      const dir = `${targetDir}.tmp${temporary++}`;
      await fs.mkdir(dir, { recursive: true });
      return dir;
    },
    output() {},
    checkpoint: async ({ fn }: { fn: () => unknown }) => fn(),
    getInitiatorCredentials: async () => ({}),
    isDryRun: false,
  } as unknown as Parameters<typeof action.handler>[0]);
}

const ABOUT: FormValues = {
  name: 'orders-api',
  // Quotes, a colon, a hash and a line break: must stay valid YAML and JSON.
  description: 'Takes orders: "fast", #1 & reliable.\nSecond line, ünïcode.',
  owner: 'group:default/payments-team',
  system: 'system:default/payments',
  lifecycle: 'experimental',
};

const SAMPLES: Record<string, FormValues> = {
  'typescript-service': { ...ABOUT, runtime: 'node22', port: 8080 },
  'python-service': { ...ABOUT, runtime: 'python3.12', port: 8000 },
  'react-spa': { ...ABOUT, name: 'orders-web' },
  'shared-library': { ...ABOUT, name: 'retry-utils' },
  'postgres-database': {
    ...ABOUT,
    name: 'orders-db',
    service: 'component:default/orders-api',
    storageGb: 20,
    postgresVersion: '16',
    tier: 'standard',
    costCenter: 'cc-4711',
  },
  'k8s-namespace': {
    ...ABOUT,
    name: 'payments-team',
    cpu: 4,
    memoryGi: 8,
    costCenter: 'cc-4711',
  },
};

/** The other choices of each form, without a system, in production. */
const ALTERNATIVES: Record<string, FormValues> = {
  'typescript-service': { runtime: 'node20', port: 3000 },
  'python-service': { runtime: 'python3.11' },
  'react-spa': {},
  'shared-library': {},
  'postgres-database': {
    tier: 'high-availability',
    postgresVersion: '15',
    storageGb: 1000,
    // Digits only: must stay a string in YAML and HCL.
    costCenter: '4711',
  },
  'k8s-namespace': { cpu: 1, memoryGi: 1, costCenter: '4711' },
};

function withoutSystem(parameters: FormValues): FormValues {
  const { system: _system, ...rest } = parameters;
  return { ...rest, lifecycle: 'production' };
}

async function catalogEntities(dir: string) {
  const text = await fs.readFile(path.join(dir, 'catalog-info.yaml'), 'utf8');
  return parseAllDocuments(text).map(doc => doc.toJS());
}

describe('generated repositories', () => {
  const mockDir = createMockDirectory();

  it('covers the six templates', () => {
    expect(Object.keys(SAMPLES).sort()).toEqual(
      Object.keys(GENERATED_REPOSITORY_EXPECTATIONS).sort(),
    );
  });

  describe.each(Object.keys(SAMPLES))('%s', templateName => {
    it('renders into a repository without problems', async () => {
      const dir = path.join(mockDir.path, templateName, 'sample');
      await renderTemplate(templateName, SAMPLES[templateName], dir);

      await expect(
        checkGeneratedRepository(dir, templateName),
      ).resolves.toEqual([]);

      const [entity] = await catalogEntities(dir);
      expect(entity.metadata.name).toBe(SAMPLES[templateName].name);
      expect(entity.metadata.description).toBe(ABOUT.description);
      expect(entity.metadata.annotations).toMatchObject({
        'portal.dev/template': `template:default/${templateName}`,
        'portal.dev/template-version': '1.0.0',
      });
      expect(entity.spec.owner).toBe('group:default/payments-team');
      expect(entity.spec.system).toBe('system:default/payments');
    }, 60_000);

    it('renders the other choices, without a system', async () => {
      const dir = path.join(mockDir.path, templateName, 'alternative');
      const parameters = withoutSystem({
        ...SAMPLES[templateName],
        ...ALTERNATIVES[templateName],
      });
      await renderTemplate(templateName, parameters, dir);

      await expect(
        checkGeneratedRepository(dir, templateName),
      ).resolves.toEqual([]);

      const [entity] = await catalogEntities(dir);
      expect(entity.spec.system).toBeUndefined();
      expect(entity.spec.lifecycle).toBe('production');
    }, 60_000);
  });

  it('puts the chosen values where they belong', async () => {
    const db = path.join(mockDir.path, 'values', 'db');
    await renderTemplate(
      'postgres-database',
      { ...SAMPLES['postgres-database'], tier: 'high-availability' },
      db,
    );
    const main = await fs.readFile(path.join(db, 'terraform/main.tf'), 'utf8');
    expect(main).toContain('db_name        = "orders_db"');
    expect(main).toContain('tier           = "high-availability"');
    expect(main).toContain('"service"          = "orders-api"');
    expect(main).toContain('"owner"            = "payments-team"');
    const [database] = await catalogEntities(db);
    expect(database.spec.dependencyOf).toEqual([
      'component:default/orders-api',
    ]);

    const ns = path.join(mockDir.path, 'values', 'ns');
    await renderTemplate('k8s-namespace', SAMPLES['k8s-namespace'], ns);
    const manifests = parseAllDocuments(
      await fs.readFile(path.join(ns, 'deploy/namespace.yaml'), 'utf8'),
    ).map(doc => doc.toJS());
    const quota = manifests.find(m => m.kind === 'ResourceQuota');
    expect(quota.spec.hard).toMatchObject({
      'requests.cpu': '4',
      'limits.cpu': '8',
      'requests.memory': '8Gi',
      'limits.memory': '16Gi',
    });

    const ts = path.join(mockDir.path, 'values', 'ts');
    await renderTemplate(
      'typescript-service',
      { ...SAMPLES['typescript-service'], runtime: 'node20', port: 3000 },
      ts,
    );
    const dockerfile = await fs.readFile(path.join(ts, 'Dockerfile'), 'utf8');
    expect(dockerfile).toContain('ARG NODE_VERSION=20');
    expect(dockerfile).toContain('EXPOSE 3000');
    const argo = parseYaml(
      await fs.readFile(
        path.join(ts, 'deploy/argocd-application.yaml'),
        'utf8',
      ),
    );
    expect(argo.spec.destination.namespace).toBe('payments-team');
    const workflow = await fs.readFile(
      path.join(ts, '.github/workflows/ci.yaml'),
      'utf8',
    );
    // GitHub Actions expressions survive the scaffolder's rendering.
    expect(workflow).toContain('${{ github.sha }}');
    expect(workflow).toContain("NODE_VERSION: '20'");
  }, 60_000);
});

describe('checkGeneratedRepository', () => {
  const mockDir = createMockDirectory();

  async function rendered(templateName: string): Promise<string> {
    const dir = path.join(mockDir.path, templateName);
    await renderTemplate(templateName, SAMPLES[templateName], dir);
    return dir;
  }

  async function edit(file: string, change: (text: string) => string) {
    await fs.writeFile(file, change(await fs.readFile(file, 'utf8')));
  }

  it('reports a broken Terraform file and an entity without owner', async () => {
    const dir = await rendered('postgres-database');
    await edit(
      path.join(dir, 'terraform/main.tf'),
      text => `${text}\nresource "aws_s3_bucket" "broken" {\n`,
    );
    await edit(path.join(dir, 'catalog-info.yaml'), text =>
      text.replace(/^ {2}owner: .*\n/m, ''),
    );

    const problems = await checkGeneratedRepository(dir, 'postgres-database');

    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^terraform\/main\.tf: invalid HCL/),
        expect.stringMatching(/^catalog-info\.yaml .*spec\.owner is missing/),
      ]),
    );
  }, 60_000);

  it('reports missing tags, untagged resources and unlabelled objects', async () => {
    const dir = await rendered('k8s-namespace');
    await edit(path.join(dir, 'terraform/main.tf'), text =>
      text
        .replace(/^ {4}"cost-center" .*\n/m, '')
        .replace(
          /^ {4}labels {4}= local\.tags\n/m,
          '    labels    = { team = "x" }\n',
        ),
    );
    await edit(path.join(dir, 'deploy/namespace.yaml'), text =>
      text.replace(/^ {4}managed-by: platform-portal\n/m, ''),
    );

    const problems = await checkGeneratedRepository(dir, 'k8s-namespace');

    expect(problems).toEqual(
      expect.arrayContaining([
        'terraform: local.tags lacks "cost-center"',
        'terraform/main.tf: resource kubernetes_resource_quota.this does not carry the required tags (local.tags)',
        'deploy/namespace.yaml: Namespace payments-team lacks the label "managed-by" (as a string)',
      ]),
    );
  }, 60_000);

  it('reports a template version that is not a string, missing files and leftovers', async () => {
    const dir = await rendered('typescript-service');
    await edit(path.join(dir, 'catalog-info.yaml'), text =>
      text.replace(
        'portal.dev/template-version: "1.0.0"',
        'portal.dev/template-version: 1.0',
      ),
    );
    await fs.rm(path.join(dir, 'slo.yaml'));
    await edit(
      path.join(dir, 'README.md'),
      text => `${text}\n\${{ values.name }}\n`,
    );
    await edit(path.join(dir, 'bom.json'), text =>
      text.replace('"bomFormat"', '"format"'),
    );

    const problems = await checkGeneratedRepository(dir, 'typescript-service');

    expect(problems).toEqual(
      expect.arrayContaining([
        'slo.yaml: missing',
        'README.md: template syntax left after rendering',
        'bom.json: bomFormat is not CycloneDX',
        expect.stringMatching(
          /portal\.dev\/template-version must be a version string, got 1/,
        ),
      ]),
    );
  }, 60_000);

  it('reports an unknown template', async () => {
    await expect(
      checkGeneratedRepository(mockDir.path, 'cobol-service'),
    ).resolves.toEqual(['unknown template "cobol-service"']);
  });
});
