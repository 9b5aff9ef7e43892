import { screen, within } from '@testing-library/react';
import type { Entity } from '@backstage/catalog-model';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { dxApiRef, type DxApi } from '../../api';
import { checkoutScorecard, fakeDxApi } from '../../__fixtures__/dx';
import { EntityScorecardCard } from './EntityScorecardCard';

const checkout: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'checkout' },
  spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
};

function renderCard(overrides: Partial<DxApi> = {}) {
  const api = fakeDxApi(overrides);
  renderInTestApp(
    <EntityProvider entity={checkout}>
      <EntityScorecardCard />
    </EntityProvider>,
    {
      apis: [[dxApiRef, api]],
      mountPath: '/catalog/default/component/checkout',
      initialRouteEntries: ['/catalog/default/component/checkout'],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    },
  );
  return api;
}

describe('EntityScorecardCard', () => {
  it('shows each scorecard with its level, score and failing checks with their fixes', async () => {
    const api = renderCard();
    const card = await screen.findByRole('region', {
      name: 'Production readiness',
    });
    expect(api.getEntityScorecards).toHaveBeenCalledWith(
      'component:default/checkout',
    );
    expect(within(card).getByText('Bronze')).toBeInTheDocument();
    expect(card).toHaveTextContent('score 50%');
    const failing = within(card).getByText('Has an SLO').closest('li')!;
    expect(failing).toHaveTextContent(
      'Has an SLO: no SLO is defined Fix: Add an OpenSLO file slo.yaml next to catalog-info.yaml',
    );
    // Passing and n/a checks are not listed
    expect(within(card).queryByText('Owner exists')).toBeNull();
    expect(
      within(card).queryByText('On the newest template version'),
    ).toBeNull();
    expect(screen.getByRole('link', { name: /Every check/ })).toHaveAttribute(
      'href',
      '/catalog/default/component/checkout/scorecard',
    );
  });

  it('says when every check passes, and when there is no result', async () => {
    renderCard({
      getEntityScorecards: jest.fn(async () => [
        {
          ...checkoutScorecard,
          level: 'gold',
          score: 1,
          checks: checkoutScorecard.checks.map(c => ({
            ...c,
            status: 'pass' as const,
          })),
        },
      ]),
    });
    expect(await screen.findByText('Every check passes.')).toBeInTheDocument();
    expect(screen.getByText('Gold')).toBeInTheDocument();
  });

  it('says when the component has no scorecard result', async () => {
    renderCard({ getEntityScorecards: jest.fn(async () => []) });
    expect(
      await screen.findByText('No scorecard results for this component yet.'),
    ).toBeInTheDocument();
  });
});
