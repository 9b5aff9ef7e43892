import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { RELATION_HAS_MEMBER } from '@backstage/catalog-model';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import notificationsPlugin from '@backstage/plugin-notifications-backend';
import { notificationsProcessingExtensionPoint } from '@backstage/plugin-notifications-node';
import catalogModuleIngestion from '@internal/plugin-catalog-backend-module-ingestion';
import {
  commitFiles,
  dropDatabases,
  eventually,
  stackConfig,
} from '@internal/backend-test-utils';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import catalogModuleInventory from '../index';

// The owners of a component hear once when an advisory hits one of its
// packages: the catalog, the ingestion and inventory modules and the
// notifications plugin on PostgreSQL, each plugin with its own database.

jest.setTimeout(120_000);

const CONNECTION =
  process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;

/** Set to make the notifications backend refuse every send. */
let notificationsDown = false;

/**
 * The notifications backend's recipients: the members of the group, as the
 * catalog has them; while `notificationsDown`, it fails, and so every send.
 */
const recipientsThatCanFail = createBackendModule({
  pluginId: 'notifications',
  moduleId: 'test-recipients',
  register(env) {
    env.registerInit({
      deps: {
        notifications: notificationsProcessingExtensionPoint,
        catalog: catalogServiceRef,
        auth: coreServices.auth,
      },
      async init({ notifications, catalog, auth }) {
        notifications.setNotificationRecipientResolver({
          async resolveNotificationRecipients({ entityRefs }) {
            if (notificationsDown)
              throw new Error('notifications are down (test)');
            const { items } = await catalog.getEntitiesByRefs(
              { entityRefs },
              { credentials: await auth.getOwnServiceCredentials() },
            );
            return {
              userEntityRefs: items.flatMap(
                e =>
                  e?.relations
                    ?.filter(r => r.type === RELATION_HAS_MEMBER)
                    .map(r => r.targetRef) ?? [],
              ),
            };
          },
        });
      },
    });
  },
});

describe('advisory notifications', () => {
  const prefix = `portal_inv_notify_${process.pid}_`;
  let root: string;
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  const auth = { Authorization: mockCredentials.user.header() };

  /** An OSV advisory of lodash before 4.17.21, in the advisory source. */
  function writeAdvisory(
    id: string,
    modified: string,
    alias: string,
    summary: string,
    severity?: string,
  ) {
    fs.writeFileSync(
      path.join(root, 'osv', `${id}.json`),
      JSON.stringify({
        id,
        modified,
        aliases: [alias],
        summary,
        ...(severity && { database_specific: { severity } }),
        affected: [
          {
            package: { ecosystem: 'npm', name: 'lodash' },
            ranges: [
              {
                type: 'ECOSYSTEM',
                events: [{ introduced: '0' }, { fixed: '4.17.21' }],
              },
            ],
          },
        ],
      }),
    );
  }

  beforeAll(async () => {
    if (!CONNECTION)
      throw new Error(
        'BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING is not set: these tests need the real PostgreSQL',
      );
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'inventory-notify-'));
    const reposDir = path.join(root, 'repos');
    commitFiles(path.join(reposDir, 'shop'), {
      'catalog-info.yaml': `apiVersion: backstage.io/v1alpha1
kind: Component
metadata: { name: shop, title: Shop }
spec: { type: service, lifecycle: production, owner: team-a }
`,
      'bom.json': JSON.stringify({
        bomFormat: 'CycloneDX',
        specVersion: '1.5',
        components: [
          {
            type: 'library',
            name: 'lodash',
            version: '4.17.20',
            purl: 'pkg:npm/lodash@4.17.20',
          },
        ],
      }),
    });
    fs.writeFileSync(
      path.join(root, 'org.yaml'),
      `apiVersion: backstage.io/v1alpha1
kind: Group
metadata: { name: team-a }
spec: { type: team, children: [] }
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: { name: mock }
spec: { memberOf: [team-a] }
`,
    );
    const osvDir = path.join(root, 'osv');
    fs.mkdirSync(osvDir);
    writeAdvisory(
      'GHSA-test-1',
      '2026-11-01T00:00:00Z',
      'CVE-2026-5151',
      'Command injection in lodash template',
      'HIGH',
    );
    const config = stackConfig({
      connection: CONNECTION,
      prefix,
      locations: [path.join(root, 'org.yaml')],
      kinds: ['Component', 'Group', 'User', 'Location'],
      reposDir,
    });
    (config.catalog as any).ingestion.advisories = {
      sources: [{ id: 'test', path: osvDir }],
      schedule: {
        frequency: { hours: 24 },
        timeout: { minutes: 5 },
        initialDelay: { hours: 24 },
      },
    };
    backend = await startTestBackend({
      features: [
        catalogPlugin,
        catalogModuleIngestion,
        catalogModuleInventory,
        notificationsPlugin,
        recipientsThatCanFail,
        mockServices.rootConfig.factory({ data: config }),
      ],
    });
  });

  afterAll(async () => {
    await backend?.stop();
    if (root) fs.rmSync(root, { recursive: true, force: true });
    if (CONNECTION) await dropDatabases(CONNECTION, prefix);
  });

  it('tells the owning team once, by name, with the fix', async () => {
    const server = backend.server;
    const get = (url: string) => request(server).get(url).set(auth);
    await request(server)
      .post('/api/catalog/ingestion/rescan')
      .set(auth)
      .send({ repository: 'shop' });
    await eventually('the team has its member and shop its owner', async () => {
      const team = await get(
        '/api/catalog/entities/by-name/group/default/team-a',
      );
      const shop = await get(
        '/api/catalog/entities/by-name/component/default/shop',
      );
      const ok =
        team.body?.relations?.some((r: any) => r.type === 'hasMember') &&
        shop.body?.relations?.some((r: any) => r.type === 'ownedBy');
      return ok || undefined;
    });

    const importNow = () =>
      request(server)
        .post('/api/catalog/ingestion/dependencies/advisories/import')
        .set(auth);
    expect((await importNow()).body.sources[0]).toMatchObject({ added: 1 });
    const told = async () =>
      (await get('/api/notifications/notifications')).body.notifications
        .filter((n: any) => n.payload.topic === 'vulnerability')
        .map((n: any) => n.payload);
    expect(await told()).toEqual([
      expect.objectContaining({
        title: 'CVE-2026-5151 (high) affects Shop',
        description:
          'Command injection in lodash template. Affected: lodash 4.17.20. Fixed in 4.17.21.',
        link: '/catalog/default/component/shop/vulnerabilities',
        severity: 'high',
      }),
    ]);

    // Once: an import that finds nothing new tells nobody again.
    expect((await importNow()).body.sources[0]).toMatchObject({ unchanged: 1 });
    expect(await told()).toHaveLength(1);

    // A new advisory its owners already stated does not affect shop (VEX in
    // the repository) is not told; the matches are kept, hidden.
    commitFiles(path.join(root, 'repos', 'shop'), {
      'vex.json': JSON.stringify({
        bomFormat: 'CycloneDX',
        specVersion: '1.5',
        vulnerabilities: [
          {
            id: 'CVE-2026-5252',
            analysis: {
              state: 'not_affected',
              justification: 'vulnerable_code_not_in_execute_path',
            },
          },
        ],
      }),
    });
    await request(server)
      .post('/api/catalog/ingestion/rescan')
      .set(auth)
      .send({ repository: 'shop' });
    writeAdvisory(
      'GHSA-test-2',
      '2026-11-02T00:00:00Z',
      'CVE-2026-5252',
      'Regular expression denial of service in lodash',
    );
    expect((await importNow()).body.sources[0]).toMatchObject({ added: 1 });
    const list = (
      await get(
        '/api/catalog/ingestion/dependencies/vulnerabilities?entityRef=component:default/shop',
      )
    ).body;
    expect(list.items.map((v: any) => v.vulnKey)).toEqual(['CVE-2026-5151']);
    expect(list.suppressed.map((v: any) => v.vulnKey)).toEqual([
      'CVE-2026-5252',
    ]);
    expect(await told()).toHaveLength(1);

    // The notifications backend fails while a new advisory hits shop: the
    // import stands, nobody is told, and nothing is lost: once it is back,
    // the next run tells the team.
    notificationsDown = true;
    writeAdvisory(
      'GHSA-test-3',
      '2026-11-03T00:00:00Z',
      'CVE-2026-5353',
      'Prototype pollution in lodash',
    );
    const whileDown = await importNow();
    expect(whileDown.status).toBe(200);
    expect(whileDown.body.sources[0]).toMatchObject({ added: 1 });
    expect(await told()).toHaveLength(1);
    notificationsDown = false;
    expect((await importNow()).body.sources[0]).toMatchObject({ unchanged: 3 });
    // (The minute task may be the run that tells it.)
    const after = await eventually(
      'the team told of CVE-2026-5353',
      async () => {
        const notes = await told();
        return notes.length > 1 ? notes : undefined;
      },
    );
    expect(after.map((n: any) => n.title).sort()).toEqual([
      'CVE-2026-5151 (high) affects Shop',
      'CVE-2026-5353 affects Shop',
    ]);
  });
});
