import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import type { Entity } from '@backstage/catalog-model';
import { Route, Routes, useLocation } from 'react-router-dom';
import { GraphStart, graphUrl } from './GraphStart';

const entity = (kind: string, name: string, title?: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind,
  metadata: { name, title },
  spec: {},
});

function GraphPage() {
  const location = useLocation();
  return <div data-testid="graph-page">{location.search}</div>;
}

describe('GraphStart', () => {
  it('lists systems and teams by name and opens the graph on the chosen one', async () => {
    await renderInTestApp(
      <Routes>
        <Route path="/" element={<GraphStart />} />
        <Route path="/catalog-graph" element={<GraphPage />} />
      </Routes>,
      {
        apis: [
          catalogApiMock({
            entities: [
              entity('System', 'payments', 'Payments'),
              entity('Group', 'platform-team', 'Platform Team'),
              entity('Component', 'ledger'),
            ],
          }),
        ],
      },
    );
    await userEvent.click(
      await screen.findByRole('button', { name: /Show the graph of/ }),
    );
    const options = within(screen.getByRole('listbox')).getAllByRole('option');
    expect(options.map(o => o.textContent)).toEqual([
      'Payments (system)',
      'Platform Team (group)',
    ]);
    await userEvent.click(options[0]);
    expect(await screen.findByTestId('graph-page')).toHaveTextContent(
      new URL(graphUrl('system:default/payments'), 'http://x').search,
    );
  });

  it('builds the query the stock graph page reads', () => {
    const url = new URL(graphUrl('group:default/platform-team'), 'http://x');
    expect(url.pathname).toBe('/catalog-graph');
    expect(url.searchParams.getAll('rootEntityRefs[]')).toEqual([
      'group:default/platform-team',
    ]);
    expect(url.searchParams.get('maxDepth')).toBe('2');
  });

  it('says where to start when the catalog has no system or team', async () => {
    await renderInTestApp(<GraphStart />, {
      apis: [catalogApiMock({ entities: [entity('Component', 'ledger')] })],
    });
    expect(
      await screen.findByText(/No systems or teams in the catalog yet/),
    ).toBeInTheDocument();
  });
});
