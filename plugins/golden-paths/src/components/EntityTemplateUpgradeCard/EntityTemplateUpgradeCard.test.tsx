import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { Entity } from '@backstage/catalog-model';
import {
  createExtensionTester,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import type { UpgradeProposal } from '@internal/plugin-golden-paths-common';
import { goldenPathsApiRef, type GoldenPathsApi } from '../../api';
import {
  failedUpgrade,
  legacyUpgrade,
  templateVersions,
} from '../../__fixtures__/goldenPaths';
import { entityTemplateUpgradeCard } from '../../plugin';
import { EntityTemplateUpgradeCard } from './EntityTemplateUpgradeCard';
import { compareVersions, versionsBehind } from './versions';

const component = (
  name: string,
  annotations: Record<string, string> = {},
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, annotations },
  spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
});

const madeWith = (name: string, version: string, template?: string) =>
  component(name, {
    'portal.dev/template': template ?? 'template:default/typescript-service',
    'portal.dev/template-version': version,
  });

type CardApi = Pick<
  GoldenPathsApi,
  'getTemplateVersions' | 'listUpgrades' | 'proposeUpgrade'
>;

function mockApi(overrides: Partial<CardApi> = {}) {
  return {
    getTemplateVersions: jest.fn(async () => templateVersions),
    listUpgrades: jest.fn(async (): Promise<UpgradeProposal[]> => []),
    proposeUpgrade: jest.fn(async () => legacyUpgrade),
    ...overrides,
  };
}

function renderCard(entity: Entity, api: ReturnType<typeof mockApi>) {
  return renderInTestApp(
    <EntityProvider entity={entity}>
      <EntityTemplateUpgradeCard />
    </EntityProvider>,
    {
      apis: [[goldenPathsApiRef, api]],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    },
  );
}

describe('EntityTemplateUpgradeCard', () => {
  it('says how many versions behind the service is, and proposes its upgrade', async () => {
    const api = mockApi();
    renderCard(madeWith('legacy-api', '1.0.0'), api);

    expect(
      await screen.findByText(
        'Your service is two versions behind (1.0.0 → 2.1.0).',
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('Golden path version')).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: /typescript-service/ }),
    ).toHaveAttribute('href', '/catalog/default/template/typescript-service');
    await waitFor(() =>
      expect(api.listUpgrades).toHaveBeenCalledWith({
        entityRef: 'component:default/legacy-api',
        limit: 20,
      }),
    );

    await userEvent.click(
      await screen.findByRole('button', { name: 'Propose upgrade' }),
    );
    expect(api.proposeUpgrade).toHaveBeenCalledWith(
      'component:default/legacy-api',
    );
    expect(await screen.findByText(/Here is the change/)).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: /merge request !7/ }),
    ).toHaveAttribute(
      'href',
      'https://gitlab.example.com/acme/legacy-api/-/merge_requests/7',
    );
    expect(
      screen.queryByRole('button', { name: 'Propose upgrade' }),
    ).toBeNull();
    await waitFor(() => expect(api.listUpgrades).toHaveBeenCalledTimes(2));
  });

  it('shows the change that waits, its state and what needs a person', async () => {
    const api = mockApi({ listUpgrades: jest.fn(async () => [legacyUpgrade]) });
    // The template's ref matches whatever its case.
    renderCard(
      madeWith('legacy-api', '1.0.0', 'template:default/TypeScript-Service'),
      api,
    );

    const change = await screen.findByText(/Here is the change/);
    expect(change).toHaveTextContent('Here is the change: merge request !7');
    expect(screen.getByText('open')).toBeInTheDocument();
    expect(screen.getByText(/This upgrade needs a person/)).toBeInTheDocument();
    expect(
      screen.getByText(/Configuration moves from .env to app-config.yaml/),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/Node 22 and a readiness endpoint/),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Propose upgrade' }),
    ).toBeNull();
  });

  it('shows a local proposal as its branch, and its conflicts', async () => {
    const local: UpgradeProposal = {
      ...legacyUpgrade,
      state: 'conflicts',
      host: 'local',
      url: 'git:/data/repos/legacy-api.git#portal/upgrade-2.1.0',
      number: undefined,
      notes: [],
      conflicts: [{ path: 'package.json', reason: 'changed by both' }],
    };
    renderCard(
      madeWith('legacy-api', '1.0.0'),
      mockApi({ listUpgrades: jest.fn(async () => [local]) }),
    );
    const change = await screen.findByText(/Here is the change/);
    expect(change).toHaveTextContent(
      'Here is the change: branch portal/upgrade-2.1.0',
    );
    expect(screen.getByText('conflicts (1 file)')).toBeInTheDocument();
    expect(
      screen.getByText('Files left for people: package.json'),
    ).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: /upgrade-2\.1\.0/ })).toBeNull();
  });

  it('shows why the last proposal failed, and lets you propose again', async () => {
    renderCard(
      madeWith('legacy-api', '1.0.0'),
      mockApi({ listUpgrades: jest.fn(async () => [failedUpgrade]) }),
    );
    expect(
      await screen.findByText(
        /The last proposal could not be made: legacy-api has no source location/,
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Propose upgrade' }),
    ).toBeEnabled();
  });

  it('says why a proposal was refused', async () => {
    renderCard(
      madeWith('orders-api', '2.0.0'),
      mockApi({
        proposeUpgrade: jest.fn(async () => {
          throw new Error('you may not propose template upgrades');
        }),
      }),
    );
    expect(
      await screen.findByText(
        'Your service is one version behind (2.0.0 → 2.1.0).',
      ),
    ).toBeInTheDocument();
    await userEvent.click(
      await screen.findByRole('button', { name: 'Propose upgrade' }),
    );
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'The upgrade could not be proposed: you may not propose template upgrades',
    );
  });

  it('says when the service is up to date, and reads no proposals', async () => {
    const api = mockApi();
    renderCard(madeWith('fresh-api', '2.1.0'), api);
    expect(
      await screen.findByText('Up to date with version 2.1.0.'),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Propose upgrade' }),
    ).toBeNull();
    expect(api.listUpgrades).not.toHaveBeenCalled();
  });

  it('shows the error when template versions cannot be loaded', async () => {
    renderCard(
      madeWith('legacy-api', '1.0.0'),
      mockApi({
        getTemplateVersions: jest.fn(async () => {
          throw new Error('catalog is unavailable');
        }),
      }),
    );
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Template versions could not be loaded: catalog is unavailable',
    );
  });

  it('renders nothing for an entity not made by a template', async () => {
    const api = mockApi();
    await renderCard(component('handmade'), api);
    expect(screen.queryByText('Golden path version')).toBeNull();
    expect(api.getTemplateVersions).not.toHaveBeenCalled();
  });

  it('is on the overview of entities with a portal.dev/template annotation only', () => {
    const filter = createExtensionTester(entityTemplateUpgradeCard).get(
      EntityCardBlueprint.dataRefs.filterFunction,
    )!;
    expect(filter(madeWith('legacy-api', '1.0.0'))).toBe(true);
    expect(
      filter({
        ...component('orders-db', {
          'portal.dev/template': 'template:default/postgres-database',
        }),
        kind: 'Resource',
      }),
    ).toBe(true);
    expect(filter(component('handmade'))).toBe(false);
    expect(
      filter(component('template', { 'portal.dev/template-version': '1.0.0' })),
    ).toBe(false);
  });
});

describe('versionsBehind', () => {
  const summary = templateVersions[0];

  it.each([
    ['1.0.0', 2],
    ['2.0.0', 1],
    ['2.1.0', 0],
    ['3.0.0', 0],
  ])('counts the versions newer than %s: %d', (version, expected) => {
    expect(versionsBehind(summary, version)).toBe(expected);
  });

  it('counts the latest even when no component was made with it', () => {
    expect(
      versionsBehind(
        {
          ...summary,
          latestVersion: '3.0.0',
          versions: [{ version: '1.0.0', components: 1 }],
        },
        '1.0.0',
      ),
    ).toBe(1);
  });

  it('orders versions by their numbers', () => {
    expect(compareVersions('1.10.0', '1.9.0')).toBeGreaterThan(0);
    expect(compareVersions('2.0.0-rc.1', '2.0.0')).toBeLessThan(0);
    expect(compareVersions('v1.2.0', '1.2.0')).toBe(0);
  });
});
