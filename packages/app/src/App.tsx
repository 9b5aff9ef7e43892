import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import catalogGraphPlugin from '@backstage/plugin-catalog-graph/alpha';
import catalogIngestionPlugin from '@internal/plugin-catalog-ingestion';
import dxPlugin from '@internal/plugin-dx';
import inventoryPlugin from '@internal/plugin-inventory';
import repositoryDocsPlugin from '@internal/plugin-repository-docs';
import goldenPathsPlugin from '@internal/plugin-golden-paths';
import sloPlugin from '@internal/plugin-slo';
import { navModule } from './modules/nav';
import { homeModule } from './modules/home';
import { themeModule } from './modules/theme';
import { authModule } from './modules/auth';

export default createApp({
  features: [
    catalogPlugin,
    catalogGraphPlugin,
    catalogIngestionPlugin,
    inventoryPlugin,
    repositoryDocsPlugin,
    goldenPathsPlugin,
    sloPlugin,
    dxPlugin,
    navModule,
    homeModule,
    themeModule,
    authModule,
  ],
});
