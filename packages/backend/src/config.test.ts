import { resolve } from 'node:path';
import { ConfigSources, FileConfigSource } from '@backstage/config-loader';

// The shipped configuration files, read the way the backend reads them.
const repoRoot = resolve(__dirname, '../../..');

async function load(files: string[], env: Record<string, string> = {}) {
  const source = ConfigSources.merge(
    files.map(f =>
      FileConfigSource.create({
        path: resolve(repoRoot, f),
        watch: false,
        substitutionFunc: async name => env[name],
      }),
    ),
  );
  const config = await ConfigSources.toConfig(source);
  config.close();
  return config;
}

const productionEnv = {
  PORTAL_BASE_URL: 'https://portal.acme.example',
  POSTGRES_HOST: 'db.internal',
  POSTGRES_USER: 'portal',
  POSTGRES_PASSWORD: 'secret',
  AUTH_OIDC_METADATA_URL:
    'https://sso.acme.example/.well-known/openid-configuration',
  AUTH_OIDC_CLIENT_ID: 'portal',
  AUTH_OIDC_CLIENT_SECRET: 'oidc-secret',
};

/** Paths of every `demo.enabled: true` in a configuration, of any plugin. */
function demoSwitchesOn(value: unknown, at = ''): string[] {
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => {
    const here = at ? `${at}.${k}` : k;
    if (k === 'demo' && v && typeof v === 'object') {
      return (v as { enabled?: unknown }).enabled === true ? [here] : [];
    }
    return demoSwitchesOn(v, here);
  });
}

describe('shipped configuration', () => {
  it('development: SQLite under data/, guest sign-in, automation token off without PORTAL_API_TOKEN', async () => {
    const config = await load(['app-config.yaml']);
    expect(config.getString('backend.database.client')).toBe('better-sqlite3');
    expect(config.getString('backend.database.connection.directory')).toBe(
      '../../data/sqlite',
    );
    expect(config.has('auth.providers.guest')).toBe(true);
    expect(config.getStringArray('portal.signIn.providers')).toEqual(['guest']);
    const [access] = config.getConfigArray('backend.auth.externalAccess');
    expect(access.getString('type')).toBe('portal-token');
    expect(access.has('options.token')).toBe(false);
  });

  it('development: PORTAL_API_TOKEN turns the automation token on', async () => {
    const config = await load(['app-config.yaml'], {
      PORTAL_API_TOKEN: 'x'.repeat(32),
    });
    const [access] = config.getConfigArray('backend.auth.externalAccess');
    expect(access.getString('options.token')).toBe('x'.repeat(32));
  });

  it('--postgres: PostgreSQL from POSTGRES_* with defaults and a database prefix', async () => {
    const config = await load(['app-config.yaml', 'app-config.postgres.yaml'], {
      POSTGRES_PORT: '5433',
    });
    expect(config.getString('backend.database.client')).toBe('pg');
    expect(config.getString('backend.database.prefix')).toBe('portal_dev_');
    expect(config.getString('backend.database.connection.host')).toBe(
      '127.0.0.1',
    );
    expect(config.getString('backend.database.connection.port')).toBe('5433');
  });

  it('production: no guest sign-in, OIDC from the environment, PostgreSQL, no demo data', async () => {
    const config = await load(
      ['app-config.yaml', 'app-config.production.yaml'],
      productionEnv,
    );
    expect(config.has('auth.providers.guest')).toBe(false);
    expect(config.getStringArray('portal.signIn.providers')).toEqual(['oidc']);
    expect(
      config.getString('auth.providers.oidc.production.clientSecret'),
    ).toBe('oidc-secret');
    expect(config.getString('backend.database.client')).toBe('pg');
    expect(config.getString('backend.database.connection.password')).toBe(
      'secret',
    );
    expect(config.getString('backend.baseUrl')).toBe(
      'https://portal.acme.example',
    );
    expect(config.getString('backend.cors.origin')).toBe(
      'https://portal.acme.example',
    );
    const targets = config
      .getConfigArray('catalog.locations')
      .map(l => l.getString('target'));
    expect(targets.some(t => t.includes('demo/'))).toBe(false);
    // No demo advisory either (development reads one written for the demo).
    expect(
      config.getConfigArray('catalog.ingestion.advisories.sources'),
    ).toEqual([]);
  });

  it('production switches off the demo data of every plugin that has one', async () => {
    const development = await load(['app-config.yaml']);
    expect(demoSwitchesOn(development.get())).toEqual(['dx.demo']);
    const production = await load(
      ['app-config.yaml', 'app-config.production.yaml'],
      productionEnv,
    );
    expect(demoSwitchesOn(production.get())).toEqual([]);
    // Four eyes on golden gates: off only for the one-person ./portal start.
    expect(development.getBoolean('goldenPaths.gates.fourEyes')).toBe(false);
    expect(production.getBoolean('goldenPaths.gates.fourEyes')).toBe(true);
  });

  it('production: a CI token scoped to sending events, pushing SLO counts, SBOMs and re-scans', async () => {
    const config = await load(
      ['app-config.yaml', 'app-config.production.yaml'],
      {
        ...productionEnv,
        PORTAL_CI_TOKEN: 'c'.repeat(32),
      },
    );
    const entries = config.getConfigArray('backend.auth.externalAccess');
    const ci = entries.find(
      e => e.getString('options.subject') === 'portal-ci',
    );
    expect(ci?.getString('options.token')).toBe('c'.repeat(32));
    expect(ci?.getConfigArray('accessRestrictions').map(r => r.get())).toEqual([
      { plugin: 'dx', permission: 'dx.events.ingest' },
      { plugin: 'slo', permission: 'slo.events.push' },
      {
        plugin: 'catalog',
        permission: [
          'catalog.ingestion.rescan',
          'catalog.ingestion.sbom.upload',
        ],
      },
    ]);
    // Without the variable the CI token is off.
    const off = await load(
      ['app-config.yaml', 'app-config.production.yaml'],
      productionEnv,
    );
    expect(
      off
        .getConfigArray('backend.auth.externalAccess')
        .find(e => e.getString('options.subject') === 'portal-ci')
        ?.has('options.token'),
    ).toBe(false);
  });
});
