import {
  AppRootElementBlueprint,
  createFrontendModule,
} from '@backstage/frontend-plugin-api';
import { VisitListener } from '@backstage/plugin-home';
import { visitNameOf } from './visitNames';
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

const graphStartWidget = HomePageWidgetBlueprint.make({
  name: 'graph-start',
  params: {
    name: 'graph-start',
    title: 'Dependency graph',
    description: 'Open the dependency graph on a system or a team',
    components: async () => {
      const { GraphStart } = await import('./GraphStart');
      return { Content: GraphStart };
    },
  },
});

/**
 * Records visits for "Recently visited" and "Top visited" with the page's
 * name in words (the stock listener names top-level pages by their path,
 * "dx", and others by the document title, often still the app title).
 */
const visitListener = AppRootElementBlueprint.make({
  name: 'visit-listener',
  params: {
    element: (
      <VisitListener visitName={({ pathname }) => visitNameOf(pathname)} />
    ),
  },
});

/** "Platform home": the portal's landing page layout and its own widgets. */
export const homeModule = createFrontendModule({
  pluginId: 'home',
  extensions: [
    platformHomeLayout,
    catalogGlanceWidget,
    graphStartWidget,
    visitListener,
  ],
});
