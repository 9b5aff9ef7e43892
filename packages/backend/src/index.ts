/*
 * The Platform Portal backend: only wiring. Each feature lives in its plugin.
 */
import { createBackend } from '@backstage/backend-defaults';
import { portalTokenHandlerFactory } from './auth/portalTokenHandler';

const backend = createBackend();

// Optional automation token (PORTAL_API_TOKEN) for scripts and benchmarks.
backend.add(portalTokenHandlerFactory);

backend.add(import('@backstage/plugin-app-backend'));
backend.add(import('@backstage/plugin-proxy-backend'));

// Golden paths
backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(import('@backstage/plugin-scaffolder-backend-module-github'));
backend.add(
  import('@backstage/plugin-scaffolder-backend-module-notifications'),
);
// Policy check, golden gates, local publishing, instant catalog visibility
backend.add(import('@internal/plugin-scaffolder-backend-module-golden-paths'));
backend.add(import('@internal/plugin-golden-paths-backend'));

// SLOs: the platform's own and its services' (OpenSLO), burn-rate alerts
backend.add(import('@internal/plugin-slo-backend'));

// DX metrics: delivery events in (CDEvents, GitHub webhooks, generic JSON)
backend.add(import('@internal/plugin-dx-backend'));

// Sign-in: guest in development, OIDC or GitHub in production (see README).
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
backend.add(import('@backstage/plugin-auth-backend-module-oidc-provider'));
backend.add(import('@backstage/plugin-auth-backend-module-github-provider'));

// Catalog
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));
// Discovery of entities in git repositories, with its health page and API
backend.add(import('@internal/plugin-catalog-backend-module-ingestion'));

// Permissions: the portal's policy (platform group administers, see README)
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(
  import('@internal/plugin-permission-backend-module-portal-policy'),
);

// Search: PostgreSQL engine on PostgreSQL, Lunr (the default) on SQLite.
backend.add(import('@backstage/plugin-search-backend'));
backend.add(import('@backstage/plugin-search-backend-module-pg'));
backend.add(import('@backstage/plugin-search-backend-module-catalog'));
backend.add(import('@internal/plugin-search-backend-module-catalog-text'));
backend.add(import('@internal/plugin-search-backend-module-repository-docs'));

backend.add(import('@backstage/plugin-user-settings-backend'));
backend.add(import('@backstage/plugin-notifications-backend'));
backend.add(import('@backstage/plugin-signals-backend'));
// Event bus shared by catalog and signals (and our webhooks later)
backend.add(import('@backstage/plugin-events-backend'));
backend.add(import('@backstage/plugin-mcp-actions-backend'));

backend.start();
