import {
  createUnifiedTheme,
  genPageTheme,
  palettes,
  shapes,
  UnifiedThemeProvider,
} from '@backstage/theme';
import LightIcon from '@material-ui/icons/WbSunny';
import DarkIcon from '@material-ui/icons/Brightness2';
import { ThemeBlueprint } from '@backstage/plugin-app-react';

/** Brand colours of the Platform Portal: deep teal with an amber accent. */
export const portalColors = {
  primary: '#0b6e75',
  primaryDark: '#4fc3c9',
  accent: '#f2a541',
  navigation: '#0d2b36',
};

const pageTheme = (colors: string[]) =>
  genPageTheme({ colors, shape: shapes.wave });

const pageThemes = {
  home: pageTheme([portalColors.navigation, portalColors.primary]),
  documentation: pageTheme(['#1f5e63', '#2b8a8f']),
  tool: pageTheme(['#254b5a', '#3d7c91']),
  service: pageTheme([portalColors.primary, '#2aa198']),
  website: pageTheme(['#3b4a6b', '#5b6f9c']),
  library: pageTheme(['#4b3b6b', '#6f5b9c']),
  other: pageTheme([portalColors.navigation, '#3d5a66']),
  app: pageTheme(['#6b4b3b', portalColors.accent]),
  apis: pageTheme(['#2d5c3b', '#3f8f5a']),
};

const navigation = {
  background: portalColors.navigation,
  indicator: portalColors.accent,
  color: '#c9d6db',
  selectedColor: '#ffffff',
  navItem: { hoverBackground: '#173f4d' },
  submenu: { background: '#123543' },
};

/**
 * Words never break inside (a table too narrow for "Succeeded" widens the
 * column or wraps at spaces), and sidebar labels wrap onto a second line
 * instead of being cut ("Catalog ingest…").
 */
const components = {
  MuiTableCell: {
    styleOverrides: {
      root: { wordBreak: 'normal', overflowWrap: 'normal', hyphens: 'manual' },
    },
  },
  BackstageSidebarItem: {
    styleOverrides: {
      label: { whiteSpace: 'normal', lineHeight: 1.2, textOverflow: 'clip' },
    },
  },
} as const;

export const portalLightTheme = createUnifiedTheme({
  components,
  palette: {
    ...palettes.light,
    primary: { main: portalColors.primary },
    secondary: { main: portalColors.accent },
    navigation,
  },
  defaultPageTheme: 'home',
  pageTheme: pageThemes,
  fontFamily: '"Inter", "Helvetica Neue", Helvetica, Arial, sans-serif',
});

export const portalDarkTheme = createUnifiedTheme({
  components,
  palette: {
    ...palettes.dark,
    primary: { main: portalColors.primaryDark },
    secondary: { main: portalColors.accent },
    navigation,
  },
  defaultPageTheme: 'home',
  pageTheme: pageThemes,
  fontFamily: '"Inter", "Helvetica Neue", Helvetica, Arial, sans-serif',
});

export const portalLightThemeExtension = ThemeBlueprint.make({
  name: 'portal-light',
  params: {
    theme: {
      id: 'portal-light',
      title: 'Portal light',
      variant: 'light',
      icon: <LightIcon />,
      Provider: ({ children }) => (
        <UnifiedThemeProvider theme={portalLightTheme} children={children} />
      ),
    },
  },
});

export const portalDarkThemeExtension = ThemeBlueprint.make({
  name: 'portal-dark',
  params: {
    theme: {
      id: 'portal-dark',
      title: 'Portal dark',
      variant: 'dark',
      icon: <DarkIcon />,
      Provider: ({ children }) => (
        <UnifiedThemeProvider theme={portalDarkTheme} children={children} />
      ),
    },
  },
});
