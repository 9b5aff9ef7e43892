import { screen, within } from '@testing-library/react';
import type { Entity } from '@backstage/catalog-model';
import { renderTestApp } from '@backstage/frontend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import dxPlugin, { dxApiRef, type DxApi } from '@internal/plugin-dx';
import inventoryPlugin from '@internal/plugin-inventory';

type Dora = Awaited<ReturnType<DxApi['getDora']>>;

const nothing = {
  deploymentFrequency: {
    deployments: 0,
    days: 30,
    perDay: 0,
    perWeek: 0,
    excluded: { failed: 0, notProduction: 0 },
    level: null,
  },
  leadTime: {
    changes: 0,
    medianMs: null,
    p90Ms: null,
    deploymentsWithoutChanges: 0,
    notDeployed: 0,
    withoutCommitTimes: 0,
    level: null,
  },
  changeFailureRate: {
    deployments: 0,
    failed: 0,
    rate: null,
    incidentsWithoutDeployment: 0,
    level: null,
  },
  recoveryTime: { incidents: 0, medianMs: null, stillOpen: 0, level: null },
  level: null,
  unlinked: { resolvedWithoutOpening: 0 },
};

const api: Partial<DxApi> = {
  getDora: async ({ entityRef }): Promise<Dora> => ({
    scope: entityRef ? { entityRef } : { organisation: true },
    from: '2026-11-01T00:00:00.000Z',
    to: '2026-12-01T00:00:00.000Z',
    ...nothing,
    perDay: [],
    previous: {
      from: '2026-10-02T00:00:00.000Z',
      to: '2026-11-01T00:00:00.000Z',
      ...nothing,
    },
  }),
  getDoraCsvUrl: async () => 'http://localhost:7007/api/dx/metrics/dora.csv',
  getUnmappedEvents: async () => [],
  getBackfill: async () => ({ sources: [], runs: [] }),
  getEntityScorecards: async () => [],
  listEvents: async () => [],
};

const checkout: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'checkout' },
  spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
};

describe('DX in the app', () => {
  it('has a DX metrics page in the sidebar, opening on Delivery (DORA)', async () => {
    renderTestApp({
      features: [dxPlugin],
      apis: [[dxApiRef, api]],
      initialRouteEntries: ['/dx'],
    });
    // The whole app renders first: allow a loaded CI machine its time.
    const nav = within(
      await screen.findByRole(
        'navigation',
        { name: 'sidebar nav' },
        { timeout: 15_000 },
      ),
    );
    expect(nav.getByRole('link', { name: 'DX metrics' })).toHaveAttribute(
      'href',
      '/dx',
    );
    expect(
      await screen.findByRole(
        'tab',
        { name: 'Delivery (DORA)' },
        { timeout: 15_000 },
      ),
    ).toHaveAttribute('aria-selected', 'true');
    expect(
      await screen.findByText('No deployments in this range'),
    ).toBeInTheDocument();
  });

  it('adds DX and Scorecard tabs to component pages, at the top level', async () => {
    renderTestApp({
      features: [catalogPlugin, dxPlugin, inventoryPlugin],
      apis: [catalogApiMock({ entities: [checkout] }), [dxApiRef, api]],
      initialRouteEntries: ['/catalog/default/component/checkout/dx'],
    });
    expect(
      await screen.findByRole(
        'heading',
        { name: /^Delivery \(DORA\) of checkout/ },
        { timeout: 10_000 },
      ),
    ).toBeInTheDocument();
    const tabs = within(
      screen.getByRole('navigation', { name: 'Content navigation' }),
    );
    // Each its own tab, none in a group's drop-down.
    for (const [name, path] of [
      ['DX', 'dx'],
      ['Scorecard', 'scorecard'],
      ['Dependencies', 'dependencies'],
    ]) {
      expect(tabs.getByRole('link', { name })).toHaveAttribute(
        'href',
        `/catalog/default/component/checkout/${path}`,
      );
    }
    expect(tabs.queryByRole('button', { name: /Development/ })).toBeNull();
  }, 30_000);

  it('adds the Scorecard card to the overview of components', async () => {
    renderTestApp({
      features: [catalogPlugin, dxPlugin],
      apis: [catalogApiMock({ entities: [checkout] }), [dxApiRef, api]],
      initialRouteEntries: ['/catalog/default/component/checkout'],
    });
    expect(
      await screen.findByText(
        'No scorecard results for this component yet.',
        undefined,
        { timeout: 10_000 },
      ),
    ).toBeInTheDocument();
    expect(screen.getByRole('link', { name: /Every check/ })).toHaveAttribute(
      'href',
      '/catalog/default/component/checkout/scorecard',
    );
  }, 30_000);
});
