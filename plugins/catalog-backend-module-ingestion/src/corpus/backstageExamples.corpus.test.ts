import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import { stringifyEntityRef } from '@backstage/catalog-model';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { parseAllDocuments } from 'yaml';
import {
  MANUAL_SCHEDULE,
  startIngestionBackend,
} from '../__testUtils__/startIngestionBackend';
import { commitFolderAsRepository, git } from '../__testUtils__/git';

// Corpus suite: the Backstage example files, committed to a real git
// repository and discovered by this module on PostgreSQL. Every entity must
// either appear in the catalog or be reported as a problem with its file;
// only content behind URLs outside this machine is left to the catalog.
const corpus = path.resolve(
  process.env.PORTAL_CORPUS ??
    path.resolve(__dirname, '../../../../../shared/corpus'),
  'backstage-examples',
);

jest.setTimeout(180_000);

describe('corpus: Backstage example entities through repository discovery', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });

  it('ingests every valid entity and reports every refused one', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'corpus-repos-'));
    const repo = commitFolderAsRepository(corpus, root, 'backstage-examples');

    const knex = await databases.init('POSTGRES_15');
    const server = await startIngestionBackend(knex, {
      catalog: {
        ingestion: {
          sources: [
            {
              id: 'corpus',
              type: 'local',
              path: path.dirname(repo),
              globs: ['**/*.yaml', '**/*.yml'],
              schedule: MANUAL_SCHEDULE,
            },
          ],
        },
      },
    });
    const auth = { Authorization: mockCredentials.user.header() };
    const rescan = await request(server)
      .post('/api/catalog/ingestion/rescan')
      .set(auth)
      .send({});
    const run = rescan.body.runs[0];
    const problems = (
      await request(server)
        .get('/api/catalog/ingestion/problems?source=corpus&limit=1000')
        .set(auth)
    ).body.items as Array<{
      file: string;
      line?: number;
      entityRef?: string;
      message: string;
    }>;

    // What the corpus holds, read independently of the module.
    const files = (git(repo, 'ls-files') as string)
      .split('\n')
      .filter(f => /\.ya?ml$/.test(f));
    const expected = new Set<string>();
    const outside = new Set<string>();
    for (const file of files) {
      for (const doc of parseAllDocuments(
        fs.readFileSync(path.join(repo, file), 'utf8'),
      )) {
        const data = doc.toJS() as any;
        if (!data?.kind || !data?.metadata?.name || data.kind === 'Location')
          continue;
        const ref = stringifyEntityRef({
          kind: data.kind,
          namespace: data.metadata.namespace,
          name: data.metadata.name,
        }).toLocaleLowerCase('en-US');
        if (/"\$(text|json|yaml)":"https?:/.test(JSON.stringify(data)))
          outside.add(ref);
        else expected.add(ref);
      }
    }
    const reported = new Set(problems.map(p => p.entityRef).filter(Boolean));
    const listEntities = async () =>
      new Set(
        (
          (
            await request(server)
              .get('/api/catalog/entities/by-query?limit=1000')
              .set(auth)
          ).body.items as any[]
        ).map(e => stringifyEntityRef(e).toLocaleLowerCase('en-US')),
      );
    const missing = (present: Set<string>) =>
      [...expected].filter(r => !present.has(r) && !reported.has(r));
    let found = await listEntities();
    for (let i = 0; i < 120 && missing(found).length > 0; i++) {
      await new Promise(r => setTimeout(r, 1000));
      found = await listEntities();
    }
    expect(missing(found)).toEqual([]);
    // Nothing reported as refused shows up anyway, and every problem names its file.
    expect(
      [...reported].filter(
        r =>
          found.has(r!) &&
          !problems.some(
            p => p.entityRef === r && /defined twice/.test(p.message),
          ),
      ),
    ).toEqual([]);
    for (const p of problems) expect(p.file).toMatch(/\S/);
    const ingested = [...expected].filter(r => found.has(r)).length;
    // eslint-disable-next-line no-console
    console.log(
      `corpus via repository discovery: ${files.length} YAML files in one git repository, run ${run.status} in ${run.durationMs} ms; ` +
        `${ingested} entities in the catalog, ${
          problems.length
        } problems reported (${[...reported].length} entities refused), ` +
        `${outside.size} left to the catalog because their content is behind a URL outside this machine`,
    );
    fs.rmSync(root, { recursive: true, force: true });
  });
});
