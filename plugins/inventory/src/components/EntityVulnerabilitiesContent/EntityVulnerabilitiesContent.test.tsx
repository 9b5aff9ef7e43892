import { screen, within } from '@testing-library/react';
import type { Entity } from '@backstage/catalog-model';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { inventoryApiRef } from '../../api';
import { suppressed, vulnerabilities } from '../Vulnerabilities/fixtures';
import { EntityVulnerabilitiesContent } from './EntityVulnerabilitiesContent';

const shop: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'shop' },
};

const render = (listVulnerabilities: jest.Mock) =>
  renderInTestApp(
    <EntityProvider entity={shop}>
      <EntityVulnerabilitiesContent />
    </EntityProvider>,
    { apis: [[inventoryApiRef, { listVulnerabilities }]] },
  );

describe('EntityVulnerabilitiesContent', () => {
  it("lists the advisories that hit the component's packages, most severe first", async () => {
    const list = jest.fn(async () => ({
      items: vulnerabilities.filter(
        v => v.entityRef === 'component:default/shop',
      ),
      suppressed: [],
    }));
    await render(list);
    expect(
      await screen.findByText('2 vulnerable packages'),
    ).toBeInTheDocument();
    expect(list).toHaveBeenCalledWith({
      entityRef: 'component:default/shop',
    });
    const rows = screen.getAllByRole('row').slice(1);
    expect(rows[0]).toHaveTextContent('critical');
    expect(rows[0]).toHaveTextContent('django 3.2.1');
    expect(rows[0]).toHaveTextContent('no fix yet');
    expect(rows[1]).toHaveTextContent('example-utils 4.17.20');
    expect(rows[1]).toHaveTextContent('4.17.21');
    expect(
      within(rows[1]).getByRole('link', {
        name: /^GHSA-aaaa, Opens in a new window$/,
      }),
    ).toHaveAttribute('href', 'https://advisories.test/GHSA-aaaa');
  });

  it('says nothing is known, and why that may be', async () => {
    await render(jest.fn(async () => ({ items: [], suppressed: [] })));
    expect(
      await screen.findByText('No known vulnerability'),
    ).toBeInTheDocument();
    expect(screen.getByText(/Without an SBOM/)).toBeInTheDocument();
  });

  it('lists the matches its owners stated do not affect it, with why', async () => {
    await render(jest.fn(async () => ({ items: [], suppressed })));
    expect(
      await screen.findByText('No known vulnerability'),
    ).toBeInTheDocument();
    expect(screen.getByText(/stated does not affect it/)).toBeInTheDocument();
    const row = screen
      .getByText('Hidden by VEX statements')
      .closest('div[class*="MuiPaper"]')!
      .querySelectorAll('tbody tr');
    expect(row).toHaveLength(1);
    expect(row[0]).toHaveTextContent('not affected: code not reachable');
  });
});
