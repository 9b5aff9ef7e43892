import { act, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { coreApis } from '@backstage/frontend-plugin-api';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { goldenPathsApiRef, type GoldenPathsApi } from '../../api';
import { rootRouteRef } from '../../routes';
import {
  failedRun,
  metrics,
  myApprovedGate,
  templateVersions,
  upgradeMetrics,
} from '../../__fixtures__/goldenPaths';
import { GoldenPathsPage } from './GoldenPathsPage';

function mockApi(): Partial<GoldenPathsApi> {
  return {
    listGates: jest.fn(async () => ({
      items: [myApprovedGate],
      canReview: false,
    })),
    getGateMetrics: jest.fn(async () => metrics),
    listRuns: jest.fn(async () => [failedRun]),
    getTemplateVersions: jest.fn(async () => templateVersions),
    listUpgrades: jest.fn(async () => []),
    upgradeMetrics: jest.fn(async () => upgradeMetrics),
  };
}

function renderPage(url = '/golden-paths') {
  const api = mockApi();
  const result = renderInTestApp(<GoldenPathsPage />, {
    apis: [[goldenPathsApiRef, api]],
    mountPath: '/golden-paths',
    initialRouteEntries: [url],
    mountedRoutes: {
      '/catalog/:namespace/:kind/:name': entityRouteRef,
      '/golden-paths': rootRouteRef,
    },
  });
  return { api, ...result };
}

describe('GoldenPathsPage', () => {
  it('opens on Golden gates and keeps the chosen tab in the URL', async () => {
    const { apis } = renderPage();
    expect(await screen.findByText('My requests')).toBeInTheDocument();
    expect(screen.getByRole('tab', { name: 'Golden gates' })).toHaveAttribute(
      'aria-selected',
      'true',
    );

    await userEvent.click(screen.getByRole('tab', { name: 'My runs' }));
    expect(
      await screen.findByText('My runs', { selector: 'h2' }),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/the repository orders-api already exists/),
    ).toBeInTheDocument();
    const history = apis.get(coreApis.appHistory)!;
    expect(history.getSnapshot().location.search).toBe('?tab=runs');

    await userEvent.click(
      screen.getByRole('tab', { name: 'Template versions' }),
    );
    expect(
      await screen.findByText('TypeScript HTTP service'),
    ).toBeInTheDocument();
    expect(history.getSnapshot().location.search).toBe('?tab=templates');

    act(() => history.navigate('/golden-paths?tab=gates'));
    expect(await screen.findByText('My requests')).toBeInTheDocument();
  });

  it('opens the tab of a link', async () => {
    renderPage('/golden-paths?tab=templates');
    expect(
      await screen.findByText('TypeScript HTTP service'),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('tab', { name: 'Template versions' }),
    ).toHaveAttribute('aria-selected', 'true');
    expect(
      await screen.findByText('Upgrade adoption, last 90 days'),
    ).toBeInTheDocument();
  });
});
