import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { coreApis } from '@backstage/frontend-plugin-api';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { sloApiRef, type SloApi } from '../../api';
import { rootRouteRef } from '../../routes';
import { allSlos } from '../../__fixtures__/slo';
import { SloOverviewTab } from './SloOverviewTab';

function renderTab(
  listSlos: SloApi['listSlos'] = async () =>
    allSlos.map(s => ({ ...s, problems: [...s.problems] })),
  url = '/slo?tab=slos',
) {
  const api = { listSlos: jest.fn(listSlos) };
  const result = renderInTestApp(<SloOverviewTab />, {
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

const rowOf = (name: string) =>
  screen.getByRole('link', { name }).closest('tr')!;

const sloNames = () =>
  screen
    .queryAllByRole('link')
    .filter(l => l.getAttribute('href')?.startsWith('/slo?'))
    .map(l => l.textContent);

describe('SloOverviewTab', () => {
  it('lists every SLO, worst first, with its figures and links', async () => {
    const { api } = renderTab();
    expect(await screen.findByText('All SLOs')).toBeInTheDocument();
    expect(api.listSlos).toHaveBeenCalledWith();
    expect(screen.getByText('3 of 3 SLOs, worst first')).toBeInTheDocument();
    expect(sloNames()).toEqual([
      'Checkout availability',
      'orders-freshness',
      'Search latency',
    ]);

    const checkout = rowOf('Checkout availability');
    expect(
      within(checkout).getByRole('link', { name: 'Checkout availability' }),
    ).toHaveAttribute(
      'href',
      '/slo?tab=slos&slo=component%3Adefault%2Fcheckout%2Fcheckout-availability',
    );
    expect(within(checkout).getByText('Breaching')).toBeInTheDocument();
    expect(checkout).toHaveTextContent('99%'); // SLI
    expect(checkout).toHaveTextContent('99.5%'); // target
    expect(checkout).toHaveTextContent('100% overspent');
    expect(checkout).toHaveTextContent('28 days, rolling');
    expect(
      within(checkout).getByRole('link', { name: /team-a/ }),
    ).toHaveAttribute('href', '/catalog/default/group/team-a');
    expect(
      within(checkout).getByRole('link', { name: /shop/ }),
    ).toHaveAttribute('href', '/catalog/default/system/shop');
    expect(
      within(checkout).getByRole('link', { name: /checkout$/ }),
    ).toHaveAttribute('href', '/catalog/default/component/checkout');
    const cells = within(checkout).getAllByRole('cell');
    expect(cells[cells.length - 2]).toHaveTextContent('1'); // firing alerts
    expect(cells[cells.length - 1]).toHaveTextContent('1'); // problems

    const search = rowOf('Search latency');
    expect(search).toHaveTextContent('OK');
    expect(search).toHaveTextContent('99.75%');
    expect(search).toHaveTextContent('75.2% left');
    expect(search).toHaveTextContent('1 week, rolling');

    const orders = rowOf('orders-freshness');
    expect(orders).toHaveTextContent('Error');
    expect(orders).toHaveTextContent('1 month, calendar');
  });

  it('filters by owner, system and state, in the URL', async () => {
    const { apis } = renderTab();
    await screen.findByText('All SLOs');
    const history = apis.get(coreApis.appHistory)!;

    await userEvent.selectOptions(screen.getByLabelText('Owner'), 'team-a');
    expect(sloNames()).toEqual(['Checkout availability', 'orders-freshness']);
    expect(screen.getByText('2 of 3 SLOs, worst first')).toBeInTheDocument();
    expect(history.getSnapshot().location.search).toBe(
      '?tab=slos&owner=group%3Adefault%2Fteam-a',
    );

    await userEvent.selectOptions(screen.getByLabelText('State'), 'Error');
    expect(sloNames()).toEqual(['orders-freshness']);

    await userEvent.selectOptions(screen.getByLabelText('State'), 'OK');
    expect(sloNames()).toEqual([]);
    expect(screen.getByText('No SLO matches the filters.')).toBeInTheDocument();

    await userEvent.selectOptions(screen.getByLabelText('Owner'), 'All');
    await userEvent.selectOptions(screen.getByLabelText('State'), 'All');
    await userEvent.selectOptions(screen.getByLabelText('System'), 'discovery');
    expect(sloNames()).toEqual(['Search latency']);
    expect(history.getSnapshot().location.search).toBe(
      '?tab=slos&system=system%3Adefault%2Fdiscovery',
    );

    act(() => history.navigate('/slo?tab=slos&state=breaching'));
    expect(await screen.findByLabelText('State')).toHaveValue('breaching');
    expect(sloNames()).toEqual(['Checkout availability']);
  });

  it('explains how to add an SLO when there is none', async () => {
    renderTab(async () => []);
    expect(await screen.findByText('No SLOs yet')).toBeInTheDocument();
    expect(document.body).toHaveTextContent(
      'Put an OpenSLO v1 file named slo.yaml',
    );
    expect(document.body).toHaveTextContent('portal.dev/openslo');
    await waitFor(() =>
      expect(document.body).toHaveTextContent('apiVersion: openslo/v1'),
    );
  });

  it('shows why the SLOs did not load', async () => {
    renderTab(async () => {
      throw Object.assign(
        new Error('Request failed with 503 Service Unavailable'),
        {
          name: 'ResponseError',
          cause: { name: 'Error', message: 'the SLO backend is down' },
        },
      );
    });
    // The server's reason in the title, no status line, no stack trace.
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent(
      'The SLOs could not be loaded: the SLO backend is down',
    );
    expect(alert).not.toHaveTextContent('Request failed');
    expect(screen.queryByText(/Stack Trace/i)).toBeNull();
  });
});
