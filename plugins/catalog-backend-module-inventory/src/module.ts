import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { catalogIngestionReadersExtensionPoint } from '@internal/plugin-catalog-ingestion-node';
import { inventoryPermissions } from '@internal/plugin-inventory-common';
import { readRequestsPerMinute, requestLimits } from '@internal/request-limits';
import { readInventoryConfig } from './config';
import { sbomReader } from './reader/readSboms';
import { createInventoryRouter } from './service/router';
import { DatabaseSbomStore } from './store/DatabaseSbomStore';

/**
 * Catalog module: the dependency inventory. Reads the SBOMs of every
 * repository catalog ingestion discovers, takes SBOM uploads, and answers
 * which components use a package at `/api/catalog/ingestion/dependencies/*`.
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
        catalog: catalogServiceRef,
        ingestion: catalogIngestionReadersExtensionPoint,
      },
      async init({
        config,
        database,
        httpRouter,
        httpAuth,
        permissions,
        permissionsRegistry,
        catalog,
        ingestion,
      }) {
        const settings = readInventoryConfig(config);
        const knex = await database.getClient();
        const sboms = await DatabaseSbomStore.create({
          knex,
          skipMigrations: database.migrations?.skip,
        });
        permissionsRegistry.addPermissions(inventoryPermissions);
        ingestion.addReader(
          sbomReader({ store: sboms, globs: settings.sbomGlobs }),
        );
        httpRouter.use(
          createInventoryRouter({
            sboms,
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
      },
    });
  },
});
