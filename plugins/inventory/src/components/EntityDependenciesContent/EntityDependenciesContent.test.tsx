import { screen, waitFor } from '@testing-library/react';
import type { Entity } from '@backstage/catalog-model';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import type { EntityDependencies } from '@internal/plugin-inventory-common';
import { inventoryApiRef } from '../../api';
import { EntityDependenciesContent } from './EntityDependenciesContent';

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'web-shop', namespace: 'retail' },
};

const dependencies: EntityDependencies = {
  entityRef: 'component:retail/web-shop',
  sboms: [
    {
      id: '3',
      entityRef: 'component:retail/web-shop',
      format: 'cyclonedx',
      origin: 'repository:local-repos/web-shop:bom.json',
      storedAt: '2026-11-25T08:00:00.000Z',
      packages: 2,
    },
  ],
  packages: [
    {
      purl: 'pkg:npm/%40acme/ui@2.1.0',
      type: 'npm',
      namespace: '@acme',
      name: 'ui',
      version: '2.1.0',
      direct: true,
      licenses: ['MIT', 'Apache-2.0'],
    },
    {
      purl: 'pkg:npm/minimist@1.2.5',
      type: 'npm',
      name: 'minimist',
      version: '1.2.5',
      direct: false,
    },
  ],
};

function renderTab(getEntityDependencies: jest.Mock) {
  return renderInTestApp(
    <EntityProvider entity={entity}>
      <EntityDependenciesContent />
    </EntityProvider>,
    { apis: [[inventoryApiRef, { getEntityDependencies }]] },
  );
}

describe('EntityDependenciesContent', () => {
  it("lists the component's packages and its stored SBOMs", async () => {
    const getEntityDependencies = jest.fn(async () => dependencies);
    await renderTab(getEntityDependencies);

    const ui = (await screen.findByText('@acme/ui')).closest('tr')!;
    expect(getEntityDependencies).toHaveBeenCalledWith(
      'component:retail/web-shop',
    );
    expect(ui).toHaveTextContent('2.1.0');
    expect(ui).toHaveTextContent('direct');
    expect(ui).toHaveTextContent('MIT, Apache-2.0');
    expect(ui).toHaveTextContent('pkg:npm/%40acme/ui@2.1.0');
    const minimist = screen.getByText('minimist').closest('tr')!;
    expect(minimist).toHaveTextContent('transitive');
    expect(screen.getByText('2 packages, 1 direct')).toBeInTheDocument();

    const sbom = screen
      .getByText('repository:local-repos/web-shop:bom.json')
      .closest('tr')!;
    expect(sbom).toHaveTextContent('cyclonedx');
    expect(sbom).toHaveTextContent('2');
    expect(sbom).toHaveTextContent('valid');
    expect(screen.queryByText(/leaves its schema/)).not.toBeInTheDocument();
  });

  it('shows where an SBOM leaves its schema, problem by problem', async () => {
    const problems = [
      'components[0].hashes[0].content: must match pattern "^([a-fA-F0-9]{32})$"',
      'dependencies[0].dependsOn[0]: "nowhere" is not the bom-ref of any component or service',
    ];
    await renderTab(
      jest.fn(async () => ({
        ...dependencies,
        sboms: [{ ...dependencies.sboms[0], problems }],
      })),
    );
    expect(
      await screen.findByText(/bom\.json leaves its schema \(2 problems\)/),
    ).toBeInTheDocument();
    const sbom = screen
      .getByText('repository:local-repos/web-shop:bom.json')
      .closest('tr')!;
    expect(sbom).toHaveTextContent('2 problems');
    for (const problem of problems)
      expect(screen.getByText(problem)).toBeInTheDocument();
  });

  it('explains how to add an SBOM when there is none', async () => {
    await renderTab(
      jest.fn(async () => ({ ...dependencies, sboms: [], packages: [] })),
    );
    expect(
      await screen.findByText('No SBOM for this component'),
    ).toBeInTheDocument();
    expect(screen.getByText('bom.json')).toBeInTheDocument();
    expect(screen.getByText('*.spdx.json')).toBeInTheDocument();
    // The upload command, with this component's ref
    await waitFor(() =>
      expect(document.body).toHaveTextContent(
        '"$BACKEND/api/catalog/ingestion/dependencies/sbom"',
      ),
    );
    expect(document.body).toHaveTextContent(
      '--url-query "entityRef=component:retail/web-shop"',
    );
  });
});
