import { ConfigSources, FileConfigSource } from '@backstage/config-loader';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { dropDatabases } from '@internal/backend-test-utils';
import type { JsonObject } from '@backstage/types';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { portalFeatures } from '../features';
import {
  testHttpAuthFactory,
  testUserInfoFactory,
} from '../__testUtils__/testServices';

/*
 * Starts every plugin of the backend (features.ts) with the production
 * configuration, walks every route their routers registered, and calls each
 * without credentials. All must answer 401 except the few meant to be public.
 */

jest.setTimeout(240_000);

const CONNECTION =
  process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;
const repoRoot = path.resolve(__dirname, '../../../..');

/**
 * Routes that answer without a Backstage token, and why. Anything else that
 * does not answer 401 fails the test.
 */
const PUBLIC: Array<[RegExp, string]> = [
  [/^\/\.backstage\/health\/v1\//, 'readiness and liveness probes'],
  [/^\/api\/[^/]+\/health$/, 'health checks of single plugins'],
  [
    /^\/api\/[^/]+\/\.backstage\/auth\/v1\/jwks\.json$/,
    'public keys that verify plugin tokens',
  ],
  [/^\/api\/auth\//, 'sign-in flows (the auth plugin checks sessions itself)'],
  [
    /^\/api\/(dx|catalog\/ingestion)\/webhooks\/github$/,
    'GitHub webhooks, authenticated by their HMAC signature',
  ],
];

/**
 * Not started here: the app backend serves the built frontend (public
 * files by design), and signals only upgrades to a WebSocket, which the test
 * server of backend-test-utils cannot host (its upgrade is authenticated by
 * the same credentials barrier).
 */
const NOT_STARTED = [
  '@backstage/plugin-app-backend',
  '@backstage/plugin-signals-backend',
];

interface Route {
  method: string;
  path: string;
}

type Layer = {
  route?: {
    path: string | string[] | RegExp;
    methods: Record<string, boolean>;
  };
  handle: { stack?: Layer[] };
  regexp: RegExp & { fast_slash?: boolean };
};

/** The path a `router.use(path, ...)` layer is mounted at (express 4). */
function mountPath(layer: Layer): string {
  if (layer.regexp.fast_slash) return '';
  const match = /^\^(.*?)\\\/\?\(\?=\\\/\|\$\)$/.exec(layer.regexp.source);
  if (!match) throw new Error(`cannot read mount path ${layer.regexp}`);
  return match[1]
    .replace(/\(\?:\(\[\^\\\/\]\+\?\)\)/g, 'x')
    .replace(/\\\//g, '/')
    .replace(/\\\./g, '.');
}

/** A concrete URL for a route path: parameters and wildcards filled in. */
function concrete(routePath: string): string {
  return routePath
    .replace(/:(\w+)(\([^)]*\))?\??/g, 'x')
    .replace(/\(\.\*\)|\*/g, 'x');
}

function walk(
  stack: Layer[],
  prefix: string,
  out: Route[],
  unreadable: string[],
) {
  for (const layer of stack) {
    if (layer.route) {
      const paths = Array.isArray(layer.route.path)
        ? layer.route.path
        : [layer.route.path];
      for (const p of paths) {
        if (typeof p !== 'string') {
          unreadable.push(`${prefix} ${String(p)}`);
          continue;
        }
        for (const method of Object.keys(layer.route.methods)) {
          out.push({
            method: method === '_all' ? 'get' : method,
            path: prefix + concrete(p),
          });
        }
      }
    } else if (layer.handle?.stack) {
      walk(layer.handle.stack, prefix + mountPath(layer), out, unreadable);
    }
  }
}

async function productionConfig(reposDir: string): Promise<JsonObject> {
  const env: Record<string, string> = {
    PORTAL_BASE_URL: 'http://localhost:7007',
    POSTGRES_HOST: '127.0.0.1',
    POSTGRES_USER: 'postgres',
    POSTGRES_PASSWORD: 'unused',
    AUTH_OIDC_METADATA_URL:
      'http://127.0.0.1:9/.well-known/openid-configuration',
    AUTH_OIDC_CLIENT_ID: 'portal',
    AUTH_OIDC_CLIENT_SECRET: 'oidc-secret',
    PORTAL_REPOS_DIR: reposDir,
  };
  const source = ConfigSources.merge(
    ['app-config.yaml', 'app-config.production.yaml'].map(f =>
      FileConfigSource.create({
        path: path.resolve(repoRoot, f),
        watch: false,
        substitutionFunc: async name => env[name],
      }),
    ),
  );
  const configs = await ConfigSources.toConfig(source);
  configs.close();
  return configs.get<JsonObject>();
}

describe('every backend route without credentials', () => {
  const prefix = `portal_walk_${process.pid}_${Date.now().toString(36)}_`;
  let dir: string;
  const cwd = process.cwd();

  // Production runs from the repository root (see Dockerfile): the shipped
  // policy, SLO and template files are found relative to it.
  beforeAll(() => process.chdir(repoRoot));

  afterAll(async () => {
    process.chdir(cwd);
    if (CONNECTION) await dropDatabases(CONNECTION, prefix);
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers 401 on every route but the public ones', async () => {
    if (!CONNECTION) throw new Error('this test needs the real PostgreSQL');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-walk-'));
    const config = await productionConfig(dir);
    // OIDC discovery would reach out to the (absent) identity provider.
    delete ((config.auth as JsonObject).providers as JsonObject).oidc;
    (config.backend as JsonObject).database = {
      client: 'pg',
      connection: CONNECTION,
      prefix,
    };
    const features = Object.entries(portalFeatures)
      .filter(([name]) => !NOT_STARTED.includes(name))
      .map(([, feature]) => feature);
    const backend = await startTestBackend({
      features: [
        ...features,
        testHttpAuthFactory,
        testUserInfoFactory({}),
        mockServices.rootConfig.factory({ data: config }),
      ],
    });
    const { server } = backend;
    try {
      const app = server.listeners('request')[0] as unknown as {
        _router: { stack: Layer[] };
      };
      const routes: Route[] = [];
      const unreadable: string[] = [];
      walk(app._router.stack, '', routes, unreadable);

      const open: string[] = [];
      const publicSeen = new Set<string>();
      const webhooks: string[] = [];
      for (const route of routes) {
        const res = await (request(server) as any)[route.method](route.path);
        const reason = PUBLIC.find(([re]) => re.test(route.path));
        if (reason) {
          publicSeen.add(reason[1]);
          // A webhook without a signature is refused all the same.
          if (route.path.includes('/webhooks/'))
            webhooks.push(`${route.method} ${route.path} ${res.status}`);
          continue;
        }
        if (res.status !== 401)
          open.push(
            `${route.method.toUpperCase()} ${route.path} ${res.status}`,
          );
      }
      const plugins = new Set(
        routes.map(r => /^\/api\/([^/]+)/.exec(r.path)?.[1]).filter(Boolean),
      );
      // The walk saw the routers of every started plugin with routes.
      expect([...plugins].sort()).toEqual(
        expect.arrayContaining([
          'auth',
          'catalog',
          'dx',
          'events',
          'golden-paths',
          'notifications',
          'permission',
          'proxy',
          'scaffolder',
          'search',
          'slo',
          'user-settings',
        ]),
      );
      expect(routes.length).toBeGreaterThan(150);
      expect(unreadable).toEqual([]);
      expect(open).toEqual([]);
      expect(publicSeen.size).toBe(PUBLIC.length);
      expect(webhooks).toHaveLength(2);
      for (const w of webhooks) expect(w).toMatch(/ (401|415|503)$/);
      // eslint-disable-next-line no-console
      console.log(
        `route walk: ${routes.length} routes of ${plugins.size} plugins, all 401 without credentials except ${PUBLIC.length} public kinds`,
      );
    } finally {
      await backend.stop();
    }
  });
});
