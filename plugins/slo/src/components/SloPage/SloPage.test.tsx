import { act, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { coreApis } from '@backstage/frontend-plugin-api';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { sloApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import {
  allSlos,
  checkoutDetail,
  platformHealth,
} from '../../__fixtures__/slo';
import { SloPage } from './SloPage';

function renderPage(url = '/slo') {
  const api = {
    listSlos: jest.fn(async () => allSlos),
    getSlo: jest.fn(async (id: string) => ({ ...checkoutDetail, id })),
    getPlatformHealth: jest.fn(async () => platformHealth),
  };
  const result = renderInTestApp(<SloPage />, {
    apis: [[sloApiRef, api]],
    mountPath: '/slo',
    initialRouteEntries: [url],
    mountedRoutes: {
      '/catalog/:namespace/:kind/:name': entityRouteRef,
      '/slo': rootRouteRef,
    },
  });
  return { api, ...result };
}

describe('SloPage', () => {
  it('opens on Platform health and keeps the tab and the open SLO in the URL', async () => {
    const { apis, api } = renderPage();
    expect(await screen.findByText('Portal availability')).toBeInTheDocument();
    expect(
      screen.getByRole('tab', { name: 'Platform health' }),
    ).toHaveAttribute('aria-selected', 'true');
    const history = apis.get(coreApis.appHistory)!;

    await userEvent.click(screen.getByRole('tab', { name: 'All SLOs' }));
    expect(
      await screen.findByText('3 of 3 SLOs, worst first'),
    ).toBeInTheDocument();
    expect(history.getSnapshot().location.search).toBe('?tab=slos');

    await userEvent.click(
      screen.getByRole('link', { name: 'Checkout availability' }),
    );
    expect(await screen.findByText('Alert history')).toBeInTheDocument();
    expect(api.getSlo).toHaveBeenCalledWith(checkoutDetail.id, {});
    expect(history.getSnapshot().location.search).toBe(
      '?tab=slos&slo=component%3Adefault%2Fcheckout%2Fcheckout-availability',
    );

    await userEvent.click(
      screen.getByRole('link', { name: '← Back to All SLOs' }),
    );
    expect(
      await screen.findByText('3 of 3 SLOs, worst first'),
    ).toBeInTheDocument();

    act(() => history.navigate('/slo?tab=platform'));
    expect(await screen.findByText('Probes')).toBeInTheDocument();
  });

  it('opens an SLO from a link', async () => {
    const { api } = renderPage(
      '/slo?tab=platform&slo=platform%2Fportal-availability',
    );
    expect(
      await screen.findByText('Error budget burn-down'),
    ).toBeInTheDocument();
    expect(api.getSlo).toHaveBeenCalledWith('platform/portal-availability', {});
    expect(
      screen.getByRole('link', { name: '← Back to Platform health' }),
    ).toHaveAttribute('href', '/slo?tab=platform');
  });
});
