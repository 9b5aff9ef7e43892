import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { goldenPathsApiRef, type GoldenPathsApi } from '../../api';
import {
  approvedAudit,
  metrics,
  myApprovedGate,
  myPendingGate,
  myRejectedGate,
  pendingGate,
} from '../../__fixtures__/goldenPaths';
import { formatTimestamp } from '../shared/format';
import { GatesTab } from './GatesTab';

function forbidden() {
  return Object.assign(new Error('Request failed with 403 Forbidden'), {
    name: 'ResponseError',
    statusCode: 403,
    cause: {
      name: 'NotAllowedError',
      message: 'only reviewers of golden gates see every request',
    },
  });
}

function mockApi(overrides: Partial<GoldenPathsApi> = {}) {
  return {
    listGates: jest.fn(async (options?: { mine?: boolean }) =>
      options?.mine
        ? {
            items: [myPendingGate, myApprovedGate, myRejectedGate],
            canReview: true,
          }
        : { items: [pendingGate], canReview: true },
    ),
    getGateAudit: jest.fn(async () => approvedAudit),
    getGateMetrics: jest.fn(async () => metrics),
    approveGate: jest.fn(async () => ({
      gate: { ...pendingGate, status: 'approved' as const },
    })),
    rejectGate: jest.fn(async () => ({
      ...pendingGate,
      status: 'rejected' as const,
    })),
    ...overrides,
  };
}

function renderTab(
  api: ReturnType<typeof mockApi>,
  toastApi = mockApis.toast(),
) {
  return renderInTestApp(<GatesTab />, {
    apis: [[goldenPathsApiRef, api], toastApi],
    mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
  });
}

function paperOf(title: string) {
  return screen
    .getByText(title)
    .closest('div[class*="MuiPaper"]') as HTMLElement;
}

async function openReview() {
  await userEvent.click(
    await screen.findByRole('button', {
      name: 'Review the request of bob for postgres-database',
    }),
  );
  return screen.findByRole('dialog');
}

describe('GatesTab', () => {
  it('shows the review queue, my requests in words and the gate metrics', async () => {
    const api = mockApi();
    renderTab(api);

    // Review queue
    expect(await screen.findByText('Review queue')).toBeInTheDocument();
    const queue = paperOf('Review queue');
    // The template by its name (its title once the catalog has it), a link
    // to it, never the raw `kind:namespace/name` ref.
    const template = within(queue).getByRole('link', {
      name: /postgres-database/,
    });
    expect(template).toHaveAttribute(
      'href',
      '/catalog/default/template/postgres-database',
    );
    const row = template.closest('tr')!;
    expect(row).not.toHaveTextContent('template:default/');
    expect(row).not.toHaveTextContent('user:default/');
    expect(within(row).getByRole('link', { name: /bob/ })).toHaveAttribute(
      'href',
      '/catalog/default/user/bob',
    );
    // each reason on its own line
    expect(
      within(row).getByText(
        'Databases above 100 GB need a capacity review (storageGb 250 is above the maximum of 100)',
      ).tagName,
    ).toBe('DIV');
    expect(
      within(row).getByText(
        'Highly available databases double the cost (highAvailability true is not allowed)',
      ),
    ).toBeInTheDocument();
    // Parameters compact: the deviating ones highlighted, the rest counted.
    expect(
      [...row.querySelectorAll('[data-deviates]')].map(e => e.textContent),
    ).toEqual(['storageGb: 250', 'highAvailability: true']);
    expect(row).toHaveTextContent('name: orders-db');
    expect(row).toHaveTextContent('and 1 more');
    expect(row).not.toHaveTextContent('costCenter');
    expect(row).toHaveTextContent('2 hours ago');
    expect(api.listGates).toHaveBeenCalledWith({ status: 'pending' });
    expect(api.listGates).toHaveBeenCalledWith({ mine: true });

    // My requests, where each stands
    // ...waiting: who approves it since when, why, and what happens next.
    expect(screen.getByTestId('gate-status-g2')).toHaveTextContent(
      `Waiting for approval by the Platform Team, since ${formatTimestamp(
        myPendingGate.createdAt,
      )}: Databases above 100 GB need a capacity review (storageGb 250 is above the maximum of 100). Nothing has been created yet: you are notified when they decide, and after an approval you continue it from My runs on the Golden paths page.`,
    );
    expect(screen.getByTestId('gate-status-g3')).toHaveTextContent(
      'Approved by carol: 100 GB is enough to start with. Continue it from My runs: it runs as you, with the approved parameters.',
    );
    expect(screen.getByTestId('gate-status-g4')).toHaveTextContent(
      'Rejected by carol: Use the shared batch cluster',
    );
    const mine = paperOf('My requests');
    const taskLinks = within(mine).getAllByRole('link', {
      name: 'Open the task',
    });
    expect(taskLinks.map(a => a.getAttribute('href'))).toEqual(
      expect.arrayContaining([
        '/create/tasks/task-2',
        '/create/tasks/task-3',
        '/create/tasks/task-4',
      ]),
    );

    // Metrics, each with what it means
    expect(await screen.findByTestId('gates-requested')).toHaveTextContent(
      '12',
    );
    expect(screen.getByTestId('gates-pending')).toHaveTextContent('2');
    expect(screen.getByTestId('gates-median-wait')).toHaveTextContent(
      '2 h 5 min',
    );
    expect(screen.getByTestId('gates-p90-wait')).toHaveTextContent('26 h');
    expect(
      screen.getByText(
        'Half of the decided requests were approved or rejected within this time of being requested',
      ),
    ).toBeInTheDocument();
    expect(api.getGateMetrics).toHaveBeenCalledWith({ from: expect.any(Date) });
  });

  it('shows who asked when an agent asked for a person, and the metrics by who asked', async () => {
    const agentGate = {
      ...pendingGate,
      id: 'g9',
      taskId: 'task-9',
      requester: 'user:default/dana',
      requestedVia: {
        agent: 'plugin:mcp-actions',
        onBehalfOf: 'user:default/dana',
      },
    };
    const minute = 60_000;
    const api = mockApi({
      listGates: jest.fn(async (options?: { mine?: boolean }) =>
        options?.mine
          ? { items: [], canReview: true }
          : { items: [pendingGate, agentGate], canReview: true },
      ),
      getGateMetrics: jest.fn(async () => ({
        ...metrics,
        byRequester: {
          people: {
            requested: 8,
            pending: 1,
            approved: 5,
            rejected: 2,
            medianWaitMs: 125 * minute,
          },
          agents: {
            requested: 4,
            pending: 1,
            approved: 3,
            rejected: 0,
            medianWaitMs: 25 * minute,
          },
        },
      })),
    });
    renderTab(api);

    const viaAgent = await screen.findByTestId('gate-requester-g9');
    expect(viaAgent).toHaveTextContent(/^dana via agent plugin:mcp-actions$/);
    expect(
      within(viaAgent).getByRole('link', { name: /dana/ }),
    ).toHaveAttribute('href', '/catalog/default/user/dana');
    // A person who asked themselves: just the person.
    expect(screen.getByTestId('gate-requester-g1')).toHaveTextContent(/^bob$/);

    expect(await screen.findByTestId('gates-by-people')).toHaveTextContent(
      'People themselves: 8 requested, 1 pending, median wait 2 h 5 min',
    );
    expect(screen.getByTestId('gates-by-agents')).toHaveTextContent(
      'Agents for people: 4 requested, 1 pending, median wait 25 min',
    );

    await userEvent.click(
      screen.getByRole('button', {
        name: 'Review the request of dana for postgres-database',
      }),
    );
    expect(await screen.findByRole('dialog')).toHaveTextContent(
      'Review the request of dana via agent plugin:mcp-actions',
    );
  });

  it('shows the audit trail of a request with the changed parameters', async () => {
    const api = mockApi();
    renderTab(api);
    const row = (await screen.findByTestId('gate-status-g3')).closest('tr')!;
    expect(screen.queryByRole('table', { name: 'Audit trail' })).toBeNull();

    await userEvent.click(within(row).getAllByRole('button')[0]);

    const audit = await screen.findByRole('table', { name: 'Audit trail' });
    expect(api.getGateAudit).toHaveBeenCalledWith('g3');
    const approved = within(audit).getByText('Approved').closest('tr')!;
    expect(approved).toHaveTextContent('carol');
    expect(approved).toHaveTextContent('100 GB is enough to start with');
    expect(approved).toHaveTextContent('storageGb: 250 → 100');
    const requested = within(audit).getByText('Requested').closest('tr')!;
    expect(requested).toHaveTextContent('alice');
  });

  it('hides the review queue from users who may not review (403)', async () => {
    const api = mockApi({
      listGates: jest.fn(async (options?: { mine?: boolean }) => {
        if (!options?.mine) throw forbidden();
        return { items: [myPendingGate], canReview: false };
      }),
    });
    renderTab(api);
    expect(await screen.findByText('My requests')).toBeInTheDocument();
    expect(screen.queryByText('Review queue')).not.toBeInTheDocument();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('says what to do when there are no requests', async () => {
    const api = mockApi({
      listGates: jest.fn(async () => ({ items: [], canReview: true })),
    });
    renderTab(api);
    expect(
      await screen.findByText(/No request waits for review/),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/You have no requests waiting for approval or decided/),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: 'Golden paths (/create)' }),
    ).toHaveAttribute('href', '/create');
  });

  it('shows other errors of the backend', async () => {
    const api = mockApi({
      listGates: jest.fn(async () => {
        throw Object.assign(
          new Error('Request failed with 500 Internal Server Error'),
          {
            name: 'ResponseError',
            statusCode: 500,
            cause: { name: 'Error', message: 'database is gone' },
          },
        );
      }),
    });
    renderTab(api);
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent(
      'Golden gate requests could not be loaded: database is gone',
    );
    expect(alert).not.toHaveTextContent('Request failed');
    expect(screen.queryByText(/Stack Trace/i)).toBeNull();
  });

  describe('review dialog', () => {
    it('approves with a changed number parameter, sending it as a number, and refreshes', async () => {
      const api = mockApi();
      const toastApi = mockApis.toast();
      renderTab(api, toastApi);
      const dialog = await openReview();

      const storage = within(dialog).getByRole('textbox', {
        name: 'storageGb',
      });
      expect(storage).toHaveValue('250');
      expect(within(dialog).getByRole('textbox', { name: 'name' })).toHaveValue(
        'orders-db',
      );
      expect(
        within(dialog).getByRole('checkbox', { name: 'highAvailability' }),
      ).toBeChecked();
      await userEvent.clear(storage);
      await userEvent.type(storage, '100');
      await userEvent.click(
        within(dialog).getByRole('button', { name: 'Approve' }),
      );

      await waitFor(() =>
        expect(api.approveGate).toHaveBeenCalledWith('g1', {
          parameters: { storageGb: 100 },
        }),
      );
      expect((api.approveGate as jest.Mock).mock.calls[0][1]).toStrictEqual({
        parameters: { storageGb: 100 },
      });
      await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
      await waitFor(() => expect(api.listGates).toHaveBeenCalledTimes(4));
      // The metrics card counts the decision too.
      await waitFor(() => expect(api.getGateMetrics).toHaveBeenCalledTimes(2));
      expect(toastApi.getToasts()).toEqual([
        expect.objectContaining({
          title: 'Approved the request of bob',
          status: 'success',
        }),
      ]);
    });

    it('sends a changed boolean and the comment', async () => {
      const api = mockApi();
      renderTab(api);
      const dialog = await openReview();
      await userEvent.click(
        within(dialog).getByRole('checkbox', { name: 'highAvailability' }),
      );
      await userEvent.type(
        within(dialog).getByRole('textbox', { name: 'Comment' }),
        'One replica is enough',
      );
      await userEvent.click(
        within(dialog).getByRole('button', { name: 'Approve' }),
      );
      await waitFor(() =>
        expect(api.approveGate).toHaveBeenCalledWith('g1', {
          comment: 'One replica is enough',
          parameters: { highAvailability: false },
        }),
      );
    });

    it('does not approve a number field that is not a number', async () => {
      const api = mockApi();
      renderTab(api);
      const dialog = await openReview();
      const storage = within(dialog).getByRole('textbox', {
        name: 'storageGb',
      });
      await userEvent.clear(storage);
      await userEvent.type(storage, 'lots');
      expect(
        within(dialog).getByText('storageGb must be a number'),
      ).toBeInTheDocument();
      expect(
        within(dialog).getByRole('button', { name: 'Approve' }),
      ).toBeDisabled();
    });

    it('rejects only with a comment', async () => {
      const api = mockApi();
      renderTab(api);
      const dialog = await openReview();
      const reject = within(dialog).getByRole('button', { name: 'Reject' });
      expect(reject).toBeDisabled();

      await userEvent.type(
        within(dialog).getByRole('textbox', { name: 'Comment' }),
        '   ',
      );
      expect(reject).toBeDisabled();
      await userEvent.type(
        within(dialog).getByRole('textbox', { name: 'Comment' }),
        'Use the shared cluster',
      );
      expect(reject).toBeEnabled();
      await userEvent.click(reject);

      await waitFor(() =>
        expect(api.rejectGate).toHaveBeenCalledWith('g1', {
          comment: 'Use the shared cluster',
        }),
      );
      expect(api.approveGate).not.toHaveBeenCalled();
      await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    });

    it("shows the server's error inside the dialog and keeps it open", async () => {
      const message =
        'the approved parameters break the organisation policy: Databases are between 1 and 1000 GB (storageGb 5000 is above the maximum of 1000)';
      const api = mockApi({
        approveGate: jest.fn(async () => {
          throw Object.assign(
            new Error('Request failed with 400 Bad Request'),
            {
              name: 'ResponseError',
              statusCode: 400,
              cause: { name: 'InputError', message },
            },
          );
        }),
      });
      renderTab(api);
      const dialog = await openReview();
      const storage = within(dialog).getByRole('textbox', {
        name: 'storageGb',
      });
      await userEvent.clear(storage);
      await userEvent.type(storage, '5000');
      await userEvent.click(
        within(dialog).getByRole('button', { name: 'Approve' }),
      );

      expect(await within(dialog).findByRole('alert')).toHaveTextContent(
        message,
      );
      expect(screen.getByRole('dialog')).toBeInTheDocument();
      expect(api.listGates).toHaveBeenCalledTimes(2); // not refreshed
    });
  });
});
