import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import type { SloDetail } from '@internal/plugin-slo-common';
import { sloApiRef, type SloApi } from '../../api';
import {
  checkoutDetail,
  ordersFreshness,
  searchLatency,
} from '../../__fixtures__/slo';
import { SloDetailView } from './SloDetailView';

function renderDetail(
  detail: SloDetail,
  overrides: Partial<SloApi> = {},
  onDeleted?: () => void,
) {
  const api = {
    getSlo: jest.fn(async () => detail),
    deleteSlo: jest.fn(async () => undefined),
    ...overrides,
  };
  renderInTestApp(<SloDetailView id={detail.id} onDeleted={onDeleted} />, {
    apis: [[sloApiRef, api]],
    mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
  });
  return api;
}

const figure = (testId: string) => screen.getByTestId(testId).textContent;

describe('SloDetailView', () => {
  it('shows the figures and the error budget of the SLO', async () => {
    const api = renderDetail(checkoutDetail);
    expect(
      await screen.findByText('Checkout availability'),
    ).toBeInTheDocument();
    expect(api.getSlo).toHaveBeenCalledWith(checkoutDetail.id, {});
    expect(screen.getByText('Checkout requests succeed')).toBeInTheDocument();
    expect(screen.getByText('Breaching')).toBeInTheDocument();

    expect(figure('slo-sli')).toBe('99%');
    expect(screen.getByText('99,000 good of 100,000')).toBeInTheDocument();
    expect(figure('slo-target')).toBe('99.5%');
    expect(screen.getByText('28 days, rolling')).toBeInTheDocument();
    expect(screen.getByText('Occurrences (events)')).toBeInTheDocument();
    expect(figure('slo-budget-total')).toBe('500');
    expect(figure('slo-budget-consumed')).toBe('1,000');
    expect(
      screen.getByText('bad events, 200% of the budget'),
    ).toBeInTheDocument();
    expect(screen.getByText('100% overspent')).toBeInTheDocument();
    expect(
      screen.getByText('From slo.yaml, measured by Prometheus'),
    ).toBeInTheDocument();

    // Where it belongs
    expect(screen.getByRole('link', { name: /checkout/ })).toHaveAttribute(
      'href',
      '/catalog/default/component/checkout',
    );
    expect(screen.getByRole('link', { name: /team-a/ })).toHaveAttribute(
      'href',
      '/catalog/default/group/team-a',
    );
    expect(screen.getByRole('link', { name: /shop/ })).toHaveAttribute(
      'href',
      '/catalog/default/system/shop',
    );
    // Only SLOs made in the UI can be deleted
    expect(screen.queryByRole('button', { name: 'Delete' })).toBeNull();
  });

  it('draws the SLI with its target and the budget burn-down', async () => {
    renderDetail(checkoutDetail);
    const sli = await screen.findByRole('figure', { name: 'SLI over time' });
    expect(sli).toHaveTextContent('Target 99.5%');
    // One line, broken where a step had no events
    expect(sli.querySelectorAll('.recharts-line-curve').length).toBe(1);
    expect(
      sli.querySelector('.recharts-line-curve')!.getAttribute('d'),
    ).toMatch(/M.*M/);
    const budget = screen.getByRole('figure', {
      name: 'Error budget remaining over time',
    });
    expect(budget).toHaveTextContent('Budget spent');
    expect(budget.querySelector('.recharts-area')).not.toBeNull();
  });

  it('shows the burn rates, the firing rule, the alert history and the problems', async () => {
    renderDetail(checkoutDetail);
    const burnRates = await screen.findByRole('table', { name: 'Burn rates' });
    const hour = within(burnRates).getByText('1 h').closest('tr')!;
    expect(hour).toHaveTextContent('16.5×');
    expect(hour).toHaveTextContent('1,835 / 2,000');
    expect(hour).toHaveTextContent('fast-burn (firing)');
    const threeDays = within(burnRates).getByText('3 d').closest('tr')!;
    expect(threeDays).toHaveTextContent('1.9×');
    expect(threeDays).not.toHaveTextContent('firing');

    const rules = screen.getByRole('table', { name: 'Alert rules' });
    const fast = within(rules).getByText('fast-burn').closest('tr')!;
    expect(fast).toHaveTextContent('burn rate ≥ 14.4× over 1 h and 5 min');
    expect(fast).toHaveTextContent('Firing');
    const medium = within(rules).getByText('medium-burn').closest('tr')!;
    expect(medium).toHaveTextContent('Not firing');
    expect(medium).toHaveTextContent('2.1×');

    const history = screen.getByRole('table', { name: 'Alert history' });
    const rows = within(history).getAllByRole('row');
    expect(rows[1]).toHaveTextContent('fast-burn');
    expect(rows[1]).toHaveTextContent('Fired');
    expect(rows[2]).toHaveTextContent('slow-burn');
    expect(rows[2]).toHaveTextContent('Resolved');

    expect(screen.getByText('Problems (1)')).toBeInTheDocument();
    const problems = screen.getByRole('table', { name: 'Problems' });
    expect(problems).toHaveTextContent('Unsupported');
    expect(problems).toHaveTextContent(
      'checkout-availability.spec.alertPolicies[0].spec.notificationTargets',
    );
    expect(problems).toHaveTextContent(
      'alerts go to the owning group through Backstage notifications',
    );
  });

  it('shows why the latest evaluation failed', async () => {
    renderDetail({
      ...checkoutDetail,
      error: 'Prometheus answered 400: parse error at char 5',
    });
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Error: The latest evaluation failed',
    );
    expect(screen.getByRole('alert')).toHaveTextContent(
      'Prometheus answered 400: parse error at char 5',
    );
    // The measurements are still shown
    expect(screen.getByText('SLI over time')).toBeInTheDocument();
  });

  it('shows the errors of an invalid SLO, which is not evaluated', async () => {
    // What the backend sends for an SLO whose file has errors: the summary
    // and empty lists, without spec, from and to.
    const invalid = {
      ...ordersFreshness,
      target: 0,
      window: { duration: '', rolling: true },
      error:
        'orders-freshness.spec.objectives[0].target: must be below 1 (a share, e.g. 0.995)',
      burnRates: [],
      alerts: [],
      series: [],
      alertHistory: [],
    } as unknown as SloDetail;
    renderDetail(invalid);
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Error: The SLO is not valid, so it is not evaluated',
    );
    expect(screen.getByRole('alert')).toHaveTextContent(
      'orders-freshness.spec.objectives[0].target: must be below 1',
    );
    expect(screen.getAllByText('Error')).toHaveLength(2); // state, problem
    expect(figure('slo-sli')).toBe('—');
    expect(figure('slo-target')).toBe('—');
    const problems = screen.getByRole('table', { name: 'Problems' });
    expect(within(problems).getByText('Error')).toBeInTheDocument();
    expect(problems).toHaveTextContent(
      'orders-freshness.spec.objectives[0].target',
    );
    expect(screen.queryByText('SLI over time')).toBeNull();
    expect(screen.queryByText('Burn rates')).toBeNull();
    expect(screen.queryByLabelText('Range')).toBeNull();
  });

  it('says when a range has no events', async () => {
    renderDetail({ ...checkoutDetail, series: [], alertHistory: [] });
    expect(
      await screen.findByText('No events in this range.'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'No events in this range, so nothing was spent of the error budget.',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText('No alert fired in this range.'),
    ).toBeInTheDocument();
  });

  it('draws no budget chart for steps without events, only the words', async () => {
    const empty = checkoutDetail.series.map(p => ({
      ...p,
      sli: null,
      budgetRemaining: 1,
    }));
    renderDetail({ ...checkoutDetail, series: empty });
    expect(
      await screen.findByText(
        'No events in this range, so nothing was spent of the error budget.',
      ),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('figure', {
        name: 'Error budget remaining over time',
      }),
    ).toBeNull();
    expect(screen.queryByText('Budget spent')).toBeNull();
  });

  it('loads another range', async () => {
    const getSlo = jest.fn(
      async (_id: string, _range?: { from?: Date; to?: Date }) =>
        checkoutDetail,
    );
    renderDetail(checkoutDetail, { getSlo });
    await userEvent.selectOptions(
      await screen.findByLabelText('Range'),
      'Last 24 hours',
    );
    await waitFor(() => expect(getSlo).toHaveBeenCalledTimes(2));
    const [id, range] = getSlo.mock.calls[1];
    expect(id).toBe(checkoutDetail.id);
    expect(range!.to!.getTime() - range!.from!.getTime()).toBe(24 * 3_600_000);
  });

  it('deletes an SLO made in the UI', async () => {
    const onDeleted = jest.fn();
    const api = renderDetail(
      { ...checkoutDetail, ...searchLatency },
      {},
      onDeleted,
    );
    await userEvent.click(
      await screen.findByRole('button', { name: 'Delete' }),
    );
    const dialog = screen.getByRole('dialog');
    expect(dialog).toHaveTextContent('Delete the SLO Search latency?');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Delete' }),
    );
    await waitFor(() => expect(onDeleted).toHaveBeenCalled());
    expect(api.deleteSlo).toHaveBeenCalledWith(searchLatency.id);
  });

  it('shows an error when the SLO does not load', async () => {
    renderDetail(checkoutDetail, {
      getSlo: jest.fn(async () => {
        throw new Error('no SLO component:default/checkout/x');
      }),
    });
    expect(
      (await screen.findAllByText(/no SLO component:default\/checkout\/x/))
        .length,
    ).toBeGreaterThan(0);
    expect(screen.queryByText('Checkout availability')).toBeNull();
  });
});
