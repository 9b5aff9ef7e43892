import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { catalogIngestionApiRef, type CatalogIngestionApi } from '../../api';
import {
  duplicateProblem,
  failedRun,
  health,
  partialRun,
  sources,
} from '../../__fixtures__/ingestion';
import { IngestionPage } from './IngestionPage';

function mockApi(overrides: Partial<CatalogIngestionApi> = {}) {
  return {
    getSources: jest.fn(async () => sources),
    getHealth: jest.fn(async () => health),
    getRuns: jest.fn(async () => [partialRun, failedRun]),
    getProblems: jest.fn(async () => [duplicateProblem]),
    rescan: jest.fn(async () => ({ runs: [partialRun] })),
    ...overrides,
  };
}

/** What the client throws for a failed request: a `ResponseError`. */
function responseError(statusLine: string, name: string, message: string) {
  return Object.assign(new Error(statusLine), {
    name: 'ResponseError',
    cause: { name, message },
  });
}

function rowOf(text: string) {
  return screen
    .getAllByText(text)
    .map(e => e.closest('tr'))
    .find((tr): tr is HTMLTableRowElement => Boolean(tr))!;
}

describe('IngestionPage', () => {
  it('shows the sources, the success rate, recent runs and outstanding problems', async () => {
    const api = mockApi();
    await renderInTestApp(<IngestionPage />, {
      apis: [[catalogIngestionApiRef, api]],
    });

    // Sources
    const sourcesTable = (await screen.findByText('Sources')).closest(
      'div[class*="MuiPaper"]',
    ) as HTMLElement;
    const local = within(sourcesTable).getByText('local-repos').closest('tr')!;
    expect(local).toHaveTextContent('/srv/repos');
    expect(local).toHaveTextContent('97');
    expect(local).toHaveTextContent('Partial');
    expect(local).toHaveTextContent('1.2 s');
    const org = within(sourcesTable).getByText('org-chart').closest('tr')!;
    expect(org).toHaveTextContent('Failed');
    expect(org).toHaveTextContent('Last success: never'); // none yet

    // Success rate over the last 24 h
    expect(screen.getByTestId('success-rate')).toHaveTextContent('75.0 %');
    // What people wait for: the canary's changes seen in the catalog.
    expect(screen.getByTestId('canary-rate')).toHaveTextContent('99.3 %');
    expect(
      screen.getByText(
        '286 of 288 changes visible in the catalog, median 900 ms, p95 2.4 s',
      ),
    ).toBeInTheDocument();
    expect(screen.getByTestId('canary-last')).toHaveTextContent(
      'not visible in time: the catalog may have stopped processing',
    );
    expect(screen.getByText('6 of 8 runs good, 2 failed')).toBeInTheDocument();
    expect(api.getRuns).toHaveBeenCalledWith({ limit: 50 });

    // Recent runs
    const runsTable = screen
      .getByText('Recent runs')
      .closest('div[class*="MuiPaper"]') as HTMLElement;
    const run = within(runsTable)
      .getByText('schedule, all repositories')
      .closest('tr')!;
    expect(run).toHaveTextContent('1.2 s');
    expect(run).toHaveTextContent('12 listed, 3 read');
    expect(run).toHaveTextContent('40 found');
    expect(run).toHaveTextContent('2 added, 5 changed, 1 removed');
    const webhookRun = within(runsTable)
      .getByText(/^webhook, /)
      .closest('tr')!;
    expect(webhookRun).toHaveTextContent('webhook, people');
    expect(webhookRun).toHaveTextContent('Failed');

    // Outstanding problems
    const problem = rowOf('catalog-info.yaml:14');
    expect(problem).toHaveTextContent('payments');
    expect(problem).toHaveTextContent('component:default/payments-api');
    expect(problem).toHaveTextContent('is already defined by ledger');
  });

  it("shows a run's errors in its detail panel", async () => {
    await renderInTestApp(<IngestionPage />, {
      apis: [[catalogIngestionApiRef, mockApi()]],
    });
    const run = (await screen.findByText('schedule, all repositories')).closest(
      'tr',
    )!;
    expect(
      screen.queryByText('YAML error: bad indentation of a mapping entry'),
    ).not.toBeInTheDocument();

    await userEvent.click(within(run).getAllByRole('button')[0]);

    const error = await screen.findByText(
      'YAML error: bad indentation of a mapping entry',
    );
    const errorRow = error.closest('tr')!;
    expect(errorRow).toHaveTextContent('billing');
    expect(errorRow).toHaveTextContent('services/invoices/catalog-info.yaml:7');
  });

  it('rescans a source with its id and reloads the page data', async () => {
    const api = mockApi();
    const toastApi = mockApis.toast();
    await renderInTestApp(<IngestionPage />, {
      apis: [[catalogIngestionApiRef, api], toastApi],
    });

    await userEvent.click(
      await screen.findByRole('button', { name: 'Rescan org-chart now' }),
    );

    await waitFor(() =>
      expect(api.rescan).toHaveBeenCalledWith({ source: 'org-chart' }),
    );
    expect(api.rescan).toHaveBeenCalledTimes(1);
    await waitFor(() => expect(api.getSources).toHaveBeenCalledTimes(2));
    await waitFor(() => expect(api.getHealth).toHaveBeenCalledTimes(2));
    expect(toastApi.getToasts()).toEqual([
      expect.objectContaining({
        title: 'Rescanned org-chart',
        status: 'success',
      }),
    ]);
  });

  it('explains how to configure a source when there is none', async () => {
    await renderInTestApp(<IngestionPage />, {
      apis: [
        [
          catalogIngestionApiRef,
          mockApi({
            getSources: jest.fn(async () => []),
            getRuns: jest.fn(async () => []),
            getProblems: jest.fn(async () => []),
          }),
        ],
      ],
    });
    expect(
      await screen.findByText('No ingestion sources configured'),
    ).toBeInTheDocument();
    expect(screen.getByText('catalog.ingestion.sources')).toBeInTheDocument();
    expect(screen.getByText('app-config.yaml')).toBeInTheDocument();
  });

  it('reports a refused rescan', async () => {
    const toastApi = mockApis.toast();
    await renderInTestApp(<IngestionPage />, {
      apis: [
        [
          catalogIngestionApiRef,
          mockApi({
            rescan: jest.fn(async () => {
              throw responseError(
                'Request failed with 403 Forbidden',
                'NotAllowedError',
                'not allowed to trigger catalog ingestion',
              );
            }),
          }),
        ],
        toastApi,
      ],
    });
    await userEvent.click(
      await screen.findByRole('button', { name: 'Rescan local-repos now' }),
    );
    await waitFor(() =>
      expect(toastApi.getToasts()).toEqual([
        expect.objectContaining({
          title: 'Rescan of local-repos failed',
          description: 'not allowed to trigger catalog ingestion',
          status: 'danger',
        }),
      ]),
    );
  });

  it('shows the error when the backend fails', async () => {
    await renderInTestApp(<IngestionPage />, {
      apis: [
        [
          catalogIngestionApiRef,
          mockApi({
            getSources: jest.fn(async () => {
              throw responseError(
                'Request failed with 503 Service Unavailable',
                'ServiceUnavailableError',
                'catalog is unavailable',
              );
            }),
          }),
        ],
      ],
    });
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent(
      'Catalog ingestion health could not be loaded: catalog is unavailable',
    );
    expect(alert).not.toHaveTextContent('Request failed');
    expect(screen.queryByText(/Stack Trace/i)).toBeNull();
  });
});
