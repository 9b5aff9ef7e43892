import { resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import request from 'supertest';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  listEntities,
  startTestCatalog,
} from './__testUtils__/startTestCatalog';

// Integration test: the catalog of this backend ingests the portal's own
// descriptor and the demo data into a real PostgreSQL database.
const repoRoot = resolve(__dirname, '../../..');
const demoFiles = ['catalog-info.yaml', 'demo/entities.yaml', 'demo/org.yaml'];

function countDocuments(file: string) {
  return parseAllDocuments(
    readFileSync(resolve(repoRoot, file), 'utf8'),
  ).filter(d => d.contents !== null).length;
}

jest.setTimeout(120_000);

describe('catalog on PostgreSQL with the demo data', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });

  it('ingests every demo entity with its relations, and refuses anonymous reads', async () => {
    const knex = await databases.init('POSTGRES_15');
    const server = await startTestCatalog(knex, {
      allowKinds: [
        'Component',
        'System',
        'API',
        'Resource',
        'Location',
        'Domain',
        'User',
        'Group',
      ],
      files: demoFiles.map(f => resolve(repoRoot, f)),
    });

    const expected = demoFiles.reduce((n, f) => n + countDocuments(f), 0);
    const fetchAll = async () =>
      (await listEntities(server)).filter(e => e.kind !== 'Location');

    // Wait until every document is an entity and its relations are stitched.
    const relationsOf = (e: any): string[] =>
      (e?.relations ?? []).map((r: any) => `${r.type} ${r.targetRef}`);
    let byRef = new Map<string, any>();
    for (let i = 0; i < 90; i++) {
      byRef = new Map((await fetchAll()).map(e => [stringifyEntityRef(e), e]));
      const stitched = relationsOf(byRef.get('component:default/payments-api'));
      if (
        byRef.size >= expected &&
        stitched.includes('dependsOn resource:default/payments-db')
      )
        break;
      await new Promise(r => setTimeout(r, 1000));
    }
    expect(byRef.size).toBe(expected);

    // Relations from the descriptors are kept exact.
    const payments = relationsOf(byRef.get('component:default/payments-api'));
    expect(payments).toEqual(
      expect.arrayContaining([
        'ownedBy group:default/payments-team',
        'partOf system:default/payments',
        'providesApi api:default/payments-rest-api',
        'consumesApi api:default/ledger-grpc-api',
        'dependsOn resource:default/payments-db',
        'dependsOn component:default/ledger-service',
      ]),
    );
    expect(byRef.get('component:default/platform-portal')?.spec.owner).toBe(
      'platform-team',
    );

    const anonymous = await request(server)
      .get('/api/catalog/entities/by-query')
      .set({ Authorization: mockCredentials.none.header() });
    expect(anonymous.status).toBe(401);
  });
});
