import { Content, Header, Page } from '@backstage/core-components';
import { configApiRef, useApi } from '@backstage/frontend-plugin-api';
import { HomePageSearchBar } from '@backstage/plugin-search';
import type { HomePageLayoutProps } from '@backstage/plugin-home-react/alpha';
import Grid from '@material-ui/core/Grid';

/** Widgets shown first, in this order; any others follow. */
const preferredOrder = [
  'catalog-glance',
  'HomePageStarredEntities',
  'HomePageToolkit',
  'HomePageRecentlyVisited',
];

export function PlatformHomeLayout({ widgets }: HomePageLayoutProps) {
  const configApi = useApi(configApiRef);
  const org = configApi.getOptionalString('organization.name');
  const rank = (name?: string) => {
    const i = preferredOrder.indexOf(name ?? '');
    return i === -1 ? preferredOrder.length : i;
  };
  const ordered = [...widgets].sort((a, b) => rank(a.name) - rank(b.name));

  return (
    <Page themeId="home">
      <Header
        title="Platform home"
        subtitle={
          org
            ? `${org}: find software, create services on the golden path, see how the platform is doing`
            : 'Find software, create services on the golden path, see how the platform is doing'
        }
      />
      <Content>
        <Grid container spacing={3}>
          <Grid item xs={12}>
            <HomePageSearchBar placeholder="Search the catalog" />
          </Grid>
          {ordered.map((widget, index) => (
            <Grid item xs={12} md={6} key={widget.name ?? index}>
              {widget.component}
            </Grid>
          ))}
        </Grid>
      </Content>
    </Page>
  );
}
