import { createBackendModule } from '@backstage/backend-plugin-api';
import { catalogCollatorExtensionPoint } from '@backstage/plugin-search-backend-module-catalog';
import { catalogEntityText } from './catalogEntityText';

/** Makes catalog search match entity names, titles, descriptions and tags. */
export const searchModuleCatalogText = createBackendModule({
  pluginId: 'search',
  moduleId: 'catalog-text',
  register(reg) {
    reg.registerInit({
      deps: { collator: catalogCollatorExtensionPoint },
      async init({ collator }) {
        collator.setEntityTransformer(catalogEntityText);
      },
    });
  },
});
