import { TestDatabases } from '@backstage/backend-test-utils';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseAdvisoryStore } from '../store/DatabaseAdvisoryStore';
import { DatabaseSbomStore } from '../store/DatabaseSbomStore';
import { importAdvisories } from './importAdvisories';

jest.setTimeout(60_000);

// Advisories in OSV format matched against stored SBOM packages, on both
// databases the README offers. The advisories are written for this test.

const osv = (id: string, fixed: string, extra: object = {}) => ({
  id,
  modified: '2026-11-30T10:00:00Z',
  aliases: ['CVE-2026-1111'],
  summary: 'Prototype pollution in example-utils',
  database_specific: { severity: 'HIGH' },
  affected: [
    {
      package: { ecosystem: 'npm', name: 'example-utils' },
      ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed }] }],
    },
  ],
  ...extra,
});

const django = {
  id: 'PYSEC-2026-7',
  modified: '2026-10-01T00:00:00Z',
  affected: [
    {
      package: { ecosystem: 'PyPI', name: 'django' },
      ranges: [
        {
          type: 'ECOSYSTEM',
          events: [{ introduced: '3.0' }, { fixed: '3.2.5' }],
        },
      ],
    },
  ],
};

const pkg = (
  type: string,
  name: string,
  version: string,
  namespace?: string,
) => ({
  purl: `pkg:${type}/${namespace ? `${namespace}/` : ''}${name}@${version}`,
  type,
  namespace,
  name,
  version,
  direct: true,
});

describe('advisories against the dependency inventory', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  it.each(databases.eachSupportedId())(
    'imports OSV files, matches them incrementally and keeps what stays, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const sboms = await DatabaseSbomStore.create({ knex });
      const advisories = new DatabaseAdvisoryStore(knex);
      sboms.onPackagesChanged(ref => advisories.matchEntity(ref));
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'osv-'));
      const write = (file: string, content: unknown) => {
        fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
        fs.writeFileSync(
          path.join(dir, file),
          typeof content === 'string' ? content : JSON.stringify(content),
        );
      };
      const source = { id: 'osv-test', path: dir };
      const matches = async () =>
        (await advisories.vulnerabilities()).map(v => [
          v.entityRef,
          v.purl,
          v.advisoryId,
          v.vulnKey,
          v.fixedIn,
        ]);

      try {
        await sboms.replaceSbom({
          entityRef: 'component:default/shop',
          origin: 'upload',
          format: 'cyclonedx',
          packages: [
            pkg('npm', 'example-utils', '4.17.20'),
            pkg('pypi', 'Django', '3.2.1'),
            pkg('npm', 'unrelated', '1.0.0'),
          ],
        });
        await sboms.replaceSbom({
          entityRef: 'component:default/ledger',
          origin: 'upload',
          format: 'cyclonedx',
          packages: [pkg('npm', 'example-utils', '4.17.21')],
        });

        write('npm/GHSA-aaaa.json', osv('GHSA-aaaa', '4.17.21'));
        write('pypi/PYSEC-2026-7.json', django);
        write('npm/broken.json', { id: 'X', modified: 'soon' });
        write('npm/not-json.json', '{ nope');
        const first = await importAdvisories(source, advisories);
        expect(first).toMatchObject({
          files: 4,
          added: 2,
          changed: 0,
          unchanged: 0,
          refusedCount: 2,
        });
        expect(first.refused).toEqual([
          {
            file: path.join('npm', 'broken.json'),
            problems: ['modified: is not an RFC 3339 timestamp'],
          },
          {
            file: path.join('npm', 'not-json.json'),
            problems: [expect.stringMatching(/^not JSON: /)],
          },
        ]);
        // The PyPI name is matched normalised (Django is django).
        expect(await matches()).toEqual([
          [
            'component:default/shop',
            'pkg:npm/example-utils@4.17.20',
            'GHSA-aaaa',
            'CVE-2026-1111',
            '4.17.21',
          ],
          [
            'component:default/shop',
            'pkg:pypi/Django@3.2.1',
            'PYSEC-2026-7',
            'PYSEC-2026-7',
            '3.2.5',
          ],
        ]);
        const [firstSeen] = await advisories.vulnerabilities();

        // The same files again: nothing processed.
        const again = await importAdvisories(source, advisories);
        expect(again).toMatchObject({ added: 0, changed: 0, unchanged: 2 });

        // The advisory changes: the fix moves up, ledger is hit too; shop's
        // match stays with its first-seen time.
        write('npm/GHSA-aaaa.json', osv('GHSA-aaaa', '4.17.22'));
        const changed = await importAdvisories(source, advisories);
        expect(changed).toMatchObject({ changed: 1, unchanged: 1 });
        expect((await matches()).map(m => [m[0], m[2], m[4]])).toEqual([
          ['component:default/ledger', 'GHSA-aaaa', '4.17.22'],
          ['component:default/shop', 'GHSA-aaaa', '4.17.22'],
          ['component:default/shop', 'PYSEC-2026-7', '3.2.5'],
        ]);
        const shop = (
          await advisories.vulnerabilities({
            entityRef: 'component:default/shop',
          })
        ).find(v => v.advisoryId === 'GHSA-aaaa')!;
        expect(shop.firstSeenAt).toBe(firstSeen.firstSeenAt);

        // shop upgrades: its SBOM changes and only its matches are redone.
        await sboms.replaceSbom({
          entityRef: 'component:default/shop',
          origin: 'upload',
          format: 'cyclonedx',
          packages: [
            pkg('npm', 'example-utils', '4.17.22'),
            pkg('pypi', 'django', '3.2.5'),
          ],
        });
        expect((await matches()).map(m => [m[0], m[2]])).toEqual([
          ['component:default/ledger', 'GHSA-aaaa'],
        ]);

        // Withdrawn: it matches nothing any more.
        write(
          'npm/GHSA-aaaa.json',
          osv('GHSA-aaaa', '4.17.22', { withdrawn: '2026-12-01T00:00:00Z' }),
        );
        await importAdvisories(source, advisories);
        expect(await matches()).toEqual([]);

        // A source whose directory is gone: said, nothing else touched.
        const gone = await importAdvisories(
          { id: 'gone', path: path.join(dir, 'missing') },
          advisories,
        );
        expect(gone).toMatchObject({ files: 0, refusedCount: 1 });
        expect(gone.refused[0].problems[0]).toMatch(
          /^the directory .*missing of advisory source gone cannot be read$/,
        );
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
