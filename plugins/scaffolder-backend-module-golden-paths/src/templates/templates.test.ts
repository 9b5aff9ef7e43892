import { validateEntity } from '@internal/plugin-catalog-ingestion-node';
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';

const TEMPLATES_DIR = path.resolve(__dirname, '../../../../templates');

const GOLDEN_PATHS = [
  'typescript-service',
  'python-service',
  'react-spa',
  'shared-library',
  'postgres-database',
  'k8s-namespace',
];

const SPEC_TYPES: Record<string, string> = {
  'typescript-service': 'service',
  'python-service': 'service',
  'react-spa': 'website',
  'shared-library': 'library',
  'postgres-database': 'resource',
  'k8s-namespace': 'resource',
};

const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

const PROCEED = '${{ steps.policy.output.proceed }}';

const STEP_CONTRACT = [
  { id: 'policy', action: 'portal:policy:check' },
  { id: 'fetch', action: 'fetch:template' },
  { id: 'publish', action: 'portal:publish' },
  { id: 'register', action: 'portal:catalog:visible' },
];

/** `${{ steps.policy.output.parameters.x }}` or the template's name, version, ref. */
const FROM_POLICY =
  /^\$\{\{ steps\.policy\.output\.(?:parameters\.([A-Za-z][A-Za-z0-9_]*)|template\.(?:name|version|ref)) \}\}$/;

type Json = Record<string, any>;

interface Page {
  title?: string;
  required?: string[];
  properties?: Record<string, Json>;
}

function readTemplate(name: string): Json {
  return parseYaml(
    fs.readFileSync(path.join(TEMPLATES_DIR, name, 'template.yaml'), 'utf8'),
  );
}

function pagesOf(template: Json): Page[] {
  const parameters = template.spec.parameters;
  return Array.isArray(parameters) ? parameters : [parameters];
}

function propertiesOf(template: Json): Record<string, Json> {
  return Object.assign({}, ...pagesOf(template).map(p => p.properties ?? {}));
}

function requiredOf(template: Json): string[] {
  return pagesOf(template).flatMap(p => p.required ?? []);
}

function stepOf(template: Json, id: string): Json {
  return template.spec.steps.find((s: Json) => s.id === id);
}

function listFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? listFiles(full) : [full];
  });
}

describe('golden-path templates', () => {
  const found = fs
    .readdirSync(TEMPLATES_DIR, { withFileTypes: true })
    .filter(
      entry =>
        entry.isDirectory() &&
        fs.existsSync(path.join(TEMPLATES_DIR, entry.name, 'template.yaml')),
    )
    .map(entry => entry.name);

  it('has the six golden paths', () => {
    expect(found).toEqual(expect.arrayContaining(GOLDEN_PATHS));
  });

  describe.each(found)('%s', name => {
    const template = readTemplate(name);
    const properties = propertiesOf(template);

    it('shows the policy check on the last form page', () => {
      const pages = pagesOf(template);
      expect(pages.at(-1)?.properties?.policyCheck).toEqual({
        title: 'Organisation policy',
        type: 'string',
        'ui:field': 'PolicyCheck',
        'ui:options': { template: name },
        'ui:backstage': { review: { show: false } },
      });
    });

    it('is a valid Template entity', async () => {
      // As catalog ingestion checks it: the catalog's policies and the kind.
      expect(await validateEntity(template)).toEqual({
        entity: expect.objectContaining({ kind: 'Template' }),
      });
      expect(template.apiVersion).toBe('scaffolder.backstage.io/v1beta3');
      expect(template.kind).toBe('Template');
    });

    it('has the metadata the portal shows and versions', () => {
      expect(template.metadata.name).toBe(name);
      expect(template.metadata.title).toEqual(expect.any(String));
      expect(template.metadata.description).toEqual(expect.any(String));
      expect(template.metadata.tags.length).toBeGreaterThan(0);
      const version =
        template.metadata.annotations?.['portal.dev/template-version'];
      expect(typeof version).toBe('string');
      expect(version).toMatch(SEMVER);
      expect(template.spec.owner).toBe('group:default/platform-team');
      expect(['service', 'website', 'library', 'resource']).toContain(
        template.spec.type,
      );
      expect(template.spec.type).toBe(SPEC_TYPES[name] ?? template.spec.type);
    });

    it('leaves goldenGate to continuations of approved requests', () => {
      // The policy step reads it as the approved request a task continues.
      expect(Object.keys(properties)).not.toContain('goldenGate');
    });

    it('has a README and a skeleton with a catalog-info.yaml', () => {
      expect(fs.existsSync(path.join(TEMPLATES_DIR, name, 'README.md'))).toBe(
        true,
      );
      expect(
        fs.existsSync(
          path.join(TEMPLATES_DIR, name, 'skeleton', 'catalog-info.yaml'),
        ),
      ).toBe(true);
    });

    it('runs the steps of the golden-path contract, in order', () => {
      const steps: Json[] = template.spec.steps;
      expect(steps.map(s => ({ id: s.id, action: s.action }))).toEqual(
        STEP_CONTRACT,
      );
      expect(stepOf(template, 'policy').input).toEqual({
        parameters: '${{ parameters }}',
      });
      expect(stepOf(template, 'policy').if).toBeUndefined();
      for (const id of ['fetch', 'publish', 'register']) {
        expect(stepOf(template, id).if).toBe(PROCEED);
      }
      expect(stepOf(template, 'fetch').input.url).toBe('./skeleton');
      expect(stepOf(template, 'publish').input).toEqual({
        repoName: '${{ steps.policy.output.parameters.name }}',
        description: '${{ steps.policy.output.parameters.description }}',
      });
      expect(stepOf(template, 'register').input).toEqual({
        repositoryName: '${{ steps.publish.output.repositoryName }}',
      });
      expect(template.spec.output).toEqual({
        links: [
          {
            title: 'Open in catalog',
            icon: 'catalog',
            entityRef: '${{ steps.register.output.entityRef }}',
          },
          {
            // The one-question survey, tied to this run, once it created
            // something (not while the request waits at a golden gate).
            title: 'How was it? (one question)',
            icon: 'help',
            url: "${{ ('/dx/survey/golden-path?taskId=' + context.task.id) if steps.policy.output.proceed else '' }}",
          },
        ],
        text: [
          { title: 'Status', content: '${{ steps.policy.output.status }}' },
        ],
      });
    });

    it('fills the skeleton only from what the policy step approved', () => {
      const values: Record<string, unknown> = stepOf(template, 'fetch').input
        .values;
      for (const [key, value] of Object.entries(values)) {
        expect({ key, value }).toEqual({
          key,
          value: expect.stringMatching(FROM_POLICY),
        });
      }
      expect(values).toMatchObject({
        templateName: '${{ steps.policy.output.template.name }}',
        templateVersion: '${{ steps.policy.output.template.version }}',
        templateRef: '${{ steps.policy.output.template.ref }}',
      });
      // Every form field reaches the skeleton, and only form fields do
      // (the PolicyCheck field only shows the check in the form).
      const passed = Object.values(values)
        .map(v => FROM_POLICY.exec(String(v))?.[1])
        .filter((v): v is string => v !== undefined);
      const formFields = Object.entries(properties)
        .filter(([, p]) => p['ui:field'] !== 'PolicyCheck')
        .map(([key]) => key);
      expect(passed.sort()).toEqual(formFields.sort());
      // ...each under its own name.
      const renamed = Object.entries(values).filter(([key, value]) => {
        const parameter = FROM_POLICY.exec(String(value))?.[1];
        return parameter !== undefined && parameter !== key;
      });
      expect(renamed).toEqual([]);
    });

    it('never reads the raw parameters in the skeleton', () => {
      const skeleton = path.join(TEMPLATES_DIR, name, 'skeleton');
      for (const file of listFiles(skeleton)) {
        const text = fs.readFileSync(file, 'utf8');
        expect({ file, raw: /\$\{\{[^}]*\bparameters\./.test(text) }).toEqual({
          file,
          raw: false,
        });
      }
    });

    it('requires only fields that exist, and the right ones', () => {
      for (const page of pagesOf(template)) {
        for (const key of page.required ?? []) {
          expect({
            page: page.title,
            key,
            exists: key in (page.properties ?? {}),
          }).toEqual({ page: page.title, key, exists: true });
        }
      }
      const required = requiredOf(template);
      expect(required).toEqual(
        expect.arrayContaining(['name', 'description', 'owner', 'lifecycle']),
      );
      expect(required).not.toContain('system');
      expect(required.includes('costCenter')).toBe('costCenter' in properties);
    });

    it('asks for the common fields the portal relies on', () => {
      const {
        name: nameField,
        description,
        owner,
        system,
        lifecycle,
      } = properties;
      expect(nameField).toMatchObject({
        type: 'string',
        maxLength: 40,
        'ui:autofocus': true,
      });
      expect(description).toMatchObject({ type: 'string', maxLength: 280 });
      expect(owner).toMatchObject({
        type: 'string',
        'ui:field': 'OwnerPicker',
        'ui:options': { catalogFilter: { kind: 'Group' } },
      });
      expect(system).toMatchObject({
        type: 'string',
        'ui:field': 'EntityPicker',
        'ui:options': { catalogFilter: { kind: 'System' } },
      });
      expect(lifecycle).toMatchObject({
        enum: ['experimental', 'production'],
        default: 'experimental',
      });
    });

    it('accepts only safe, lower-case names', () => {
      const pattern = new RegExp(properties.name.pattern);
      for (const bad of [
        '../evil',
        'Evil',
        'a',
        'ab',
        'orders_api',
        'orders-',
        '-orders',
        '1orders',
        'orders api',
        'x'.repeat(41),
      ]) {
        expect({ name: bad, accepted: pattern.test(bad) }).toEqual({
          name: bad,
          accepted: false,
        });
      }
      for (const good of [
        'orders-api',
        'abc',
        'payments-team',
        'a'.repeat(40),
      ]) {
        expect({ name: good, accepted: pattern.test(good) }).toEqual({
          name: good,
          accepted: true,
        });
      }
    });
  });

  describe('template-specific fields', () => {
    it.each([
      ['typescript-service', ['node22', 'node20']],
      ['python-service', ['python3.12', 'python3.11']],
    ])('%s offers the standard runtime first and a port', (name, runtimes) => {
      const properties = propertiesOf(readTemplate(name));
      expect(properties.runtime).toMatchObject({
        enum: runtimes,
        default: runtimes[0],
      });
      expect(properties.port).toMatchObject({
        type: 'integer',
        default: 8080,
      });
    });

    it('postgres-database asks for service, size, version, tier and cost center', () => {
      const template = readTemplate('postgres-database');
      const properties = propertiesOf(template);
      expect(properties.service).toMatchObject({
        'ui:field': 'EntityPicker',
        'ui:options': { catalogFilter: { kind: 'Component' } },
      });
      expect(properties.storageGb).toMatchObject({
        type: 'integer',
        minimum: 1,
        maximum: 1000,
        default: 20,
      });
      expect(properties.postgresVersion.enum).toEqual(['16', '15']);
      expect(properties.tier.enum).toEqual(['standard', 'high-availability']);
      const costCenter = new RegExp(properties.costCenter.pattern);
      expect(costCenter.test('cc-4711')).toBe(true);
      expect(costCenter.test('CC 4711')).toBe(false);
      expect(requiredOf(template)).toEqual(
        expect.arrayContaining([
          'service',
          'storageGb',
          'postgresVersion',
          'tier',
          'costCenter',
        ]),
      );
    });

    it('k8s-namespace asks for the team, quota and cost center', () => {
      const template = readTemplate('k8s-namespace');
      const properties = propertiesOf(template);
      expect(properties.owner['ui:field']).toBe('OwnerPicker');
      expect(properties.cpu).toMatchObject({ type: 'integer', default: 4 });
      expect(properties.memoryGi).toMatchObject({
        type: 'integer',
        default: 8,
      });
      expect(requiredOf(template)).toEqual(
        expect.arrayContaining(['cpu', 'memoryGi', 'costCenter']),
      );
    });
  });
});
