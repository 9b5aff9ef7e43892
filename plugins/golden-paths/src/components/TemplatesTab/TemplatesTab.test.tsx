import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import type { UpgradeProposal } from '@internal/plugin-golden-paths-common';
import { goldenPathsApiRef, type GoldenPathsApi } from '../../api';
import {
  conflictingUpgrade,
  failedUpgrade,
  legacyUpgrade,
  openUpgrade,
  templateVersions,
  upgradeMetrics,
} from '../../__fixtures__/goldenPaths';
import { TemplatesTab } from './TemplatesTab';

type TabApi = Pick<
  GoldenPathsApi,
  | 'getTemplateVersions'
  | 'listUpgrades'
  | 'proposeUpgrade'
  | 'proposeUpgrades'
  | 'refreshUpgrades'
  | 'upgradeMetrics'
>;

/**
 * An API whose stored proposals are `stored`; a proposal made through it
 * is stored (as the backend does) unless `store` is false.
 */
function mockApi(
  overrides: Partial<TabApi> = {},
  stored: UpgradeProposal[] = [],
  store = true,
) {
  const api = {
    getTemplateVersions: jest.fn(async () => templateVersions),
    listUpgrades: jest.fn(async () => [...stored]),
    proposeUpgrade: jest.fn(async (entityRef: string) => {
      const proposal = {
        ...legacyUpgrade,
        id: `new-${entityRef}`,
        entityRef,
        createdAt: new Date().toISOString(),
      };
      if (store) stored.unshift(proposal);
      return proposal;
    }),
    proposeUpgrades: jest.fn(async () => ({ items: [], skipped: 0 })),
    refreshUpgrades: jest.fn(async () => ({ checked: 0, changed: 0 })),
    upgradeMetrics: jest.fn(async () => upgradeMetrics),
    ...overrides,
  };
  return api;
}

function renderTab(api: Partial<TabApi>) {
  return renderInTestApp(<TemplatesTab />, {
    apis: [[goldenPathsApiRef, { ...mockApi(), ...api }]],
    mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
  });
}

/** The row of a component behind (queried afresh: rows re-render). */
const rowOf = (name: string) =>
  screen
    .getByRole('link', { name: new RegExp(name) })
    .closest('tr') as HTMLElement;

/** Waits until the proposals are read: the cells stop showing progress. */
const proposalsRead = () =>
  waitFor(() =>
    expect(
      screen.queryAllByRole('progressbar', {
        name: 'Reading upgrade proposals',
      }),
    ).toHaveLength(0),
  );

const cardOf = (title: string) =>
  screen.getByText(title).closest('div[class*="MuiCard-root"]') as HTMLElement;

describe('TemplatesTab', () => {
  it('shows per template its latest version, components per version and the components behind', async () => {
    renderTab({});

    expect(
      await screen.findByText('TypeScript HTTP service'),
    ).toBeInTheDocument();
    const card = cardOf('TypeScript HTTP service');
    expect(card).toHaveTextContent('latest version 2.1.0');
    expect(card).toHaveTextContent('6 components');
    expect(
      within(card).getByRole('link', { name: /typescript-service/ }),
    ).toHaveAttribute('href', '/catalog/default/template/typescript-service');

    const perVersion = within(card)
      .getByText('Components per version')
      .closest('div[class*="MuiPaper"]') as HTMLElement;
    expect(
      within(perVersion).getByText('2.1.0').closest('tr'),
    ).toHaveTextContent('3');
    expect(
      within(perVersion).getByText('2.0.0').closest('tr'),
    ).toHaveTextContent('2');
    expect(
      within(perVersion).getByText('1.0.0').closest('tr'),
    ).toHaveTextContent('1');

    const behind = within(card)
      .getByText('Behind version 2.1.0')
      .closest('div[class*="MuiPaper"]') as HTMLElement;
    const legacy = within(behind).getByRole('link', { name: /legacy-api/ });
    expect(legacy).toHaveAttribute(
      'href',
      '/catalog/default/component/legacy-api',
    );
    const legacyRow = legacy.closest('tr')!;
    expect(legacyRow).toHaveTextContent('1.0.0');
    expect(
      within(legacyRow).getByRole('link', { name: /team-a/ }),
    ).toHaveAttribute('href', '/catalog/default/group/team-a');
    const ownerless = within(behind)
      .getByRole('link', { name: /ownerless/ })
      .closest('tr')!;
    expect(ownerless).toHaveTextContent('—');

    const postgres = cardOf('PostgreSQL database');
    expect(postgres).toHaveTextContent('latest version 1.2.0');
    expect(postgres).toHaveTextContent(
      'No component was made with this template yet: create one from Golden paths (/create).',
    );
  });

  it('says what to do when no template has made a component', async () => {
    renderTab({
      getTemplateVersions: jest.fn(async () => [templateVersions[1]]),
    });
    expect(
      await screen.findByText('No template has created a component yet'),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: 'Golden paths (/create)' }),
    ).toHaveAttribute('href', '/create');
  });

  it('shows the error when the backend fails', async () => {
    renderTab({
      getTemplateVersions: jest.fn(async () => {
        throw new Error('catalog is unavailable');
      }),
    });
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Template versions could not be loaded: catalog is unavailable',
    );
  });

  describe('upgrades', () => {
    it("shows per component behind its proposal's state and change request, or a button to propose one", async () => {
      const api = mockApi({}, [openUpgrade, conflictingUpgrade]);
      renderTab(api);
      await screen.findByText('TypeScript HTTP service');
      await proposalsRead();

      const orders = rowOf('orders-api');
      expect(within(orders).getByText('open')).toBeInTheDocument();
      expect(
        within(orders).getByRole('link', { name: /pull request #42/ }),
      ).toHaveAttribute('href', 'https://github.com/acme/orders-api/pull/42');
      expect(
        within(orders).queryByRole('button', { name: /Propose upgrade/ }),
      ).toBeNull();

      // A local repository: the branch as text, no git: link.
      const ownerless = rowOf('ownerless');
      expect(within(ownerless).getByText('conflicts (2 files)')).toBeVisible();
      expect(ownerless).toHaveTextContent(
        'branch portal/upgrade-typescript-service-2.1.0',
      );
      expect(
        within(ownerless).queryByRole('link', { name: /branch|upgrade/ }),
      ).toBeNull();

      const legacy = rowOf('legacy-api');
      expect(
        within(legacy).getByRole('button', {
          name: 'Propose upgrade of legacy-api',
        }),
      ).toBeEnabled();
      expect(api.listUpgrades).toHaveBeenCalledWith({
        templateRef: 'template:default/typescript-service',
        limit: 1000,
      });
      // No component behind: no proposals to read for the database template.
      expect(api.listUpgrades).toHaveBeenCalledTimes(1);
    });

    it('proposes the upgrade of one component, then shows its state and change request', async () => {
      const api = mockApi({}, [openUpgrade]);
      renderTab(api);
      await screen.findByText('TypeScript HTTP service');
      await proposalsRead();

      await userEvent.click(
        screen.getByRole('button', { name: 'Propose upgrade of legacy-api' }),
      );
      expect(api.proposeUpgrade).toHaveBeenCalledWith(
        'component:default/legacy-api',
      );
      // The rows and the adoption numbers are read again.
      await waitFor(() => expect(api.listUpgrades).toHaveBeenCalledTimes(2));
      await waitFor(() => expect(api.upgradeMetrics).toHaveBeenCalledTimes(2));
      await waitFor(() =>
        expect(
          within(rowOf('legacy-api')).getByRole('link', {
            name: /merge request !7/,
          }),
        ).toHaveAttribute(
          'href',
          'https://gitlab.example.com/acme/legacy-api/-/merge_requests/7',
        ),
      );
      const legacy = rowOf('legacy-api');
      expect(within(legacy).getByText('open')).toBeInTheDocument();
      expect(
        within(legacy).queryByRole('button', { name: /Propose upgrade/ }),
      ).toBeNull();
    });

    it('shows the error of a proposal that could not be made, and lets you try again', async () => {
      const api = mockApi(
        { proposeUpgrade: jest.fn(async () => failedUpgrade) },
        [],
        false,
      );
      renderTab(api);
      await screen.findByText('TypeScript HTTP service');
      await proposalsRead();

      await userEvent.click(
        screen.getByRole('button', { name: 'Propose upgrade of legacy-api' }),
      );
      await waitFor(() => expect(api.listUpgrades).toHaveBeenCalledTimes(2));
      await waitFor(() =>
        expect(within(rowOf('legacy-api')).getByText('failed')).toBeVisible(),
      );
      const legacy = rowOf('legacy-api');
      expect(legacy).toHaveTextContent(
        'legacy-api has no source location: there is no repository to propose to',
      );
      expect(
        within(legacy).getByRole('button', {
          name: 'Propose upgrade of legacy-api again',
        }),
      ).toBeEnabled();
    });

    it('says why when the backend refuses a proposal', async () => {
      renderTab(
        mockApi({
          proposeUpgrade: jest.fn(async () => {
            throw Object.assign(new Error('Request failed with 403'), {
              name: 'ResponseError',
              statusCode: 403,
              cause: {
                name: 'NotAllowedError',
                message: 'you may not propose template upgrades',
              },
            });
          }),
        }),
      );
      await screen.findByText('TypeScript HTTP service');
      await proposalsRead();
      await userEvent.click(
        screen.getByRole('button', { name: 'Propose upgrade of orders-api' }),
      );
      await waitFor(() =>
        expect(
          within(rowOf('orders-api')).getByRole('alert'),
        ).toHaveTextContent(
          'Could not propose the upgrade: you may not propose template upgrades',
        ),
      );
      const orders = rowOf('orders-api');
      expect(
        within(orders).getByRole('button', {
          name: 'Propose upgrade of orders-api',
        }),
      ).toBeEnabled();
    });

    it('proposes the upgrades of every component behind and says what came of them', async () => {
      let answer: (value: {
        items: UpgradeProposal[];
        skipped: number;
      }) => void = () => {};
      const api = mockApi({
        proposeUpgrades: jest.fn(
          () =>
            new Promise<{ items: UpgradeProposal[]; skipped: number }>(
              resolve => {
                answer = resolve;
              },
            ),
        ),
      });
      renderTab(api);

      const all = await screen.findByRole('button', {
        name: 'Propose upgrades for all 3 services',
      });
      await userEvent.click(all);
      expect(api.proposeUpgrades).toHaveBeenCalledWith(
        'template:default/typescript-service',
      );
      expect(all).toBeDisabled();
      expect(
        screen.getByRole('button', { name: 'Propose upgrade of legacy-api' }),
      ).toBeDisabled();

      answer({
        items: [
          openUpgrade,
          conflictingUpgrade,
          { ...openUpgrade, id: 'u5', entityRef: 'component:default/x' },
          failedUpgrade,
        ],
        skipped: 0,
      });
      expect(await screen.findByRole('status')).toHaveTextContent(
        '3 proposed, 1 with conflicts, 1 failed',
      );
      expect(all).toBeEnabled();
      // The proposals just made show in their rows.
      await waitFor(() => expect(api.listUpgrades).toHaveBeenCalledTimes(2));
      await waitFor(() =>
        expect(within(rowOf('orders-api')).getByText('open')).toBeVisible(),
      );
      expect(within(rowOf('legacy-api')).getByText('failed')).toBeVisible();
    });

    it('shows an error when proposing for every component fails', async () => {
      renderTab(
        mockApi({
          proposeUpgrades: jest.fn(async () => {
            throw new Error('no template template:default/typescript-service');
          }),
        }),
      );
      await userEvent.click(
        await screen.findByRole('button', {
          name: 'Propose upgrades for all 3 services',
        }),
      );
      expect(await screen.findByRole('alert')).toHaveTextContent(
        'The upgrades could not be proposed: no template template:default/typescript-service',
      );
    });

    it('shows upgrade adoption of the last 90 days, and checks the hosts on demand', async () => {
      const api = mockApi({
        refreshUpgrades: jest.fn(async () => ({ checked: 4, changed: 1 })),
      });
      renderTab(api);

      expect(await screen.findByTestId('upgrades-opened')).toHaveTextContent(
        '12',
      );
      expect(screen.getByTestId('upgrades-merged')).toHaveTextContent('7');
      expect(screen.getByTestId('upgrades-open')).toHaveTextContent(
        '3 (1 with conflicts)',
      );
      expect(screen.getByTestId('upgrades-median-merge')).toHaveTextContent(
        '30 h',
      );
      expect(
        screen.getByText(/1 closed without merging, 1 could not be proposed/),
      ).toHaveTextContent('nine in ten merged within 5 d');
      const { from } = jest.mocked(api.upgradeMetrics).mock.calls[0][0]!;
      expect(Date.now() - from!.getTime()).toBeGreaterThanOrEqual(
        90 * 86_400_000,
      );
      expect(Date.now() - from!.getTime()).toBeLessThan(91 * 86_400_000);

      await userEvent.click(
        screen.getByRole('button', { name: 'Check for merged and closed now' }),
      );
      expect(await screen.findByRole('status')).toHaveTextContent(
        'Checked 4 proposals, 1 changed.',
      );
      await waitFor(() => expect(api.listUpgrades).toHaveBeenCalledTimes(2));
    });

    it('keeps the template versions when upgrade adoption cannot be loaded', async () => {
      renderTab(
        mockApi({
          upgradeMetrics: jest.fn(async () => {
            throw new Error('upgrades are not set up');
          }),
        }),
      );
      expect(await screen.findByRole('alert')).toHaveTextContent(
        'Upgrade adoption could not be loaded: upgrades are not set up',
      );
      expect(screen.getByText('TypeScript HTTP service')).toBeInTheDocument();
    });
  });
});
