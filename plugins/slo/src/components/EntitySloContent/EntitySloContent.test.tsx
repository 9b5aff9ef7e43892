import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { Entity } from '@backstage/catalog-model';
import { coreApis } from '@backstage/frontend-plugin-api';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { sloApiRef, type SloApi } from '../../api';
import {
  checkoutAvailability,
  checkoutDetail,
  searchLatency,
} from '../../__fixtures__/slo';
import { EntitySloContent } from './EntitySloContent';

const checkout: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'checkout' },
  spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
};

const secondSlo = {
  ...searchLatency,
  id: 'component:default/checkout/checkout-latency',
  name: 'checkout-latency',
  displayName: 'Checkout latency',
  entityRef: 'component:default/checkout',
};

const validation = {
  slos: [{ name: 'checkout-latency', target: 0.99, sourceType: 'Push' }],
  problems: [
    {
      path: 'checkout-latency.spec.alertPolicies[0].spec.alertWhenNoData',
      message: 'no-data alerts are not sent',
      severity: 'unsupported' as const,
    },
  ],
};

function renderTab(overrides: Partial<SloApi> = {}) {
  const api = {
    listSlos: jest.fn(async () => [checkoutAvailability, secondSlo]),
    getSlo: jest.fn(async (id: string) => ({
      ...checkoutDetail,
      ...(id === secondSlo.id ? secondSlo : {}),
    })),
    validateSlo: jest.fn(async () => validation),
    createSlo: jest.fn(async () => [secondSlo]),
    ...overrides,
  };
  const result = renderInTestApp(
    <EntityProvider entity={checkout}>
      <EntitySloContent />
    </EntityProvider>,
    {
      apis: [[sloApiRef, api]],
      mountPath: '/catalog/default/component/checkout/slo',
      initialRouteEntries: ['/catalog/default/component/checkout/slo'],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    },
  );
  return { api, ...result };
}

/** Replaces the YAML of the create dialog. */
async function writeYaml(yaml: string) {
  const textarea = screen.getByLabelText('OpenSLO YAML');
  await userEvent.clear(textarea);
  await userEvent.click(textarea);
  await userEvent.paste(yaml);
}

describe('EntitySloContent', () => {
  it("lists the entity's SLOs and shows the selected one in full", async () => {
    const { api, apis } = renderTab();
    const list = await screen.findByRole('table', {
      name: 'SLOs of the entity',
    });
    expect(api.listSlos).toHaveBeenCalledWith({
      entityRef: 'component:default/checkout',
    });
    // The entity by its name, not its raw ref.
    expect(screen.getByText('2 SLOs of checkout')).toBeInTheDocument();
    expect(screen.queryByText(/SLOs? of component:default\//)).toBeNull();
    const first = within(list)
      .getByRole('button', { name: 'Checkout availability' })
      .closest('tr')!;
    expect(first).toHaveTextContent('Breaching');
    expect(first).toHaveTextContent('99.5%');
    expect(first).toHaveTextContent('100% overspent');

    // The first SLO is open
    expect(await screen.findByTestId('slo-budget-total')).toHaveTextContent(
      '500',
    );
    expect(api.getSlo).toHaveBeenCalledWith(checkoutAvailability.id, {});

    await userEvent.click(
      within(list).getByRole('button', { name: 'Checkout latency' }),
    );
    await waitFor(() =>
      expect(api.getSlo).toHaveBeenCalledWith(secondSlo.id, {}),
    );
    expect(apis.get(coreApis.appHistory)!.getSnapshot().location.search).toBe(
      '?slo=component%3Adefault%2Fcheckout%2Fcheckout-latency',
    );
    expect(
      await screen.findByRole('button', { name: 'Delete' }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Create SLO' }),
    ).toBeInTheDocument();
  });

  it('explains how to add an SLO when the entity has none', async () => {
    renderTab({ listSlos: jest.fn(async () => []) });
    expect(await screen.findByText('checkout has no SLOs')).toBeInTheDocument();
    expect(document.body).toHaveTextContent(
      "Put an OpenSLO v1 file named slo.yaml (or *.openslo.yaml) next to the entity's catalog-info.yaml",
    );
    expect(document.body).toHaveTextContent('portal.dev/openslo');
    // The example is for this component (the snippet renders lazily)
    await waitFor(() =>
      expect(document.body).toHaveTextContent('name: checkout-availability'),
    );
    expect(
      screen.getByRole('button', { name: 'Create SLO' }),
    ).toBeInTheDocument();
  });

  it('checks a file with /validate and creates the SLO', async () => {
    const { api } = renderTab({
      listSlos: jest
        .fn()
        .mockResolvedValueOnce([])
        .mockResolvedValue([secondSlo]),
    });
    await userEvent.click(
      await screen.findByRole('button', { name: 'Create SLO' }),
    );
    const dialog = screen.getByRole('dialog');
    expect(dialog).toHaveTextContent('Create an SLO for checkout');
    // It starts from an example for this component
    expect(
      (screen.getByLabelText('OpenSLO YAML') as HTMLTextAreaElement).value,
    ).toContain('name: checkout-availability');

    await writeYaml('apiVersion: openslo/v1\nkind: SLO\n');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Check' }),
    );
    const preview = await within(dialog).findByTestId('slo-preview');
    expect(api.validateSlo).toHaveBeenCalledWith(
      'apiVersion: openslo/v1\nkind: SLO\n',
    );
    expect(preview).toHaveTextContent('The file gives 1 SLO:');
    expect(preview).toHaveTextContent(
      'checkout-latency: target 99%, measured by Push',
    );
    expect(preview).toHaveTextContent('1 problem');
    expect(preview).toHaveTextContent('Unsupported');
    expect(preview).toHaveTextContent(
      'checkout-latency.spec.alertPolicies[0].spec.alertWhenNoData',
    );
    expect(preview).toHaveTextContent('no-data alerts are not sent');

    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Create' }),
    );
    await waitFor(() =>
      expect(api.createSlo).toHaveBeenCalledWith({
        entityRef: 'component:default/checkout',
        yaml: 'apiVersion: openslo/v1\nkind: SLO\n',
      }),
    );
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    // The list reloads, with the new SLO open
    expect(
      await screen.findByRole('table', { name: 'SLOs of the entity' }),
    ).toHaveTextContent('Checkout latency');
    expect(api.listSlos).toHaveBeenCalledTimes(2);
    await waitFor(() =>
      expect(api.getSlo).toHaveBeenCalledWith(secondSlo.id, {}),
    );
  });

  it('shows the errors of a file and why the SLO was not created', async () => {
    const { api } = renderTab({
      validateSlo: jest.fn(async () => ({
        slos: [],
        problems: [
          {
            path: 'checkout-latency.spec.objectives[0].target',
            message: 'must be below 1 (a share, e.g. 0.995)',
            severity: 'error' as const,
          },
        ],
      })),
      createSlo: jest.fn(async () => {
        throw Object.assign(new Error('Request failed with 403 Forbidden'), {
          name: 'ResponseError',
          cause: {
            name: 'NotAllowedError',
            message: 'only owners of component:default/checkout create SLOs',
          },
        });
      }),
    });
    await userEvent.click(
      await screen.findByRole('button', { name: 'Create SLO' }),
    );
    const dialog = screen.getByRole('dialog');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Check' }),
    );
    const preview = await within(dialog).findByTestId('slo-preview');
    expect(preview).toHaveTextContent('The file gives no SLO.');
    expect(preview).toHaveTextContent('1 problem, 1 of them errors');
    expect(preview).toHaveTextContent('must be below 1 (a share, e.g. 0.995)');

    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Create' }),
    );
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      'only owners of component:default/checkout create SLOs',
    );
    expect(api.createSlo).toHaveBeenCalledTimes(1);
    expect(screen.getByRole('dialog')).toBeInTheDocument();
  });
});
