import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { catalogIngestionReadersExtensionPoint } from '@internal/plugin-catalog-ingestion-node';
import { docsReader } from './reader/readDocs';
import { createRepositoryDocsRouter } from './service/router';
import { DatabaseDocsStore } from './store/DatabaseDocsStore';

/**
 * Catalog module: the repository docs. Stores the README and docs/ of every
 * repository catalog ingestion discovers, with the images they show, and
 * serves them per entity at `/api/catalog/ingestion/docs*`.
 */
export const catalogModuleRepositoryDocs = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'portal-repository-docs',
  register(env) {
    env.registerInit({
      deps: {
        database: coreServices.database,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        permissions: coreServices.permissions,
        catalog: catalogServiceRef,
        ingestion: catalogIngestionReadersExtensionPoint,
      },
      async init({
        database,
        httpRouter,
        httpAuth,
        permissions,
        catalog,
        ingestion,
      }) {
        const docs = await DatabaseDocsStore.create({
          knex: await database.getClient(),
          origins: ingestion.origins,
          skipMigrations: database.migrations?.skip,
        });
        ingestion.addReader(docsReader(docs));
        httpRouter.use(
          createRepositoryDocsRouter({
            docs,
            origins: ingestion.origins,
            catalog,
            httpAuth,
            permissions,
          }),
        );
      },
    });
  },
});
