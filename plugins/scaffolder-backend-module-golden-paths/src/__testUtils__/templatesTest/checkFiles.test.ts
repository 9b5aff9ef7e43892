import {
  checkCatalogInfo,
  checkGeneratedFiles,
  findPython,
} from './checkFiles';

const file = (path: string, content: string) => ({ path, content });

describe('checkGeneratedFiles', () => {
  it('accepts files that parse', async () => {
    expect(
      await checkGeneratedFiles([
        file('a.yaml', 'a: 1\n---\nb: [2]\n'),
        file('b.json', '{"x": [1, 2]}'),
        file('src/c.ts', 'export const x: number = 1;\n'),
        file('src/d.tsx', 'export const A = () => <div>{1}</div>;\n'),
        file('main.tf', 'locals {\n  tags = { a = "b" }\n}\n'),
        file('app/main.py', 'def f(x):\n    return x + 1\n'),
        file('README.md', '# {{ not checked }}'),
      ]),
    ).toEqual([]);
  });

  it('reports each file that does not parse, with its line', async () => {
    const problems = await checkGeneratedFiles([
      file('a.yaml', 'a: 1\n---\nb: [2\n'),
      file('b.json', '{\n  "x": 1,\n}\n'),
      file('src/c.ts', 'export const x = ;\n'),
      file('src/d.tsx', 'export const A = () => <div>;\n'),
      file('main.tf', 'resource "a" "b" {\n  x =\n}\n'),
      file('left.yaml', 'name: ${{ values.name }}\n'),
    ]);
    const where = problems.map(p => `${p.file}:${p.line}`);
    expect(where).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^a\.yaml:[34]$/),
        'b.json:3',
        'src/c.ts:1',
        expect.stringMatching(/^src\/d\.tsx:\d+$/),
        'main.tf:2',
        'left.yaml:1',
      ]),
    );
    expect(problems.find(p => p.file === 'main.tf')?.message).toMatch(
      /^invalid HCL: /,
    );
    expect(problems.find(p => p.file === 'left.yaml')?.message).toMatch(
      /^template syntax left after rendering/,
    );
  });

  it('reports Python that does not compile, when python3 is there', async () => {
    if (!(await findPython())) return;
    expect(
      await checkGeneratedFiles([file('app/x.py', 'x = 1\ndef f(:\n')]),
    ).toEqual([
      {
        file: 'app/x.py',
        line: 2,
        message: expect.stringMatching(/^invalid Python: /),
      },
    ]);
  });
});

describe('checkCatalogInfo', () => {
  const template = { ref: 'template:default/svc', version: '1.2.0' };
  const component = (extra = '') => `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: orders
  annotations:
    portal.dev/template: template:default/svc
    portal.dev/template-version: "1.2.0"
spec:
  type: service
  lifecycle: experimental
${extra}`;

  it('accepts a valid entity with the template annotations', async () => {
    const text = `${component('  owner: group:default/a\n')}---
apiVersion: backstage.io/v1alpha1
kind: API
metadata:
  name: orders
spec:
  type: openapi
  lifecycle: experimental
  owner: group:default/a
  definition:
    $text: ./openapi.yaml
`;
    expect(
      await checkCatalogInfo(file('catalog-info.yaml', text), template, [
        file('catalog-info.yaml', text),
        file('openapi.yaml', 'openapi: 3.0.0'),
      ]),
    ).toEqual([]);
  });

  it('reports a missing owner, a missing $text file and wrong annotations', async () => {
    const text = `${component()}---
apiVersion: backstage.io/v1alpha1
kind: API
metadata:
  name: orders
spec:
  type: openapi
  lifecycle: experimental
  owner: group:default/a
  definition:
    $text: ./missing.yaml
`;
    expect(
      await checkCatalogInfo(file('catalog-info.yaml', text), {
        ...template,
        version: '2.0.0',
      }),
    ).toEqual([
      {
        file: 'catalog-info.yaml',
        line: 1,
        message: 'Component orders: spec.owner is missing',
      },
      {
        file: 'catalog-info.yaml',
        line: 12,
        message:
          'API orders: $text: ./missing.yaml: no such file in the repository',
      },
      {
        file: 'catalog-info.yaml',
        line: 12,
        message: expect.stringContaining('API orders: '),
      },
    ]);
  });

  it('reports a version annotation that is not the template version', async () => {
    expect(
      await checkCatalogInfo(
        file('catalog-info.yaml', component('  owner: group:default/a\n')),
        { ...template, version: '2.0.0' },
      ),
    ).toEqual([
      {
        file: 'catalog-info.yaml',
        line: 1,
        message:
          'Component orders: annotation portal.dev/template-version should be "2.0.0", is "1.2.0"',
      },
    ]);
  });
});
