import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import {
  catalogProcessingExtensionPoint,
  catalogServiceRef,
} from '@backstage/plugin-catalog-node';
import { catalogIngestionPermissions } from '@internal/plugin-catalog-ingestion-common';
import {
  catalogIngestionReadersExtensionPoint,
  type DiscoveredEntityOrigins,
  type RepositoryFileReader,
} from '@internal/plugin-catalog-ingestion-node';
import { ScmIntegrations } from '@backstage/integration';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { callRateLimit, requestLimits } from '@internal/request-limits';
import { LinkSchemeProcessor } from './processors/LinkSchemeProcessor';
import { readIngestionConfig, SourceConfig, sourceTarget } from './config';
import { GithubRepositorySource } from './github/GithubRepositorySource';
import { GitlabRepositorySource } from './gitlab/GitlabRepositorySource';
import type { RepositorySource } from './ingestion/types';
import { OrgExportSource } from './org/OrgExportSource';
import { LocalRepositorySource } from './git/LocalRepositorySource';
import { subscribeToScmPushes } from './events/scmPushEvents';
import { openSloReader } from './descriptors/readOpenSlo';
import { RepositoryIngester } from './ingestion/RepositoryIngester';
import {
  createIngestionRouter,
  GITHUB_WEBHOOK_PATH,
  RESCAN_ENDPOINT,
} from './service/router';
import { IngestionCanary } from './canary/IngestionCanary';
import { DatabaseIngestionStore } from './store/DatabaseIngestionStore';
import { DatabaseOpenSloStore } from './store/DatabaseOpenSloStore';
import { registerIngestionActions } from './actions/ingestionActions';

/**
 * Catalog module: discovers entities in git repositories, keeps them
 * current incrementally, and reports every run and problem at
 * `/api/catalog/ingestion/*`.
 */
export const catalogModuleIngestion = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'portal-ingestion',
  register(env) {
    // Readers of other modules (SBOMs, docs), and where entities came from.
    const readers: RepositoryFileReader[] = [];
    let started: DatabaseIngestionStore | undefined;
    const startedStore = () => {
      if (!started) throw new Error('catalog ingestion has not started yet');
      return started;
    };
    const origins: DiscoveredEntityOrigins = {
      async entityOrigin(entityRef) {
        const origin = await startedStore().entityOrigin(entityRef);
        return (
          origin && { sourceId: origin.sourceId, repository: origin.repository }
        );
      },
      repositoryEntities: repositories =>
        startedStore().entitiesOfRepositories(repositories),
    };
    env.registerExtensionPoint(catalogIngestionReadersExtensionPoint, {
      addReader(...added) {
        readers.push(...added);
      },
      origins,
    });

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
        auth: coreServices.auth,
        urlReader: coreServices.urlReader,
        events: eventsServiceRef,
        actionsRegistry: actionsRegistryServiceRef,
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
        auth,
        urlReader,
        events,
        actionsRegistry,
      }) {
        const settings = readIngestionConfig(config);
        // Links on entity pages: web and e-mail only, whatever the source.
        catalog.addProcessor(new LinkSchemeProcessor());
        const knex = await database.getClient();
        const store = await DatabaseIngestionStore.create({
          knex,
          skipMigrations: database.migrations?.skip,
        });
        started = store;
        const openSlo = new DatabaseOpenSloStore(knex);
        // Each repository's files: the other modules' readers (SBOMs,
        // docs), then the OpenSLO files.
        const allReaders = [
          ...readers,
          openSloReader({
            store: openSlo,
            globs: new Map(
              settings.sources.flatMap(s =>
                s.type === 'org' ? [] : [[s.id, s.openSloGlobs]],
              ),
            ),
          }),
        ];
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
            readers: allReaders,
            logger: logger.child({ source: source.id }),
            globs: source.type === 'org' ? [] : source.globs,
            maxFileBytes: settings.maxFileBytes,
            kindPolicy: {
              sourceId: source.id,
              kinds: source.kinds,
              templateRepositories: source.templateRepositories,
            },
            runRetentionMs: settings.runRetentionMs,
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
        await subscribeToScmPushes({
          events,
          logger,
          sources: settings.sources.map((source, i) => ({
            config: source,
            ingester: ingesters[i],
          })),
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

        // The canary: a change handed to the catalog as discovered changes
        // are, timed until the catalog API serves it.
        let canary: IngestionCanary | undefined;
        if (settings.canary) {
          const { intervalSeconds, timeoutMs, owner } = settings.canary;
          const probe = new IngestionCanary({
            knex,
            catalog: catalogService,
            auth,
            logger: logger.child({ task: 'ingestion-canary' }),
            owner,
            timeoutMs,
          });
          canary = probe;
          catalog.addEntityProvider(probe);
          await scheduler.scheduleTask({
            id: 'portal-ingestion-canary',
            frequency: { seconds: intervalSeconds },
            timeout: { milliseconds: timeoutMs + 30_000 },
            initialDelay: { seconds: Math.min(intervalSeconds, 30) },
            scope: 'global',
            fn: async () => {
              await probe.run();
              await probe.prune(new Date(Date.now() - settings.runRetentionMs));
            },
          });
        }

        const limits = requestLimits({
          config,
          httpAuth,
          knex,
          table: 'ingestion_rate_limits',
        });
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
            requestsPerMinute: limits.requestsPerMinute,
            limits,
            openSlo,
            catalog: catalogService,
            auth,
            canary,
          }),
        );
        // The same reads and re-scan for agents (MCP) and terminals.
        registerIngestionActions({
          actionsRegistry,
          store,
          ingesters,
          permissions,
          catalog: catalogService,
          auth,
          rescanLimit: callRateLimit({ ...limits, endpoint: RESCAN_ENDPOINT }),
        });
        httpRouter.addAuthPolicy({
          path: GITHUB_WEBHOOK_PATH,
          allow: 'unauthenticated',
        });
      },
    });
  },
});
