import { permissionsServiceFactory } from '@backstage/backend-defaults/permissions';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import { eventsServiceFactory } from '@backstage/plugin-events-node';
import permissionPlugin from '@backstage/plugin-permission-backend';
import { dropDatabases, stackConfig } from '@internal/backend-test-utils';
import catalogModuleIngestion from '@internal/plugin-catalog-backend-module-ingestion';
import catalogModuleInventory from '@internal/plugin-catalog-backend-module-inventory';
import dxPlugin from '@internal/plugin-dx-backend';
import portalPolicy from '@internal/plugin-permission-backend-module-portal-policy';
import sloPlugin from '@internal/plugin-slo-backend';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import {
  testHttpAuthFactory,
  testUserInfoFactory,
} from '../__testUtils__/testServices';

/*
 * Every endpoint that takes data in, with small configured limits: a body
 * over the limit gets 413, the fourth request of one caller within a minute
 * gets 429 with Retry-After.
 */

jest.setTimeout(120_000);

const CONNECTION =
  process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;
const BODY_LIMIT = 1000;
const PER_MINUTE = 3;

interface Endpoint {
  url: string;
  /** A webhook: JSON with GitHub's headers and no Backstage token. */
  webhook?: boolean;
  /** A body larger than the endpoint's limit. */
  oversized: string;
}

const big = (bytes: number) =>
  JSON.stringify({ events: [{ padding: 'x'.repeat(bytes) }] });

const ENDPOINTS: Array<[string, Endpoint]> = [
  ['DX events', { url: '/api/dx/events', oversized: big(BODY_LIMIT) }],
  [
    'DX GitHub webhook',
    {
      url: '/api/dx/webhooks/github',
      webhook: true,
      oversized: big(BODY_LIMIT),
    },
  ],
  [
    'SLO pushed counts',
    {
      url: '/api/slo/slos/component%3Adefault%2Fx%2Fy/events',
      oversized: big(BODY_LIMIT),
    },
  ],
  [
    'catalog re-scan',
    { url: '/api/catalog/ingestion/rescan', oversized: big(17 * 1024) },
  ],
  [
    'catalog GitHub push webhook',
    {
      url: '/api/catalog/ingestion/webhooks/github',
      webhook: true,
      oversized: big(BODY_LIMIT),
    },
  ],
  [
    'SBOM upload',
    {
      url: '/api/catalog/ingestion/dependencies/sbom?entityRef=component:default/x',
      oversized: big(BODY_LIMIT),
    },
  ],
];

describe('request limits on every ingestion endpoint', () => {
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  let dir: string;
  const prefix = `portal_lim_${process.pid}_${Date.now().toString(36)}_`;

  beforeAll(async () => {
    if (!CONNECTION) throw new Error('these tests need the real PostgreSQL');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-limits-'));
    fs.mkdirSync(path.join(dir, 'repos'));
    fs.writeFileSync(path.join(dir, 'empty.yaml'), '');
    const config = stackConfig({
      connection: CONNECTION,
      prefix,
      locations: [path.join(dir, 'empty.yaml')],
      reposDir: path.join(dir, 'repos'),
      kinds: ['Component'],
    });
    const catalog = config.catalog as Record<string, any>;
    catalog.ingestion.maxSbomBytes = BODY_LIMIT;
    catalog.ingestion.webhooks = {
      maxBodyBytes: BODY_LIMIT,
      github: { secret: 'limits-test-secret' },
    };
    backend = await startTestBackend({
      features: [
        catalogPlugin,
        catalogModuleIngestion,
        catalogModuleInventory,
        eventsServiceFactory,
        sloPlugin,
        dxPlugin,
        permissionPlugin,
        portalPolicy,
        permissionsServiceFactory,
        testUserInfoFactory({}),
        testHttpAuthFactory,
        mockServices.rootConfig.factory({
          data: {
            ...config,
            permission: { enabled: true },
            portal: { limits: { requestsPerMinute: PER_MINUTE } },
            dx: {
              ingestion: { maxBodyBytes: BODY_LIMIT },
              github: { webhookSecret: 'limits-test-secret' },
            },
            slo: { maxBodyBytes: BODY_LIMIT },
          },
        }),
      ],
    });
  });

  afterAll(async () => {
    await backend?.stop();
    if (CONNECTION) await dropDatabases(CONNECTION, prefix);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  let callers = 0;
  /** A request from a caller of its own (a user token, or an address for webhooks). */
  function post(endpoint: Endpoint, body: string, caller: string) {
    const req = request(backend.server)
      .post(endpoint.url)
      .set('Content-Type', 'application/json');
    if (endpoint.webhook)
      return req
        .set('X-GitHub-Event', 'ping')
        .set('X-Hub-Signature-256', `sha256=${'0'.repeat(64)}`)
        .send(body);
    return req
      .set(
        'Authorization',
        mockCredentials.user.header(`user:default/${caller}`),
      )
      .send(body);
  }

  it.each(ENDPOINTS)(
    '%s: an oversized body gets 413',
    async (_name, endpoint) => {
      callers += 1;
      const res = await post(endpoint, endpoint.oversized, `big-${callers}`);
      expect(res.status).toBe(413);
      expect(res.body.error.message).toMatch(/larger than .*\d+ bytes/);
    },
  );

  it.each(ENDPOINTS)(
    '%s: the fourth request in a minute gets 429',
    async (_name, endpoint) => {
      callers += 1;
      const caller = `burst-${callers}`;
      // Webhooks carry no token: GitHub is counted by its address, which
      // already sent the oversized delivery above.
      const allowed = endpoint.webhook ? PER_MINUTE - 1 : PER_MINUTE;
      const statuses: number[] = [];
      for (let i = 0; i <= allowed; i++)
        statuses.push((await post(endpoint, '{}', caller)).status);
      expect(statuses.slice(0, allowed)).not.toContain(429);
      expect(statuses[allowed]).toBe(429);
      const limited = await post(endpoint, '{}', caller);
      expect(limited.status).toBe(429);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      expect(limited.body.error.name).toBe('TooManyRequestsError');
      // Another caller with a token of its own is not held back.
      const other = await post(
        { ...endpoint, webhook: false },
        '{}',
        `${caller}-other`,
      );
      expect(other.status).not.toBe(429);
    },
  );

  it('refuses a webhook delivery without a well-formed signature before reading its body', async () => {
    const webhooks = ENDPOINTS.filter(([, e]) => e.webhook);
    expect(webhooks.length).toBeGreaterThan(0);
    for (const [, endpoint] of webhooks) {
      const res = await request(backend.server)
        .post(endpoint.url)
        .set('Content-Type', 'application/json')
        .set('X-GitHub-Event', 'ping')
        .set('X-Hub-Signature-256', 'sha256=00')
        .send(endpoint.oversized);
      // 401, not 413: the oversized body was never buffered.
      expect(res.status).toBe(401);
    }
  });

  it('gives no fresh counter for a made-up Authorization header on a public webhook', async () => {
    // Authenticated routes refuse a made-up token at the credentials
    // barrier; the webhooks are public, so a sender must not get a new
    // bucket per header: it is counted by its address.
    for (const [, endpoint] of ENDPOINTS.filter(([, e]) => e.webhook)) {
      const statuses: number[] = [];
      for (let i = 0; i <= PER_MINUTE; i++)
        statuses.push(
          (
            await request(backend.server)
              .post(endpoint.url)
              .set('Content-Type', 'application/json')
              .set('X-GitHub-Event', 'ping')
              .set('X-Hub-Signature-256', `sha256=${'0'.repeat(64)}`)
              .set('Authorization', `Bearer made-up-${i}`)
              .send('{}')
          ).status,
        );
      expect(statuses[PER_MINUTE]).toBe(429);
    }
  });
});
