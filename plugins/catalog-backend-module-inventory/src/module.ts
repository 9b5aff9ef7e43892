import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { catalogIngestionReadersExtensionPoint } from '@internal/plugin-catalog-ingestion-node';
import { inventoryPermissions } from '@internal/plugin-inventory-common';
import { readRequestsPerMinute, requestLimits } from '@internal/request-limits';
import { readInventoryConfig } from './config';
import { sbomReader } from './reader/readSboms';
import { createInventoryRouter } from './service/router';
import { registerInventoryActions } from './actions/inventoryActions';
import { DatabaseSbomStore } from './store/DatabaseSbomStore';
import { DatabaseAdvisoryStore } from './store/DatabaseAdvisoryStore';
import { DatabaseVexStore } from './store/DatabaseVexStore';
import { importAdvisories } from './advisories/importAdvisories';
import { notifyOwners } from './advisories/notifyOwners';
import { notificationService } from '@backstage/plugin-notifications-node';

/**
 * Catalog module: the dependency inventory. Reads the SBOMs of every
 * repository catalog ingestion discovers, takes SBOM uploads, reads
 * advisories in OSV format and matches them against the stored packages, and
 * answers which components use a package or are hit by an advisory at
 * `/api/catalog/ingestion/dependencies/*`.
 */
export const catalogModuleInventory = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'portal-inventory',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        database: coreServices.database,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        scheduler: coreServices.scheduler,
        auth: coreServices.auth,
        notifications: notificationService,
        logger: coreServices.logger,
        catalog: catalogServiceRef,
        ingestion: catalogIngestionReadersExtensionPoint,
        actionsRegistry: actionsRegistryServiceRef,
      },
      async init({
        config,
        database,
        httpRouter,
        httpAuth,
        permissions,
        permissionsRegistry,
        scheduler,
        auth,
        notifications,
        logger,
        catalog,
        ingestion,
        actionsRegistry,
      }) {
        const settings = readInventoryConfig(config);
        const knex = await database.getClient();
        const sboms = await DatabaseSbomStore.create({
          knex,
          skipMigrations: database.migrations?.skip,
        });
        const advisories = new DatabaseAdvisoryStore(knex);
        const vex = new DatabaseVexStore(knex);
        sboms.onPackagesChanged(ref => advisories.matchEntity(ref));
        const tellOwners = () =>
          notifyOwners({
            advisories,
            vex,
            catalog,
            auth,
            notifications,
            logger,
          });
        // Matches found when an SBOM changed are told within a minute.
        await scheduler.scheduleTask({
          id: 'inventory-advisory-notifications',
          scope: 'global',
          frequency: { minutes: 1 },
          timeout: { minutes: 5 },
          initialDelay: { seconds: 30 },
          fn: async () => {
            await tellOwners();
          },
        });
        const importAll = async () => {
          const results = [];
          for (const source of settings.advisorySources) {
            const result = await importAdvisories(source, advisories, {
              knex,
            });
            logger.info(
              result.notModified
                ? `Advisories of ${source.id}: not modified since the last read`
                : `Advisories of ${source.id}: ${result.files} files, ${result.added} added, ${result.changed} changed, ${result.unchanged} unchanged, ${result.refusedCount} refused`,
            );
            results.push(result);
          }
          // The import stands even if owners cannot be told now: the
          // notification task tells them on a later run.
          await tellOwners().catch(error =>
            logger.warn(`Could not tell owners yet: ${error}`),
          );
          return results;
        };
        if (settings.advisorySources.length > 0) {
          await scheduler.scheduleTask({
            id: 'inventory-advisories',
            scope: 'global',
            ...settings.advisorySchedule,
            fn: async () => {
              await importAll();
            },
          });
        }
        permissionsRegistry.addPermissions(inventoryPermissions);
        ingestion.addReader(
          sbomReader({ store: sboms, vex, globs: settings.sbomGlobs }),
        );
        httpRouter.use(
          createInventoryRouter({
            sboms,
            advisories,
            vex,
            importAdvisories: importAll,
            catalog,
            httpAuth,
            permissions,
            sbomUploadBytes: settings.sbomUploadBytes,
            requestsPerMinute: readRequestsPerMinute(config),
            limits: requestLimits({
              config,
              httpAuth,
              knex,
              table: 'inventory_rate_limits',
            }),
          }),
        );
        // The same reads for agents (MCP) and terminals.
        registerInventoryActions({
          actionsRegistry,
          sboms,
          catalog,
          permissions,
        });
      },
    });
  },
});
