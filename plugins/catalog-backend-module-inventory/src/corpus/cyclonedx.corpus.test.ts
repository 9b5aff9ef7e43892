import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import {
  commitFolderAsRepository,
  git,
  MANUAL_SCHEDULE,
  startIngestionBackend,
} from '@internal/plugin-catalog-backend-module-ingestion/testUtils';
import catalogModuleInventory from '../index';

// Corpus suite: every SBOM of the CycloneDX and SPDX examples, committed to
// a git repository next to one component, ingested into the dependency
// inventory on PostgreSQL. Each file is stored or refused with its reason.
const corpus = path.resolve(
  process.env.PORTAL_CORPUS ??
    path.resolve(__dirname, '../../../../../shared/corpus'),
  'cyclonedx',
);

jest.setTimeout(180_000);

describe('corpus: SBOMs through repository discovery', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });

  it('stores every SBOM it can read and reports the others by file', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'corpus-sboms-'));
    const repo = commitFolderAsRepository(corpus, root, 'sbom-examples', {
      'catalog-info.yaml':
        'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: sbom-examples\nspec:\n  type: library\n  lifecycle: experimental\n  owner: team-a\n',
    });
    const files = (git(repo, 'ls-files') as string)
      .split('\n')
      .filter(f => f.endsWith('.json'));

    const knex = await databases.init('POSTGRES_15');
    const server = await startIngestionBackend(
      knex,
      {
        catalog: {
          ingestion: {
            sources: [
              {
                id: 'corpus',
                type: 'local',
                path: path.dirname(repo),
                sbomGlobs: ['**/*.json'],
                schedule: MANUAL_SCHEDULE,
              },
            ],
          },
        },
      },
      [catalogModuleInventory],
    );
    const auth = { Authorization: mockCredentials.user.header() };
    const run = (
      await request(server)
        .post('/api/catalog/ingestion/rescan')
        .set(auth)
        .send({})
    ).body.runs[0];
    // The inventory answers once the catalog has the component.
    let deps: any;
    for (let i = 0; i < 120; i++) {
      const res = await request(server)
        .get(
          '/api/catalog/ingestion/dependencies/entity?entityRef=component:default/sbom-examples',
        )
        .set(auth);
      if (res.status === 200) {
        deps = res.body;
        break;
      }
      await new Promise(r => setTimeout(r, 500));
    }
    const refused = run.errors.filter((e: any) =>
      /^SBOM refused/.test(e.message),
    );

    // Every JSON file is stored as an SBOM, read as a VEX document (CycloneDX
    // vulnerabilities without components), or refused with its reason.
    const vexOnly = files.filter(f => {
      const doc = JSON.parse(fs.readFileSync(path.join(repo, f), 'utf8'));
      return (
        doc.bomFormat === 'CycloneDX' &&
        Array.isArray(doc.vulnerabilities) &&
        doc.vulnerabilities.some((v: any) => v?.analysis?.state) &&
        !(doc.components?.length > 0)
      );
    });
    expect(vexOnly.length).toBeGreaterThan(5);
    const stored = new Map<string, any>(
      deps.sboms.map((s: any) => [s.origin.replace(/^[^:]+:[^:]+:/, ''), s]),
    );
    for (const f of vexOnly) expect(stored.has(f)).toBe(false);
    expect(deps.sboms.length + refused.length + vexOnly.length).toBe(
      files.length,
    );
    expect(refused.map((e: any) => path.basename(e.file)).sort()).toEqual([
      'invalid-bomformat-1.6.json',
      'invalid-empty-component-1.6.json',
      'invalid-missing-component-type-1.6.json',
    ]);
    // The specification's own tests: every invalid file is refused or
    // stored with its problems, every valid one stored without any.
    const specTests = files.filter(f => f.includes('specification-tests/'));
    expect(specTests.length).toBeGreaterThan(40);
    const missed: string[] = [];
    for (const f of specTests) {
      const name = path.basename(f);
      const sbom = stored.get(f);
      if (name.startsWith('invalid-')) {
        if (sbom && !(sbom.problems?.length > 0)) missed.push(name);
      } else if (!sbom || sbom.problems?.length) {
        missed.push(`${name}: ${JSON.stringify(sbom?.problems)}`);
      }
    }
    expect(missed).toEqual([]);
    // The ingestion page lists each SBOM stored with problems.
    const withProblems = deps.sboms.filter((s: any) => s.problems?.length);
    const lines = run.errors.filter((e: any) =>
      /^(SBOM|VEX document) stored with \d+ schema problems?/.test(e.message),
    );
    expect(lines.length).toBeGreaterThanOrEqual(withProblems.length);
    const packages = deps.sboms.reduce(
      (n: number, s: any) => n + s.packages,
      0,
    );
    expect(packages).toBeGreaterThan(100);
    // eslint-disable-next-line no-console
    console.log(
      `SBOM corpus via repository discovery: ${files.length} files, ${deps.sboms.length} stored (${withProblems.length} with schema problems; ${packages} package rows, ${deps.packages.length} distinct purls), ${vexOnly.length} VEX documents, ${refused.length} refused`,
    );
    fs.rmSync(root, { recursive: true, force: true });
  });
});
