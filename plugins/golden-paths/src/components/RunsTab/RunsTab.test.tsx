import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { goldenPathsApiRef, type GoldenPathsApi } from '../../api';
import { rootRouteRef } from '../../routes';
import {
  approvedRun,
  completedRun,
  continuedRun,
  failedRun,
  rejectedRun,
  waitingRun,
} from '../../__fixtures__/goldenPaths';
import { formatTimestamp } from '../shared/format';
import { RunsTab, RUNNING_POLL_MS } from './RunsTab';

function mockApi(overrides: Partial<GoldenPathsApi> = {}) {
  return {
    listRuns: jest.fn(async () => [waitingRun, failedRun, completedRun]),
    retryRun: jest.fn(async () => undefined),
    continueGate: jest.fn(async () => ({ taskId: 'task-32' })),
    ...overrides,
  };
}

function renderTab(api: ReturnType<typeof mockApi>) {
  return renderInTestApp(<RunsTab />, {
    apis: [[goldenPathsApiRef, api]],
    mountedRoutes: {
      '/golden-paths': rootRouteRef,
      '/catalog/:namespace/:kind/:name': entityRouteRef,
    },
  });
}

const rowOf = (taskLinkOrText: HTMLElement) => taskLinkOrText.closest('tr')!;

describe('RunsTab', () => {
  it('lists my runs with status, version, duration, attempts and the failure in words', async () => {
    const api = mockApi();
    renderTab(api);
    expect(await screen.findByText('My runs')).toBeInTheDocument();
    expect(api.listRuns).toHaveBeenCalledWith({ mine: true, limit: 100 });

    const failed = rowOf(
      screen.getByText(
        'Failed at step "publish": the repository orders-api already exists',
      ),
    );
    // The template by name, linked, not as a raw entity ref.
    expect(
      within(failed).getByRole('link', { name: /typescript-service/ }),
    ).toHaveAttribute('href', '/catalog/default/template/typescript-service');
    expect(failed).not.toHaveTextContent('template:default/');
    expect(failed).toHaveTextContent('1.0.0');
    expect(within(failed).getByText('Failed')).toBeInTheDocument();
    expect(failed).toHaveTextContent('4.2 s');
    expect(failed).toHaveTextContent('1 hour ago');
    expect(within(failed).getByText('2')).toBeInTheDocument(); // attempts
    expect(
      within(failed).getByRole('button', { name: /Retry the run task-11/ }),
    ).toBeInTheDocument();

    const completed = rowOf(screen.getByText('Completed'));
    expect(completed).toHaveTextContent('1 min 35 s');
    expect(
      within(completed).getByRole('link', { name: 'Open the task' }),
    ).toHaveAttribute('href', '/create/tasks/task-10');
    expect(
      within(completed).queryByRole('button', { name: /Retry/ }),
    ).toBeNull();

    const waiting = rowOf(screen.getByText('Waiting for approval'));
    expect(
      within(waiting).getByRole('link', {
        name: 'see the request in Golden gates',
      }),
    ).toHaveAttribute('href', '/golden-paths?tab=gates');
    expect(waiting).toHaveTextContent('—'); // no duration: not provisioned
  });

  it('shows a run at a golden gate as waiting, with who approves it since when and what happens next, not as a failure', async () => {
    renderTab(mockApi({ listRuns: jest.fn(async () => [waitingRun]) }));
    const words = await screen.findByTestId('run-waiting-task-2');
    expect(words).toHaveTextContent(
      `Waiting for approval by the Platform Team, since ${formatTimestamp(
        waitingRun.waitingSince,
      )}. Nothing has been created yet: you are notified when they decide, and after an approval you continue it from My runs on the Golden paths page.`,
    );
    const row = rowOf(words);
    expect(row).not.toHaveTextContent(/fail|error/i);
    expect(within(row).queryByRole('alert')).toBeNull();
    expect(within(row).queryByRole('button')).toBeNull();
  });

  it('says a continued run lives on in its new task, and a rejected one created nothing', async () => {
    renderTab(
      mockApi({ listRuns: jest.fn(async () => [continuedRun, rejectedRun]) }),
    );
    const continued = rowOf(await screen.findByText('Approved and continued'));
    expect(continued).toHaveTextContent('Approved and continued as a new task');
    expect(
      within(continued).getByRole('link', { name: 'open it' }),
    ).toHaveAttribute('href', '/create/tasks/task-31');
    const rejected = rowOf(screen.getByText('Rejected'));
    expect(rejected).toHaveTextContent('Rejected, nothing was created');
    expect(
      within(rejected).getByRole('link', { name: 'see why in Golden gates' }),
    ).toHaveAttribute('href', '/golden-paths?tab=gates');
  });

  it("retries a failed run with the scaffolder's retry and links to its task page", async () => {
    const api = mockApi();
    renderTab(api);
    await userEvent.click(
      await screen.findByRole('button', { name: /Retry the run task-11/ }),
    );
    await waitFor(() => expect(api.retryRun).toHaveBeenCalledWith('task-11'));
    expect(api.retryRun).toHaveBeenCalledTimes(1);
    const link = await screen.findByRole('link', { name: 'open the task' });
    expect(link).toHaveAttribute('href', '/create/tasks/task-11');
    expect(link.closest('p')).toHaveTextContent('Retry started');
    await waitFor(() => expect(api.listRuns).toHaveBeenCalledTimes(2));
  });

  it('lets the requester continue an approved run as a new task of their own', async () => {
    const api = mockApi({
      listRuns: jest.fn(async () => [approvedRun, completedRun]),
    });
    renderTab(api);
    const row = rowOf(await screen.findByText('Approved: continue it'));
    expect(row).toHaveTextContent(
      'Approved. Nothing has been created yet: continue it to run it as you, with the approved parameters.',
    );
    await userEvent.click(
      within(row).getByRole('button', { name: /Continue the run task-3/ }),
    );
    await waitFor(() => expect(api.continueGate).toHaveBeenCalledWith('g3'));
    // Not the scaffolder's retry of the task that waited: a new task.
    expect(api.retryRun).not.toHaveBeenCalled();
    const link = await screen.findByRole('link', { name: 'open the task' });
    expect(link).toHaveAttribute('href', '/create/tasks/task-32');
    expect(link.closest('p')).toHaveTextContent('Continued as a new task');
    await waitFor(() => expect(api.listRuns).toHaveBeenCalledTimes(2));
  });

  it('says why a retry did not start', async () => {
    const api = mockApi({
      retryRun: jest.fn(async () => {
        throw Object.assign(new Error('Request failed with 409 Conflict'), {
          name: 'ResponseError',
          cause: {
            name: 'ConflictError',
            message: 'task task-11 is not failed',
          },
        });
      }),
    });
    renderTab(api);
    await userEvent.click(
      await screen.findByRole('button', { name: /Retry the run task-11/ }),
    );
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'The run did not start: task task-11 is not failed',
    );
    expect(
      screen.getByRole('button', { name: /Retry the run task-11/ }),
    ).toBeEnabled();
  });

  it('reads the list again while a run is running, until it has ended', async () => {
    const running = { ...completedRun, status: 'processing' as const };
    const listRuns = jest
      .fn()
      .mockResolvedValueOnce([running])
      .mockResolvedValue([completedRun]);
    jest.useFakeTimers({ advanceTimers: true });
    try {
      renderTab(mockApi({ listRuns }));
      expect(await screen.findByText('Running')).toBeInTheDocument();
      jest.advanceTimersByTime(RUNNING_POLL_MS);
      expect(await screen.findByText('Completed')).toBeInTheDocument();
      expect(listRuns).toHaveBeenCalledTimes(2);
      // Nothing running any more: no further reads.
      jest.advanceTimersByTime(3 * RUNNING_POLL_MS);
      expect(listRuns).toHaveBeenCalledTimes(2);
    } finally {
      jest.useRealTimers();
    }
  });

  it('says what to do when there is no run', async () => {
    renderTab(mockApi({ listRuns: jest.fn(async () => []) }));
    expect(
      await screen.findByText('You have not run a golden path yet'),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: 'Golden paths (/create)' }),
    ).toHaveAttribute('href', '/create');
  });
});
