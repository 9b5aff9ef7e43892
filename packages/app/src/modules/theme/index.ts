import { createFrontendModule } from '@backstage/frontend-plugin-api';
import {
  portalDarkThemeExtension,
  portalLightThemeExtension,
} from './portalTheme';

/** The portal's own light and dark themes. */
export const themeModule = createFrontendModule({
  pluginId: 'app',
  extensions: [portalLightThemeExtension, portalDarkThemeExtension],
});
