import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GitRepository } from '../git/GitRepository';
import {
  discoveredEntity as entity,
  repositoryContentOf as memory,
} from '@internal/plugin-catalog-ingestion-node/testUtils';
import { createRepo, git } from '../__testUtils__/git';
import {
  DEFAULT_OPENSLO_GLOBS,
  MAX_OPENSLO_FILES,
  openSloOwner,
  readOpenSlo,
} from './readOpenSlo';

const SLO = 'apiVersion: openslo/v1\nkind: SLO\nmetadata:\n  name: avail\n';
const options = { openSloGlobs: DEFAULT_OPENSLO_GLOBS, maxFileBytes: 4096 };

describe('openSloOwner', () => {
  it('among several entities of one directory, takes the only Component', () => {
    const service = entity('Component', 'orders', 'catalog-info.yaml');
    const api = entity('API', 'orders', 'catalog-info.yaml');
    expect(openSloOwner('slo.yaml', [service, api])).toBe(service);
  });

  it('says why a file has no owner', () => {
    const one = entity('Component', 'one', 'catalog-info.yaml');
    const two = entity('Component', 'two', 'catalog-info.yaml');
    expect(openSloOwner('slo.yaml', [one, two])).toBe(
      'OpenSLO file matches 2 entities in the repository root; name it with the portal.dev/openslo annotation on one of them',
    );
    expect(openSloOwner('x/slo.yaml', [])).toBe(
      'OpenSLO file found but no component, resource, system or API is described in its directory or above',
    );
  });
});

describe('readOpenSlo', () => {
  it('attaches files found by the default globs to the nearest entity of the supported kinds', async () => {
    const content = memory({
      'catalog-info.yaml': '',
      'slo.yaml': SLO,
      'services/api/catalog-info.yaml': '',
      'services/api/checkout.openslo.yml': SLO,
      'services/api/ops/openslo.yaml': SLO,
      'infra/db/slo.yml': SLO,
      'node_modules/pkg/slo.yaml': SLO,
      '.hidden/slo.yaml': SLO,
      'docs/slo.md': 'not an SLO',
    });
    const result = await readOpenSlo(
      content,
      [
        entity('System', 'shop', 'catalog-info.yaml'),
        entity('Group', 'team', 'services/api/catalog-info.yaml'),
        entity('API', 'checkout-api', 'services/api/catalog-info.yaml'),
      ],
      options,
    );
    expect(result.problems).toEqual([]);
    expect(result.files.map(f => [f.file, f.entityRef])).toEqual([
      ['infra/db/slo.yml', 'system:default/shop'],
      ['services/api/checkout.openslo.yml', 'api:default/checkout-api'],
      ['services/api/ops/openslo.yaml', 'api:default/checkout-api'],
      ['slo.yaml', 'system:default/shop'],
    ]);
    expect(result.files[0].content).toBe(SLO);
  });

  it('follows the annotation (comma-separated, relative to the descriptor) before the globs', async () => {
    const content = memory({
      'catalog-info.yaml': '',
      'slo.yaml': SLO,
      'services/a/catalog-info.yaml': '',
      'services/a/slos/availability.yaml': 'a',
      'services/a/slos/latency.yaml': 'l',
      'shared/slo.yaml': 's',
    });
    const result = await readOpenSlo(
      content,
      [
        entity('Component', 'root', 'catalog-info.yaml', {
          'portal.dev/openslo': 'services/a/slos/latency.yaml',
        }),
        entity('Resource', 'a', 'services/a/catalog-info.yaml', {
          'portal.dev/openslo':
            'slos/availability.yaml, ./slos/latency.yaml,../../shared/slo.yaml,missing.yaml,../../../etc/passwd,',
        }),
        entity('Group', 'team', 'catalog-info.yaml', {
          'portal.dev/openslo': 'slo.yaml',
        }),
      ],
      options,
    );
    expect(result.files.map(f => [f.file, f.entityRef, f.content])).toEqual([
      ['services/a/slos/availability.yaml', 'resource:default/a', 'a'],
      ['services/a/slos/latency.yaml', 'component:default/root', 'l'],
      ['shared/slo.yaml', 'resource:default/a', 's'],
      ['slo.yaml', 'component:default/root', SLO],
    ]);
    expect(result.problems).toEqual([
      {
        file: 'services/a/catalog-info.yaml',
        entityRef: 'resource:default/a',
        message:
          'portal.dev/openslo "./slos/latency.yaml": services/a/slos/latency.yaml is already named by component:default/root; ignored',
      },
      {
        file: 'services/a/catalog-info.yaml',
        entityRef: 'resource:default/a',
        message:
          'portal.dev/openslo "missing.yaml": no such file in the repository',
      },
      {
        file: 'services/a/catalog-info.yaml',
        entityRef: 'resource:default/a',
        message:
          'portal.dev/openslo "../../../etc/passwd": no such file in the repository',
      },
      {
        file: 'catalog-info.yaml',
        entityRef: 'group:default/team',
        message:
          'portal.dev/openslo is only read on Components, Resources, Systems and APIs; ignored on a Group',
      },
    ]);
  });

  it('reports files found by glob that belong to no entity or to several', async () => {
    const result = await readOpenSlo(
      memory({
        'catalog-info.yaml': '',
        'slo.yaml': SLO,
        'lonely/catalog-info.yaml': '',
        'lonely/slo.yaml': SLO,
      }),
      [
        entity('Component', 'one', 'catalog-info.yaml'),
        entity('Component', 'two', 'catalog-info.yaml'),
      ],
      options,
    );
    expect(result.files).toEqual([]);
    expect(result.problems.map(p => [p.file, p.message])).toEqual([
      [
        'slo.yaml',
        'OpenSLO file matches 2 entities in the repository root; name it with the portal.dev/openslo annotation on one of them',
      ],
      [
        'lonely/slo.yaml',
        'OpenSLO file matches 2 entities in the repository root; name it with the portal.dev/openslo annotation on one of them',
      ],
    ]);
    const orphan = await readOpenSlo(
      memory({ 'slo.yaml': SLO }),
      [entity('Group', 'team', 'catalog-info.yaml')],
      options,
    );
    expect(orphan.problems).toEqual([
      {
        file: 'slo.yaml',
        message:
          'OpenSLO file found but no component, resource, system or API is described in its directory or above',
      },
    ]);
  });

  it('uses the configured globs only, and none for sources without them', async () => {
    const content = memory({
      'catalog-info.yaml': '',
      'slo.yaml': SLO,
      'reliability/objectives.yaml': SLO,
    });
    const owner = [entity('Component', 'c', 'catalog-info.yaml')];
    const custom = await readOpenSlo(content, owner, {
      ...options,
      openSloGlobs: ['reliability/*.yaml'],
    });
    expect(custom.files.map(f => f.file)).toEqual([
      'reliability/objectives.yaml',
    ]);
    const none = await readOpenSlo(content, owner, {
      ...options,
      openSloGlobs: [],
    });
    expect(none).toEqual({ files: [], problems: [] });
  });

  it('refuses links, submodules, large, binary and non-UTF-8 files', async () => {
    const content = memory(
      {
        'catalog-info.yaml': '',
        'a/slo.yaml': 'x'.repeat(5000),
        'b/slo.yaml': Buffer.from('name: a\u0000b'),
        'c/slo.yaml': Buffer.from([0x6e, 0x61, 0x6d, 0x65, 0xc3, 0x28]),
        'd/slo.yaml': '/etc/passwd',
        'e/slo.yaml': '',
        'f/slo.yaml': 'name: café ✓\n',
      },
      { 'd/slo.yaml': '120000', 'e/slo.yaml': '160000' },
    );
    const result = await readOpenSlo(
      content,
      [entity('Component', 'c', 'catalog-info.yaml')],
      options,
    );
    expect(result.files.map(f => [f.file, f.content])).toEqual([
      ['f/slo.yaml', 'name: café ✓\n'],
    ]);
    expect(result.problems.map(p => [p.file, p.message])).toEqual([
      [
        'a/slo.yaml',
        'OpenSLO file not read: file is 5000 bytes, over the limit of 4096 bytes',
      ],
      [
        'd/slo.yaml',
        'OpenSLO file not read: symbolic link; links are not followed',
      ],
      ['e/slo.yaml', 'OpenSLO file not read: a git submodule, not a file'],
      ['b/slo.yaml', 'OpenSLO file not read: binary file, expected UTF-8 text'],
      ['c/slo.yaml', 'OpenSLO file not read: binary file, expected UTF-8 text'],
    ]);
  });

  it('checks the size after reading when the host lists none', async () => {
    const content = memory({ 'catalog-info.yaml': '', 'slo.yaml': 'x' });
    content.files = content.files.map(f => ({ ...f, size: 0 }));
    const result = await readOpenSlo(
      content,
      [entity('Component', 'c', 'catalog-info.yaml')],
      { ...options, maxFileBytes: 0 },
    );
    expect(result.files).toEqual([]);
    expect(result.problems.map(p => p.message)).toEqual([
      'OpenSLO file not read: file is 1 bytes, over the limit of 0 bytes',
    ]);
  });

  it(`keeps at most ${MAX_OPENSLO_FILES} files per repository`, async () => {
    const files: Record<string, string> = { 'catalog-info.yaml': '' };
    for (let i = 0; i < MAX_OPENSLO_FILES + 5; i++) {
      files[`s${String(i).padStart(3, '0')}/slo.yaml`] = SLO;
    }
    const result = await readOpenSlo(
      memory(files),
      [entity('Component', 'c', 'catalog-info.yaml')],
      options,
    );
    expect(result.files).toHaveLength(MAX_OPENSLO_FILES);
    expect(result.problems.map(p => p.message)).toEqual([
      `more than ${MAX_OPENSLO_FILES} OpenSLO files in the repository; the rest are ignored`,
    ]);
  });

  describe('on a real git repository', () => {
    let root: string;
    beforeAll(() => {
      root = fs.mkdtempSync(path.join(os.tmpdir(), 'read-openslo-'));
    });
    afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

    it('sees symlinks and submodules as such and reads the rest', async () => {
      const dir = path.join(root, 'repo');
      createRepo(dir, {
        'catalog-info.yaml': 'unused',
        'slo.yaml': SLO,
        'linked/slo.yaml': { symlink: '../slo.yaml' },
      });
      const head = git(dir, 'rev-parse', 'HEAD');
      git(
        dir,
        'update-index',
        '--add',
        '--cacheinfo',
        `160000,${head},vendored/openslo.yaml`,
      );
      git(dir, 'commit', '-q', '-m', 'submodule');
      const repo = (await GitRepository.open(dir))!;
      const commit = (await repo.resolveHead()).commit!;
      const result = await readOpenSlo(
        {
          files: await repo.listFiles(commit),
          read: oids => repo.readBlobs(oids),
        },
        [entity('Component', 'c', 'catalog-info.yaml')],
        options,
      );
      expect(result.files).toEqual([
        { entityRef: 'component:default/c', file: 'slo.yaml', content: SLO },
      ]);
      expect(result.problems.map(p => [p.file, p.message])).toEqual([
        [
          'linked/slo.yaml',
          'OpenSLO file not read: symbolic link; links are not followed',
        ],
        [
          'vendored/openslo.yaml',
          'OpenSLO file not read: a git submodule, not a file',
        ],
      ]);
    });
  });
});
