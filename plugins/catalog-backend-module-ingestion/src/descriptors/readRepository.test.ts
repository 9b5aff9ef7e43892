import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GitRepository } from '../git/GitRepository';
import { createRepo } from '../__testUtils__/git';
import { readRepository } from './readRepository';

const component = (
  name: string,
  extra = '',
) => `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ${name}
spec:
  type: service
  lifecycle: production
  owner: team-a
${extra}`;

describe('readRepository', () => {
  let root: string;
  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'read-repo-'));
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  async function read(
    name: string,
    files: Parameters<typeof createRepo>[1],
    maxFileBytes = 4096,
  ) {
    const dir = path.join(root, name);
    createRepo(dir, files);
    const repo = (await GitRepository.open(dir))!;
    const head = await repo.resolveHead();
    const content = {
      files: await repo.listFiles(head.commit!),
      read: (o: string[]) => repo.readBlobs(o),
    };
    return readRepository(content, {
      globs: ['catalog-info.yaml', 'services/*/catalog-info.yaml'],
      maxFileBytes,
      repositoryKey: `local/${name}`,
      locationOf: file => `git:${dir}:${file}`,
    });
  }

  it('reads every document of a multi-document descriptor and annotates its origin', async () => {
    const result = await read('multi', {
      'catalog-info.yaml': `${component('one')}---\n${component('two')}---\n`,
      'services/three/catalog-info.yaml': component('three'),
      'other.yaml': component('ignored'),
    });
    expect(result.problems).toEqual([]);
    expect(result.entities.map(e => [e.ref, e.file, e.line])).toEqual([
      ['component:default/one', 'catalog-info.yaml', 1],
      ['component:default/two', 'catalog-info.yaml', 10],
      ['component:default/three', 'services/three/catalog-info.yaml', 1],
    ]);
    expect(result.entities[0].entity.metadata.annotations).toMatchObject({
      'backstage.io/managed-by-location': expect.stringMatching(
        /^git:.*:catalog-info\.yaml$/,
      ),
      'portal.dev/ingestion-repository': 'local/multi',
    });
  });

  it('reports each bad document with its line and keeps the good ones', async () => {
    const result = await read('bad-docs', {
      'catalog-info.yaml': [
        component('good'),
        'apiVersion: example.com/v1\nkind: AiResource\nmetadata:\n  name: model\n',
        'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: "not valid!"\nspec:\n  type: service\n  lifecycle: x\n  owner: y\n',
        'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: proto\n  __proto__:\n    polluted: true\nspec: {}\n',
        component('good'),
      ].join('---\n'),
    });
    expect(result.entities.map(e => e.ref)).toEqual(['component:default/good']);
    expect(result.problems).toEqual([
      expect.objectContaining({
        line: 10,
        message: expect.stringContaining('unknown kind "AiResource"'),
        entityRef: 'airesource:default/model',
      }),
      expect.objectContaining({
        line: 15,
        message: expect.stringContaining('metadata.name'),
      }),
      expect.objectContaining({
        line: 24,
        message: 'forbidden key "metadata.__proto__" in document',
      }),
      expect.objectContaining({
        line: 32,
        message: expect.stringContaining('defined twice'),
      }),
    ]);
    expect(({} as any).polluted).toBeUndefined();
  });

  it('refuses a file with broken YAML as a whole, with the line of the error', async () => {
    const result = await read('broken', {
      'catalog-info.yaml': `${component('fine')}---\nkind: [unclosed\n`,
    });
    expect(result.entities).toEqual([]);
    expect(result.problems).toEqual([
      expect.objectContaining({
        file: 'catalog-info.yaml',
        line: 11,
        message: expect.stringMatching(/^YAML syntax error/),
      }),
    ]);
  });

  it('refuses binary, oversized and symlinked descriptors', async () => {
    const result = await read('hostile', {
      'catalog-info.yaml': { symlink: '/etc/passwd' },
      'services/bin/catalog-info.yaml': Buffer.from([0x6b, 0x00, 0xff, 0x01]),
      'services/big/catalog-info.yaml': `${component(
        'big',
      )}  description: "${'x'.repeat(5000)}"\n`,
    });
    expect(result.entities).toEqual([]);
    expect(result.problems.map(p => [p.file, p.message])).toEqual([
      ['catalog-info.yaml', 'symbolic link; links are not followed'],
      [
        'services/big/catalog-info.yaml',
        expect.stringMatching(
          /^file is \d+ bytes, over the limit of 4096 bytes$/,
        ),
      ],
      ['services/bin/catalog-info.yaml', 'binary file, expected YAML text'],
    ]);
  });

  it('follows relative Location targets and placeholders inside the repository only', async () => {
    const result = await read('locations', {
      'catalog-info.yaml': `apiVersion: backstage.io/v1alpha1
kind: Location
metadata:
  name: all
spec:
  targets:
    - ./apis/*.yaml
    - ../../etc/passwd
    - https://example.com/catalog-info.yaml
`,
      'apis/pets.yaml': `apiVersion: backstage.io/v1alpha1
kind: API
metadata:
  name: pets
spec:
  type: openapi
  lifecycle: production
  owner: team-a
  definition:
    $text: ../openapi/pets.yaml
`,
      'apis/escape.yaml': `apiVersion: backstage.io/v1alpha1
kind: API
metadata:
  name: escape
spec:
  type: openapi
  lifecycle: production
  owner: team-a
  definition:
    $text: ../../secret.txt
`,
      'openapi/pets.yaml': 'openapi: 3.0.0\n',
    });
    const byRef = new Map(result.entities.map(e => [e.ref, e.entity]));
    expect([...byRef.keys()].sort()).toEqual([
      'api:default/pets',
      'location:default/all',
    ]);
    expect((byRef.get('api:default/pets')!.spec as any).definition).toBe(
      'openapi: 3.0.0\n',
    );
    expect(byRef.get('location:default/all')!.spec).toEqual({
      type: 'url',
      targets: ['https://example.com/catalog-info.yaml'],
    });
    expect(result.problems.map(p => p.message).sort()).toEqual([
      'Location target "../../etc/passwd" leaves the repository; refused',
      'placeholder $text "../../secret.txt" leaves the repository',
    ]);
  });
});
