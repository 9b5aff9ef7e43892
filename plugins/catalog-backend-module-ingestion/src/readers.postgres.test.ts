import {
  createBackendModule,
  type BackendFeature,
} from '@backstage/backend-plugin-api';
import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import {
  catalogIngestionReadersExtensionPoint,
  type CatalogIngestionReadersExtensionPoint,
  type RepositoryKey,
} from '@internal/plugin-catalog-ingestion-node';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { createRepo } from './__testUtils__/git';
import {
  MANUAL_SCHEDULE,
  startIngestionBackend,
} from './__testUtils__/startIngestionBackend';

// Integration test: a module of our own reads repository files through the
// extension point, on PostgreSQL.

jest.setTimeout(120_000);

const component = (name: string) => `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ${name}
spec:
  type: service
  lifecycle: production
  owner: team-a
`;

type Event =
  | { read: string; files: string[]; entities: string[] }
  | { commit: string; origin?: RepositoryKey }
  | { remove: string };

/** A module whose reader records what it is given and when it commits. */
function recordingModule(events: Event[]): {
  feature: BackendFeature;
  ingestion: () => CatalogIngestionReadersExtensionPoint;
} {
  let ingestion: CatalogIngestionReadersExtensionPoint | undefined;
  const feature = createBackendModule({
    pluginId: 'catalog',
    moduleId: 'test-reader',
    register(env) {
      env.registerInit({
        deps: { readers: catalogIngestionReadersExtensionPoint },
        async init({ readers }) {
          ingestion = readers;
          readers.addReader({
            name: 'test',
            async read({ repository, content, entities }) {
              events.push({
                read: repository,
                files: content.files.map(f => f.path).sort(),
                entities: entities.map(e => e.ref),
              });
              const bad = content.files.find(f => f.path === 'bad.txt');
              return {
                problems: bad
                  ? [{ file: bad.path, message: 'bad file', entityRef: 'x' }]
                  : [],
                async commit() {
                  // The repository's entities are committed first.
                  const origin = await readers.origins.entityOrigin(
                    entities[0]?.ref ?? 'none',
                  );
                  events.push({ commit: repository, origin });
                },
              };
            },
            async removeRepository({ repository }) {
              events.push({ remove: repository });
            },
          });
        },
      });
    },
  });
  return { feature, ingestion: () => ingestion! };
}

describe('repository file readers of other modules', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });
  const events: Event[] = [];
  const recording = recordingModule(events);
  let root: string;
  let server: Awaited<ReturnType<typeof startIngestionBackend>>;
  const auth = { Authorization: mockCredentials.user.header() };
  const rescan = async () =>
    (await request(server).post('/api/catalog/ingestion/rescan').set(auth)).body
      .runs[0];

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'readers-it-'));
    createRepo(path.join(root, 'repos', 'shop'), {
      'catalog-info.yaml': component('shop'),
      'bad.txt': 'x',
    });
    createRepo(path.join(root, 'repos', 'cart'), {
      'catalog-info.yaml': component('cart'),
    });
    const knex = await databases.init('POSTGRES_15');
    server = await startIngestionBackend(
      knex,
      {
        catalog: {
          ingestion: {
            sources: [
              {
                id: 'local',
                type: 'local',
                path: path.join(root, 'repos'),
                schedule: MANUAL_SCHEDULE,
              },
            ],
          },
        },
      },
      [recording.feature],
    );
  });

  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('reads each repository, adds its problems to the run and commits after the entities', async () => {
    const run = await rescan();
    expect(run.errors).toEqual([
      {
        sourceId: 'local',
        repository: 'shop',
        file: 'bad.txt',
        entityRef: 'x',
        message: 'bad file',
      },
    ]);
    const shop = { sourceId: 'local', repository: 'shop' };
    expect(events.filter(e => 'read' in e && e.read === 'shop')).toEqual([
      {
        read: 'shop',
        files: ['bad.txt', 'catalog-info.yaml'],
        entities: ['component:default/shop'],
      },
    ]);
    expect(events).toContainEqual({ commit: 'shop', origin: shop });
    expect(
      await recording
        .ingestion()
        .origins.repositoryEntities([
          shop,
          { sourceId: 'local', repository: 'cart' },
          { sourceId: 'other', repository: 'shop' },
        ]),
    ).toEqual([
      { ...shop, entityRef: 'component:default/cart', repository: 'cart' },
      { ...shop, entityRef: 'component:default/shop' },
    ]);
  });

  it('reads nothing again for an unchanged repository, and removes a gone one', async () => {
    events.length = 0;
    fs.rmSync(path.join(root, 'repos', 'cart'), { recursive: true });
    const run = await rescan();
    expect(run).toMatchObject({ repositoriesRead: 0, removed: 1 });
    expect(events).toEqual([{ remove: 'cart' }]);
  });
});
