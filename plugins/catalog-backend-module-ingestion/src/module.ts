import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  catalogProcessingExtensionPoint,
  catalogServiceRef,
} from '@backstage/plugin-catalog-node';
import { catalogIngestionPermissions } from '@internal/plugin-catalog-ingestion-common';
import { ScmIntegrations } from '@backstage/integration';
import { readRequestsPerMinute } from '@internal/request-limits';
import { LinkSchemeProcessor } from './processors/LinkSchemeProcessor';
import { readIngestionConfig, SourceConfig, sourceTarget } from './config';
import { GithubRepositorySource } from './github/GithubRepositorySource';
import { GitlabRepositorySource } from './gitlab/GitlabRepositorySource';
import type { RepositorySource } from './ingestion/types';
import { OrgExportSource } from './org/OrgExportSource';
import { LocalRepositorySource } from './git/LocalRepositorySource';
import { RepositoryIngester } from './ingestion/RepositoryIngester';
import { ensureCatalogIndexes } from './service/catalogIndexes';
import { maintainCatalogTables } from './service/catalogMaintenance';
import { createCatalogReadCache } from './service/catalogReadCache';
import { createIngestionRouter, GITHUB_WEBHOOK_PATH } from './service/router';
import { CatalogQueue } from './store/CatalogQueue';
import { DatabaseDocsStore } from './store/DatabaseDocsStore';
import { DatabaseIngestionStore } from './store/DatabaseIngestionStore';
import { DatabaseOpenSloStore } from './store/DatabaseOpenSloStore';
import { DatabaseSbomStore } from './store/DatabaseSbomStore';

/**
 * Catalog module: discovers entities in git repositories, keeps them
 * current incrementally, and reports every run and problem at
 * `/api/catalog/ingestion/*`.
 */
export const catalogModuleIngestion = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'portal-ingestion',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        database: coreServices.database,
        scheduler: coreServices.scheduler,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        catalog: catalogProcessingExtensionPoint,
        catalogService: catalogServiceRef,
        urlReader: coreServices.urlReader,
        cache: coreServices.cache,
        auditor: coreServices.auditor,
      },
      async init({
        config,
        logger,
        database,
        scheduler,
        httpRouter,
        httpAuth,
        permissions,
        permissionsRegistry,
        catalog,
        catalogService,
        urlReader,
        cache,
        auditor,
      }) {
        const settings = readIngestionConfig(config);
        // Links on entity pages: web and e-mail only, whatever the source.
        catalog.addProcessor(new LinkSchemeProcessor());
        const knex = await database.getClient();
        const store = await DatabaseIngestionStore.create({
          knex,
          skipMigrations: database.migrations?.skip,
        });
        const sboms = new DatabaseSbomStore(knex);
        const docs = new DatabaseDocsStore(knex);
        const openSlo = new DatabaseOpenSloStore(knex);
        const queue = new CatalogQueue(knex, logger);
        permissionsRegistry.addPermissions(catalogIngestionPermissions);

        const integrations = ScmIntegrations.fromConfig(config);
        const createSource = (source: SourceConfig): RepositorySource => {
          if (source.type === 'org') {
            return new OrgExportSource({
              id: source.id,
              target: source.target,
              format: source.format,
              maxBytes: settings.maxOrgExportBytes,
              urlReader,
            });
          }
          if (source.type === 'github') {
            return new GithubRepositorySource({
              id: source.id,
              host: source.host,
              org: source.org,
              integrations,
            });
          }
          if (source.type === 'gitlab') {
            return new GitlabRepositorySource({
              id: source.id,
              host: source.host,
              group: source.group,
              integrations,
            });
          }
          return new LocalRepositorySource(source.id, source.path);
        };
        const ingesters = settings.sources.map(source => {
          const ingester: RepositoryIngester = new RepositoryIngester({
            source: createSource(source),
            store,
            sboms,
            docs,
            openSlo,
            logger: logger.child({ source: source.id }),
            globs: source.type === 'org' ? [] : source.globs,
            sbomGlobs: source.type === 'org' ? [] : source.sbomGlobs,
            openSloGlobs: source.type === 'org' ? [] : source.openSloGlobs,
            maxFileBytes: settings.maxFileBytes,
            runRetentionMs: settings.runRetentionMs,
            prioritize: refs => queue.prioritize(refs),
            schedule: scan =>
              scheduler.scheduleTask({
                id: `portal-ingestion:${source.id}`,
                ...source.schedule,
                scope: 'global',
                fn: scan,
              }),
          });
          catalog.addEntityProvider(ingester);
          return ingester;
        });
        logger.info(
          `Catalog ingestion: ${ingesters.length} source(s)${
            ingesters.length
              ? `: ${settings.sources
                  .map(s => `${s.id} (${sourceTarget(s)})`)
                  .join(', ')}`
              : ''
          }`,
        );

        // Two indexes the catalog's count, list and facet queries use
        // (PostgreSQL): built once by one replica, checked every hour.
        await scheduler.scheduleTask({
          id: 'portal-catalog-indexes',
          frequency: { hours: 1 },
          timeout: { hours: 1 },
          initialDelay: { seconds: 5 },
          scope: 'global',
          fn: async () => {
            await ensureCatalogIndexes(knex, logger);
          },
        });

        if (
          config.getOptionalBoolean('catalog.tableMaintenance.enabled') ??
          true
        ) {
          // VACUUM / ANALYZE of the catalog's tables soon after a bulk change
          // (PostgreSQL): sooner than autovacuum, and also where it is off.
          await scheduler.scheduleTask({
            id: 'portal-catalog-maintenance',
            frequency: { seconds: 30 },
            timeout: { minutes: 30 },
            initialDelay: { seconds: 30 },
            scope: 'global',
            fn: async () => {
              await maintainCatalogTables(knex, logger);
            },
          });
        }

        if (config.getOptionalBoolean('catalog.readCache.enabled') ?? true) {
          // Registered before the catalog's own router (modules start
          // first), so it sees the catalog page's reads before the catalog.
          httpRouter.use(
            createCatalogReadCache({
              knex,
              cache,
              httpAuth,
              permissions,
              auditor,
              logger,
              ttlMs:
                (config.getOptionalNumber('catalog.readCache.ttlSeconds') ??
                  600) * 1000,
              maxBodyBytes: 1024 * 1024,
            }),
          );
        }
        httpRouter.use(
          createIngestionRouter({
            ingesters,
            sources: settings.sources.map(s => ({
              id: s.id,
              type: s.type,
              target: sourceTarget(s),
            })),
            store,
            httpAuth,
            permissions,
            logger,
            githubWebhookSecret: settings.githubWebhookSecret,
            webhookBodyBytes: settings.webhookBodyBytes,
            requestsPerMinute: readRequestsPerMinute(config),
            inventory: {
              sboms,
              docs,
              openSlo,
              catalog: catalogService,
              sbomUploadBytes: settings.sbomUploadBytes,
            },
          }),
        );
        httpRouter.addAuthPolicy({
          path: GITHUB_WEBHOOK_PATH,
          allow: 'unauthenticated',
        });
      },
    });
  },
});
