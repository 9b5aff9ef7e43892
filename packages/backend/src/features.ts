/*
 * Every plugin and module of the Platform Portal backend, by package. The
 * backend adds them all (index.ts); the security tests start the same list,
 * so a plugin added here is walked for unauthenticated routes.
 */
import type { BackendFeature } from '@backstage/backend-plugin-api';
import appBackend from '@backstage/plugin-app-backend';
import proxyBackend from '@backstage/plugin-proxy-backend';
import scaffolderBackend from '@backstage/plugin-scaffolder-backend';
import scaffolderBackendModuleGithub from '@backstage/plugin-scaffolder-backend-module-github';
import scaffolderBackendModuleGitlab from '@backstage/plugin-scaffolder-backend-module-gitlab';
import scaffolderBackendModuleNotifications from '@backstage/plugin-scaffolder-backend-module-notifications';
import portalScaffolderBackendModuleGoldenPaths from '@internal/plugin-scaffolder-backend-module-golden-paths';
import portalGoldenPathsBackend from '@internal/plugin-golden-paths-backend';
import portalSloBackend from '@internal/plugin-slo-backend';
import portalDxBackend from '@internal/plugin-dx-backend';
import authBackend from '@backstage/plugin-auth-backend';
import authBackendModuleGuestProvider from '@backstage/plugin-auth-backend-module-guest-provider';
import authBackendModuleOidcProvider from '@backstage/plugin-auth-backend-module-oidc-provider';
import authBackendModuleGithubProvider from '@backstage/plugin-auth-backend-module-github-provider';
import catalogBackend from '@backstage/plugin-catalog-backend';
import catalogBackendModuleScaffolderEntityModel from '@backstage/plugin-catalog-backend-module-scaffolder-entity-model';
import catalogBackendModuleLogs from '@backstage/plugin-catalog-backend-module-logs';
import portalCatalogBackendModuleIngestion from '@internal/plugin-catalog-backend-module-ingestion';
import portalCatalogBackendModuleInventory from '@internal/plugin-catalog-backend-module-inventory';
import portalCatalogBackendModuleRepositoryDocs from '@internal/plugin-catalog-backend-module-repository-docs';
import permissionBackend from '@backstage/plugin-permission-backend';
import portalPermissionBackendModulePortalPolicy from '@internal/plugin-permission-backend-module-portal-policy';
import searchBackend from '@backstage/plugin-search-backend';
import searchBackendModulePg from '@backstage/plugin-search-backend-module-pg';
import searchBackendModuleCatalog from '@backstage/plugin-search-backend-module-catalog';
import portalSearchBackendModuleCatalogText from '@internal/plugin-search-backend-module-catalog-text';
import portalSearchBackendModuleRepositoryDocs from '@internal/plugin-search-backend-module-repository-docs';
import userSettingsBackend from '@backstage/plugin-user-settings-backend';
import notificationsBackend from '@backstage/plugin-notifications-backend';
import signalsBackend from '@backstage/plugin-signals-backend';
import eventsBackend from '@backstage/plugin-events-backend';
import { eventsServiceFactory } from '@backstage/plugin-events-node';
import mcpActionsBackend from '@backstage/plugin-mcp-actions-backend';

export const portalFeatures: Record<string, BackendFeature> = {
  '@backstage/plugin-app-backend': appBackend,
  '@backstage/plugin-proxy-backend': proxyBackend,

  // Golden paths
  '@backstage/plugin-scaffolder-backend': scaffolderBackend,
  '@backstage/plugin-scaffolder-backend-module-github':
    scaffolderBackendModuleGithub,
  '@backstage/plugin-scaffolder-backend-module-gitlab':
    scaffolderBackendModuleGitlab,
  '@backstage/plugin-scaffolder-backend-module-notifications':
    scaffolderBackendModuleNotifications,
  // Policy check, golden gates, local publishing, instant catalog visibility
  '@internal/plugin-scaffolder-backend-module-golden-paths':
    portalScaffolderBackendModuleGoldenPaths,
  '@internal/plugin-golden-paths-backend': portalGoldenPathsBackend,

  // SLOs: the platform's own and its services' (OpenSLO), burn-rate alerts
  '@internal/plugin-slo-backend': portalSloBackend,

  // DX metrics: delivery events in (CDEvents, GitHub webhooks, generic JSON)
  '@internal/plugin-dx-backend': portalDxBackend,

  // Sign-in: guest in development, OIDC or GitHub in production (see README).
  '@backstage/plugin-auth-backend': authBackend,
  '@backstage/plugin-auth-backend-module-guest-provider':
    authBackendModuleGuestProvider,
  '@backstage/plugin-auth-backend-module-oidc-provider':
    authBackendModuleOidcProvider,
  '@backstage/plugin-auth-backend-module-github-provider':
    authBackendModuleGithubProvider,

  // Catalog
  '@backstage/plugin-catalog-backend': catalogBackend,
  '@backstage/plugin-catalog-backend-module-scaffolder-entity-model':
    catalogBackendModuleScaffolderEntityModel,
  '@backstage/plugin-catalog-backend-module-logs': catalogBackendModuleLogs,
  // Discovery of entities in git repositories, with its health page and API
  '@internal/plugin-catalog-backend-module-ingestion':
    portalCatalogBackendModuleIngestion,
  // Dependency inventory: SBOMs read from the discovered repositories or
  // uploaded, and which components use a package
  '@internal/plugin-catalog-backend-module-inventory':
    portalCatalogBackendModuleInventory,
  // The README and docs/ of every discovered repository, for the Docs tab
  // and search
  '@internal/plugin-catalog-backend-module-repository-docs':
    portalCatalogBackendModuleRepositoryDocs,

  // Permissions: the portal's policy (platform group administers, see README)
  '@backstage/plugin-permission-backend': permissionBackend,
  '@internal/plugin-permission-backend-module-portal-policy':
    portalPermissionBackendModulePortalPolicy,

  // Search: PostgreSQL engine on PostgreSQL, Lunr (the default) on SQLite.
  '@backstage/plugin-search-backend': searchBackend,
  '@backstage/plugin-search-backend-module-pg': searchBackendModulePg,
  '@backstage/plugin-search-backend-module-catalog': searchBackendModuleCatalog,
  '@internal/plugin-search-backend-module-catalog-text':
    portalSearchBackendModuleCatalogText,
  '@internal/plugin-search-backend-module-repository-docs':
    portalSearchBackendModuleRepositoryDocs,

  '@backstage/plugin-user-settings-backend': userSettingsBackend,
  '@backstage/plugin-notifications-backend': notificationsBackend,
  '@backstage/plugin-signals-backend': signalsBackend,
  // Event bus shared by catalog, signals and our plugins. One events service
  // for every plugin: the events backend was built against an older
  // plugin-events-node, whose default factory would be a second in-process
  // bus, so events from the stock GitHub and GitLab webhook modules
  // (index.ts) reach our subscribers on SQLite too.
  '@backstage/plugin-events-backend': eventsBackend,
  '@backstage/plugin-events-node': eventsServiceFactory,
  '@backstage/plugin-mcp-actions-backend': mcpActionsBackend,
};
