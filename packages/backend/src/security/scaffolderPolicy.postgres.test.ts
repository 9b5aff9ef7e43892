import { permissionsServiceFactory } from '@backstage/backend-defaults/permissions';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import catalogModuleScaffolderEntityModel from '@backstage/plugin-catalog-backend-module-scaffolder-entity-model';
import { eventsServiceFactory } from '@backstage/plugin-events-node';
import permissionPlugin from '@backstage/plugin-permission-backend';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import {
  dropDatabases,
  eventually,
  stackConfig,
} from '@internal/backend-test-utils';
import catalogModuleIngestion from '@internal/plugin-catalog-backend-module-ingestion';
import portalPolicy from '@internal/plugin-permission-backend-module-portal-policy';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import {
  testHttpAuthFactory,
  testUserInfoFactory,
} from '../__testUtils__/testServices';

/*
 * The scaffolder under the portal's policy, on the real stack: dry runs
 * are the platform team's (an inline template reads any integrations host
 * with the portal's credentials), and people execute only the actions of
 * the allow-list.
 */

jest.setTimeout(180_000);

const CONNECTION =
  process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;

const ADA = 'user:default/ada'; // platform-team
const BOB = 'user:default/bob'; // no team

const ORG = `
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: { name: platform-team }
spec: { type: team, children: [], members: [ada] }
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: { name: ada }
spec: { memberOf: [platform-team] }
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: { name: bob }
spec: { memberOf: [] }
`;

const template = (name: string, action: string, input: string) => `
apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata: { name: ${name} }
spec:
  owner: group:default/platform-team
  type: service
  steps:
    - id: only
      name: Only step
      action: ${action}
      input: ${input}
`;

describe('the scaffolder under the portal policy', () => {
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  let dir: string;
  const prefix = `portal_scp_${process.pid}_${Date.now().toString(36)}_`;
  const as = (user: string) => ({
    Authorization: mockCredentials.user.header(user),
  });

  beforeAll(async () => {
    if (!CONNECTION) throw new Error('these tests need the real PostgreSQL');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-scp-'));
    fs.mkdirSync(path.join(dir, 'repos'));
    fs.writeFileSync(path.join(dir, 'org.yaml'), ORG);
    fs.writeFileSync(
      path.join(dir, 'templates.yaml'),
      [
        template('logs', 'debug:log', '{ message: hello }'),
        template('waits', 'debug:wait', '{ milliseconds: 10 }'),
      ].join('---\n'),
    );
    backend = await startTestBackend({
      features: [
        catalogPlugin,
        catalogModuleScaffolderEntityModel,
        catalogModuleIngestion,
        scaffolderPlugin,
        eventsServiceFactory,
        permissionPlugin,
        portalPolicy,
        permissionsServiceFactory,
        testUserInfoFactory({ [ADA]: ['group:default/platform-team'] }),
        testHttpAuthFactory,
        mockServices.rootConfig.factory({
          data: {
            ...stackConfig({
              connection: CONNECTION,
              prefix,
              locations: [
                path.join(dir, 'org.yaml'),
                path.join(dir, 'templates.yaml'),
              ],
              reposDir: path.join(dir, 'repos'),
              kinds: ['Group', 'User', 'Template', 'Location'],
            }),
            permission: { enabled: true },
          },
        }),
      ],
    });
    await eventually(
      'the templates in the catalog',
      async () => {
        const r = await request(backend.server)
          .get('/api/catalog/entities/by-name/template/default/waits')
          .set(as(ADA));
        return r.status === 200 ? true : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 300 },
    );
  });

  afterAll(async () => {
    await backend?.stop();
    // The scaffolder's claim loop wakes once more after stopping.
    await new Promise(resolve => setTimeout(resolve, 1500));
    if (CONNECTION) await dropDatabases(CONNECTION, prefix);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const dryRun = (user: string) =>
    request(backend.server)
      .post('/api/scaffolder/v2/dry-run')
      .set(as(user))
      .send({
        template: {
          apiVersion: 'scaffolder.backstage.io/v1beta3',
          kind: 'Template',
          metadata: { name: 'inline' },
          spec: {
            type: 'service',
            steps: [
              {
                id: 'log',
                action: 'debug:log',
                input: { message: 'hi' },
              },
            ],
          },
        },
        values: {},
        directoryContents: [],
      });

  it('lets only the platform team dry-run an inline template', async () => {
    expect((await dryRun(BOB)).status).toBe(403);
    expect((await dryRun(ADA)).status).toBe(200);
  });

  const run = async (user: string, name: string) => {
    const created = await request(backend.server)
      .post('/api/scaffolder/v2/tasks')
      .set(as(user))
      .send({ templateRef: `template:default/${name}`, values: {} });
    expect(created.status).toBe(201);
    return eventually(
      `task ${name}`,
      async () => {
        const r = await request(backend.server)
          .get(`/api/scaffolder/v2/tasks/${created.body.id}`)
          .set(as(user));
        if (!['completed', 'failed'].includes(r.body.status)) return undefined;
        const events = await request(backend.server)
          .get(`/api/scaffolder/v2/tasks/${created.body.id}/events`)
          .set(as(user));
        return {
          status: r.body.status as string,
          log: (events.body as Array<{ body: { message?: string } }>)
            .map(e => e.body.message ?? '')
            .join('\n'),
        };
      },
      { timeoutMs: 60_000, intervalMs: 300 },
    );
  };

  it('runs the actions of the allow-list for everyone and the rest for the platform team only', async () => {
    expect((await run(BOB, 'logs')).status).toBe('completed');
    const refused = await run(BOB, 'waits');
    expect(refused.status).toBe('failed');
    expect(refused.log).toMatch(/not authorized|Unauthorized|not allowed/i);
    expect((await run(ADA, 'waits')).status).toBe('completed');
  });
});
