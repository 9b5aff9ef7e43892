import { screen, within } from '@testing-library/react';
import type { Entity } from '@backstage/catalog-model';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { dxApiRef } from '../../api';
import { fakeDxApi } from '../../__fixtures__/dx';
import { EntityScorecardContent } from './EntityScorecardContent';

const checkout: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'checkout' },
  spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
};

function renderTab(api = fakeDxApi()) {
  renderInTestApp(
    <EntityProvider entity={checkout}>
      <EntityScorecardContent />
    </EntityProvider>,
    {
      apis: [[dxApiRef, api]],
      mountPath: '/catalog/default/component/checkout/scorecard',
      initialRouteEntries: ['/catalog/default/component/checkout/scorecard'],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    },
  );
  return api;
}

describe('EntityScorecardContent', () => {
  it('shows every check of the entity with its result and fix', async () => {
    const api = renderTab();
    const checks = await screen.findByRole('table', {
      name: 'Checks of Production readiness',
    });
    const failing = within(checks).getByText('Has an SLO').closest('tr')!;
    expect(failing).toHaveTextContent('Fail');
    expect(failing).toHaveTextContent(
      'Add an OpenSLO file slo.yaml next to catalog-info.yaml',
    );
    expect(
      within(checks).getByText('Owner exists').closest('tr'),
    ).toHaveTextContent('Pass');
    expect(api.getEntityScorecards).toHaveBeenCalledWith(
      'component:default/checkout',
    );
  });

  it('says when there are no results yet', async () => {
    renderTab(fakeDxApi({ getEntityScorecards: jest.fn(async () => []) }));
    expect(
      await screen.findByText(/No scorecard results for this component yet/),
    ).toBeInTheDocument();
  });
});
