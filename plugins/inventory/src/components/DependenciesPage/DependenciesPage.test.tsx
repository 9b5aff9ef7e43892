import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { coreApis } from '@backstage/frontend-plugin-api';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import {
  InventoryClient,
  type PackageUsageResult,
} from '@internal/plugin-inventory-common';
import { inventoryApiRef, type InventoryApi } from '../../api';
import { DependenciesPage } from './DependenciesPage';

const result: PackageUsageResult = {
  query: { package: 'pkg:npm/lodash', range: '<4.17.21' },
  components: 2,
  items: [
    {
      entityRef: 'component:default/payments-api',
      owner: 'group:default/team-payments',
      system: 'payments',
      purl: 'pkg:npm/lodash@4.17.20',
      type: 'npm',
      name: 'lodash',
      version: '4.17.20',
      direct: true,
    },
    {
      entityRef: 'component:default/web-shop',
      owner: 'group:default/team-web',
      purl: 'pkg:npm/lodash@4.17.15',
      type: 'npm',
      name: 'lodash',
      version: '4.17.15',
      direct: false,
    },
  ],
};

function renderPage(
  api: Pick<InventoryApi, 'listPackageUsages'>,
  url = '/dependencies',
) {
  return renderInTestApp(<DependenciesPage />, {
    apis: [[inventoryApiRef, api]],
    mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    mountPath: '/dependencies',
    initialRouteEntries: [url],
  });
}

describe('DependenciesPage', () => {
  it('queries the typed package and range, lists the components and keeps the query in the URL', async () => {
    const api = { listPackageUsages: jest.fn(async () => result) };
    const { apis } = await renderPage(api);

    await userEvent.type(
      screen.getByRole('textbox', { name: /package/i }),
      'pkg:npm/lodash',
    );
    await userEvent.type(
      screen.getByRole('textbox', { name: /version range/i }),
      '<4.17.21',
    );
    expect(api.listPackageUsages).not.toHaveBeenCalled();
    await userEvent.click(screen.getByRole('button', { name: 'Search' }));

    expect(await screen.findByTestId('affected')).toHaveTextContent(
      '2 components use pkg:npm/lodash <4.17.21',
    );
    expect(api.listPackageUsages).toHaveBeenCalledTimes(1);
    expect(api.listPackageUsages).toHaveBeenCalledWith({
      package: 'pkg:npm/lodash',
      range: '<4.17.21',
    });

    const payments = screen.getByText('pkg:npm/lodash@4.17.20').closest('tr')!;
    expect(payments).toHaveTextContent('payments-api');
    expect(payments).toHaveTextContent('team-payments');
    expect(payments).toHaveTextContent('4.17.20');
    expect(payments).toHaveTextContent('direct');
    expect(screen.getByRole('link', { name: /payments-api/ })).toHaveAttribute(
      'href',
      '/catalog/default/component/payments-api',
    );
    expect(screen.getByRole('link', { name: /^payments$/ })).toHaveAttribute(
      'href',
      '/catalog/default/system/payments',
    );
    const webShop = screen.getByText('pkg:npm/lodash@4.17.15').closest('tr')!;
    expect(webShop).toHaveTextContent('web-shop');
    expect(webShop).toHaveTextContent('transitive');

    const { location } = apis.get(coreApis.appHistory)!.getSnapshot();
    expect(location.pathname).toBe('/dependencies');
    expect(new URLSearchParams(location.search).get('package')).toBe(
      'pkg:npm/lodash',
    );
    expect(new URLSearchParams(location.search).get('range')).toBe('<4.17.21');
  });

  it('runs the query of a shared link and fills the form with it', async () => {
    const api = { listPackageUsages: jest.fn(async () => result) };
    await renderPage(api, '/dependencies?package=lodash&range=%3C4.17.21');

    expect(await screen.findByTestId('affected')).toHaveTextContent(
      '2 components use lodash <4.17.21',
    );
    expect(api.listPackageUsages).toHaveBeenCalledWith({
      package: 'lodash',
      range: '<4.17.21',
    });
    expect(screen.getByRole('textbox', { name: /package/i })).toHaveValue(
      'lodash',
    );
    expect(screen.getByRole('textbox', { name: /version range/i })).toHaveValue(
      '<4.17.21',
    );
  });

  it('queries every version when the range is empty, and says when nothing matches', async () => {
    const api = {
      listPackageUsages: jest.fn(async () => ({
        query: { package: 'left-pad' },
        components: 0,
        items: [],
      })),
    };
    const { apis } = await renderPage(api);

    await userEvent.type(
      screen.getByRole('textbox', { name: /package/i }),
      'left-pad',
    );
    await userEvent.click(screen.getByRole('button', { name: 'Search' }));

    expect(await screen.findByTestId('affected')).toHaveTextContent(
      '0 components use left-pad',
    );
    expect(api.listPackageUsages).toHaveBeenCalledWith({
      package: 'left-pad',
      range: undefined,
    });
    expect(screen.getByText(/No component's SBOM lists/)).toBeInTheDocument();
    expect(apis.get(coreApis.appHistory)!.getSnapshot().location.search).toBe(
      '?package=left-pad',
    );
  });

  it('follows the URL when it changes (back button)', async () => {
    const api = { listPackageUsages: jest.fn(async () => result) };
    const { apis } = await renderPage(api, '/dependencies?package=lodash');
    await screen.findByTestId('affected');

    act(() =>
      apis.get(coreApis.appHistory)!.navigate('/dependencies?package=minimist'),
    );

    await waitFor(() =>
      expect(api.listPackageUsages).toHaveBeenLastCalledWith({
        package: 'minimist',
        range: undefined,
      }),
    );
    expect(screen.getByRole('textbox', { name: /package/i })).toHaveValue(
      'minimist',
    );
  });

  it("shows the server's reason when the range is not a semver range, in words and without a stack trace", async () => {
    const message =
      'range "4.x.y.z" is not a semver range (examples: <4.17.21, >=2.0.0 <2.15.0, ^1.2)';
    // The real client against a backend answering 400 with its error body.
    const fetch = jest.fn(
      async () =>
        new Response(
          JSON.stringify({
            error: { name: 'InputError', message },
            request: {
              method: 'GET',
              url: '/api/catalog/ingestion/dependencies/usages',
            },
            response: { statusCode: 400 },
          }),
          {
            status: 400,
            statusText: 'Bad Request',
            headers: { 'Content-Type': 'application/json' },
          },
        ),
    );
    const api = new InventoryClient({
      discoveryApi: {
        getBaseUrl: async () => 'http://backend.test/api/catalog',
      },
      fetchApi: { fetch },
    });
    await renderPage(api, '/dependencies?package=lodash&range=4.x.y.z');

    // The reason is in the panel's title, readable without expanding it.
    const alert = await screen.findByRole('alert');
    const title = within(alert).getByText(
      `Who uses lodash 4.x.y.z could not be loaded: ${message}`,
      { exact: false },
    );
    expect(title).toBeVisible();
    expect(within(alert).getByRole('button')).toContainElement(title);
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(screen.queryByText(/Request failed with 400/)).toBeNull();
    expect(screen.queryByText(/Stack Trace/i)).toBeNull();
    expect(screen.queryByText(/ResponseError/)).toBeNull();
  });
});
