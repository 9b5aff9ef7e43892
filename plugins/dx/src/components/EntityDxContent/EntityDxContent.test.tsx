import { screen, within } from '@testing-library/react';
import type { Entity } from '@backstage/catalog-model';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { dxApiRef, type DxApi } from '../../api';
import { fakeDxApi } from '../../__fixtures__/dx';
import { EntityDxContent } from './EntityDxContent';

const checkout: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'checkout' },
  spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
};

function renderTab(overrides: Partial<DxApi> = {}, query = '') {
  const api = fakeDxApi(overrides);
  renderInTestApp(
    <EntityProvider entity={checkout}>
      <EntityDxContent />
    </EntityProvider>,
    {
      apis: [[dxApiRef, api]],
      mountPath: '/catalog/default/component/checkout/dx',
      initialRouteEntries: [`/catalog/default/component/checkout/dx${query}`],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    },
  );
  return api;
}

describe('EntityDxContent', () => {
  it("shows the component's DORA, scorecard checks and recent events", async () => {
    const api = renderTab({}, '?days=180');
    const frequency = await screen.findByRole('group', {
      name: 'Deployment frequency',
    });
    expect(frequency).toHaveTextContent('9.8 / week');
    expect(frequency).toHaveTextContent('Previous 180 days: 7 / week');
    const [query] = api.getDora.mock.calls[0];
    expect(query.entityRef).toBe('component:default/checkout');
    expect(query.to.getTime() - query.from.getTime()).toBe(180 * 86_400_000);
    // The component by name, not as its raw ref.
    const heading = screen.getByRole('heading', {
      name: /^Delivery \(DORA\) of/,
    });
    expect(heading).toHaveTextContent('Delivery (DORA) of checkout');
    expect(heading).not.toHaveTextContent('component:default/');
    expect(
      screen.getByRole('link', { name: 'Download CSV' }),
    ).toBeInTheDocument();

    const checks = await screen.findByRole('table', {
      name: 'Checks of Production readiness',
    });
    const failing = within(checks).getByText('Has an SLO').closest('tr')!;
    expect(failing).toHaveTextContent('Fail');
    expect(failing).toHaveTextContent('no SLO is defined');
    expect(failing).toHaveTextContent(
      'Add an OpenSLO file slo.yaml next to catalog-info.yaml',
    );
    const passing = within(checks).getByText('Owner exists').closest('tr')!;
    expect(passing).toHaveTextContent('Pass');
    expect(
      within(checks).getByText('On the newest template version').closest('tr'),
    ).toHaveTextContent('N/A');
    expect(api.getEntityScorecards).toHaveBeenCalledWith(
      'component:default/checkout',
    );

    expect(
      await screen.findByRole('table', { name: 'Recent deployments' }),
    ).toHaveTextContent('Release <b>42</b>');
    expect(
      await screen.findByRole('table', { name: 'Recent incidents' }),
    ).toHaveTextContent('Checkout returns 500');
    expect(api.listEvents).toHaveBeenCalledWith(
      expect.objectContaining({
        entityRef: 'component:default/checkout',
        kind: 'incident',
        limit: 20,
      }),
    );
    // The example is for this component
    expect(screen.getByTestId('generic-event-example')).toHaveTextContent(
      '"entityRef": "component:default/checkout"',
    );
  });

  it('shows the DORA error and still the scorecards and events', async () => {
    renderTab({
      getDora: jest.fn(async () => {
        throw Object.assign(
          new Error('Request failed with 503 Service Unavailable'),
          {
            name: 'ResponseError',
            cause: {
              name: 'ServiceUnavailableError',
              message: 'the DX database is not reachable',
            },
          },
        );
      }),
    });
    // The server's reason in words, no status line, no stack trace.
    expect(
      await screen.findByText(
        /Delivery \(DORA\) could not be loaded: the DX database is not reachable/,
      ),
    ).toBeInTheDocument();
    expect(screen.queryByText(/Request failed with 503/)).toBeNull();
    expect(screen.queryByText(/Stack Trace/i)).toBeNull();
    expect(
      await screen.findByRole('table', {
        name: 'Checks of Production readiness',
      }),
    ).toBeInTheDocument();
    expect(
      await screen.findByRole('table', { name: 'Recent incidents' }),
    ).toBeInTheDocument();
  });
});
