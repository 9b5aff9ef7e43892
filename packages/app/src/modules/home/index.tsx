import { createFrontendModule } from '@backstage/frontend-plugin-api';
import {
  HomePageLayoutBlueprint,
  HomePageWidgetBlueprint,
} from '@backstage/plugin-home-react/alpha';

const platformHomeLayout = HomePageLayoutBlueprint.make({
  params: {
    loader: async () =>
      (await import('./PlatformHomeLayout')).PlatformHomeLayout,
  },
});

const catalogGlanceWidget = HomePageWidgetBlueprint.make({
  name: 'catalog-glance',
  params: {
    name: 'catalog-glance',
    title: 'The catalog at a glance',
    description:
      'How many components, APIs, systems, teams and golden paths the catalog holds',
    components: async () => {
      const { CatalogGlance } = await import('./CatalogGlance');
      return { Content: CatalogGlance };
    },
  },
});

/** "Platform home": the portal's landing page layout and its own widgets. */
export const homeModule = createFrontendModule({
  pluginId: 'home',
  extensions: [platformHomeLayout, catalogGlanceWidget],
});
