import { screen, within } from '@testing-library/react';
import type { Entity } from '@backstage/catalog-model';
import { renderTestApp } from '@backstage/frontend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import catalogGraphPlugin from '@backstage/plugin-catalog-graph/alpha';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import catalogIngestionPlugin, {
  catalogIngestionApiRef,
} from '@internal/plugin-catalog-ingestion';
import inventoryPlugin from '@internal/plugin-inventory';
import repositoryDocsPlugin from '@internal/plugin-repository-docs';

const payments: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'payments',
    annotations: { 'portal.dev/ingestion-repository': 'local-repos/payments' },
  },
  spec: { type: 'service', lifecycle: 'production', owner: 'team-payments' },
};

function renderCatalogApp(url: string) {
  return renderTestApp({
    features: [
      catalogPlugin,
      catalogGraphPlugin,
      catalogIngestionPlugin,
      inventoryPlugin,
      repositoryDocsPlugin,
    ],
    apis: [
      catalogApiMock({ entities: [payments] }),
      [catalogIngestionApiRef, { getProblems: async () => [] }],
    ],
    initialRouteEntries: [url],
  });
}

describe('catalog features of the app', () => {
  it('shows the relations graph, the ingestion problems card, the Dependencies and Docs tabs on a discovered component', async () => {
    renderCatalogApp('/catalog/default/component/payments');

    expect(
      await screen.findByText('Relations', undefined, { timeout: 10_000 }),
    ).toBeInTheDocument();
    expect(await screen.findByText('Ingestion problems')).toBeInTheDocument();
    expect(
      await screen.findByText('No ingestion problems'),
    ).toBeInTheDocument();
    const tabs = within(
      screen.getByRole('navigation', { name: 'Content navigation' }),
    );
    expect(tabs.getByRole('link', { name: 'Dependencies' })).toHaveAttribute(
      'href',
      '/catalog/default/component/payments/dependencies',
    );
    expect(tabs.getByRole('link', { name: 'Docs' })).toHaveAttribute(
      'href',
      '/catalog/default/component/payments/docs',
    );

    // The plugins' pages are nav items.
    const nav = within(screen.getByRole('navigation', { name: 'sidebar nav' }));
    expect(
      nav.getByRole('link', { name: 'Catalog ingestion' }),
    ).toHaveAttribute('href', '/catalog-ingestion');
    expect(nav.getByRole('link', { name: 'Dependencies' })).toHaveAttribute(
      'href',
      '/dependencies',
    );
  }, 30_000);

  it('serves the catalog graph page', async () => {
    renderCatalogApp(
      '/catalog-graph?rootEntityRefs[]=component:default/payments',
    );
    expect(
      await screen.findByText('Max depth', undefined, { timeout: 10_000 }),
    ).toBeInTheDocument();
  }, 30_000);
});
