import { screen, within } from '@testing-library/react';
import type { Entity } from '@backstage/catalog-model';
import { renderTestApp } from '@backstage/frontend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import sloPlugin, { sloApiRef, type SloApi } from '@internal/plugin-slo';

const api: Partial<SloApi> = {
  listSlos: async () => [],
  getPlatformHealth: async () => ({
    slos: [],
    provisioning: {
      from: '2026-11-01T00:00:00.000Z',
      to: '2026-11-29T00:00:00.000Z',
      completed: 0,
      failed: 0,
      successRate: null,
      p50Seconds: null,
      p95Seconds: null,
    },
    probes: [],
  }),
};

const checkout: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'checkout' },
  spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
};

describe('SLOs in the app', () => {
  it('has an SLOs page in the sidebar, opening on Platform health', async () => {
    renderTestApp({
      features: [sloPlugin],
      apis: [[sloApiRef, api]],
      initialRouteEntries: ['/slo'],
    });
    const nav = within(
      await screen.findByRole('navigation', { name: 'sidebar nav' }),
    );
    expect(nav.getByRole('link', { name: 'SLOs' })).toHaveAttribute(
      'href',
      '/slo',
    );
    expect(
      await screen.findByRole('tab', { name: 'Platform health' }),
    ).toHaveAttribute('aria-selected', 'true');
    expect(await screen.findByText('No platform SLOs')).toBeInTheDocument();
  });

  it('adds an SLOs tab to component pages', async () => {
    renderTestApp({
      features: [catalogPlugin, sloPlugin],
      apis: [catalogApiMock({ entities: [checkout] }), [sloApiRef, api]],
      initialRouteEntries: ['/catalog/default/component/checkout/slo'],
    });
    expect(
      await screen.findByText('checkout has no SLOs', undefined, {
        timeout: 10_000,
      }),
    ).toBeInTheDocument();
    const tabs = within(
      screen.getByRole('navigation', { name: 'Content navigation' }),
    );
    expect(tabs.getByRole('link', { name: 'SLOs' })).toHaveAttribute(
      'href',
      '/catalog/default/component/checkout/slo',
    );
  }, 30_000);
});
