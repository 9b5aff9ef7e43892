import { screen, within } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { sloApiRef, type SloApi } from '../../api';
import { rootRouteRef } from '../../routes';
import { checkoutDetail, platformHealth } from '../../__fixtures__/slo';
import { PlatformHealthTab } from './PlatformHealthTab';

function renderTab(overrides: Partial<SloApi> = {}) {
  const api = {
    getPlatformHealth: jest.fn(async () => platformHealth),
    getSlo: jest.fn(async (id: string) => ({ ...checkoutDetail, id })),
    ...overrides,
  };
  renderInTestApp(<PlatformHealthTab />, {
    apis: [[sloApiRef, api]],
    mountedRoutes: { '/slo': rootRouteRef },
  });
  return api;
}

const cardOf = (title: string) =>
  screen.getByText(title).closest('.MuiCard-root') as HTMLElement;

describe('PlatformHealthTab', () => {
  it("shows the platform's SLOs with state, SLI against target, budget and burn rate", async () => {
    const api = renderTab();
    expect(await screen.findByText('Portal availability')).toBeInTheDocument();

    const availability = cardOf('Portal availability');
    expect(within(availability).getByText('OK')).toBeInTheDocument();
    expect(
      within(availability).getByTestId('platform-sli-portal-availability'),
    ).toHaveTextContent('99.95%');
    expect(availability).toHaveTextContent('Target99.9%');
    expect(availability).toHaveTextContent('50% left');
    expect(
      await within(availability).findByText(
        'Burn rate: 5 min 20× · 30 min 3.2× · 1 h 16.5× · 6 h 2.1× · 3 d 1.9×',
      ),
    ).toBeInTheDocument();
    // Burn rates come with the summary: no call per card.
    expect(api.getSlo).not.toHaveBeenCalled();
    expect(screen.getByTestId('evaluation-cycle')).toHaveTextContent(
      /^Latest evaluation: 42 SLOs in 1\.3 s, 1 with errors, /,
    );
    expect(
      within(availability).getByRole('link', { name: /Details/ }),
    ).toHaveAttribute(
      'href',
      '/slo?tab=platform&slo=platform%2Fportal-availability',
    );

    const provisioningSlo = cardOf('Provisioning success rate');
    expect(within(provisioningSlo).getByText('Warning')).toBeInTheDocument();
    expect(provisioningSlo).toHaveTextContent('20% left');
    expect(provisioningSlo).toHaveTextContent('1 alert firing');
  });

  it('shows the provisioning success rate, p50 and p95, and the probes', async () => {
    renderTab();
    expect(
      await screen.findByTestId('provisioning-success-rate'),
    ).toHaveTextContent('96%');
    expect(screen.getByText('48 completed, 2 failed')).toBeInTheDocument();
    expect(screen.getByTestId('provisioning-p50')).toHaveTextContent(
      '1 min 35 s',
    );
    expect(screen.getByTestId('provisioning-p95')).toHaveTextContent(
      '10 min 10 s',
    );

    const probes = screen.getByRole('table', { name: 'Probes' });
    const catalog = within(probes).getByText('catalog').closest('tr')!;
    expect(catalog).toHaveTextContent('99.97% (2879 of 2880)');
    expect(catalog).toHaveTextContent('OK');
    expect(catalog).toHaveTextContent('120 ms');
    const scaffolder = within(probes).getByText('scaffolder').closest('tr')!;
    expect(scaffolder).toHaveTextContent('93.75% (2700 of 2880)');
    expect(scaffolder).toHaveTextContent('Failed');
    expect(scaffolder).toHaveTextContent('connect ECONNREFUSED 127.0.0.1:7007');
    expect(scaffolder).toHaveTextContent('—');
  });

  it('says when there are no platform SLOs', async () => {
    renderTab({
      getPlatformHealth: jest.fn(async () => ({
        ...platformHealth,
        slos: [],
        probes: [],
      })),
    });
    expect(await screen.findByText('No platform SLOs')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'All SLOs' })).toHaveAttribute(
      'href',
      '/slo?tab=slos',
    );
    expect(screen.getByText('No probe has run yet.')).toBeInTheDocument();
  });
});
