import { screen, within } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { inventoryApiRef } from '../../api';
import { vulnerabilities } from '../Vulnerabilities/fixtures';
import {
  byTeam,
  byVulnerability,
  VulnerabilitiesPage,
} from './VulnerabilitiesPage';

const render = (listVulnerabilities: jest.Mock) =>
  renderInTestApp(<VulnerabilitiesPage />, {
    apis: [[inventoryApiRef, { listVulnerabilities }]],
    mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
  });

const tableOf = (title: string) =>
  screen.getByText(title).closest('div[class*="MuiPaper"]') as HTMLElement;

describe('VulnerabilitiesPage', () => {
  it('lists each vulnerability once, most severe first, with the components and owners it hits', async () => {
    await render(jest.fn(async () => ({ items: vulnerabilities })));
    expect(await screen.findByText('By vulnerability')).toBeInTheDocument();
    const rows = within(tableOf('By vulnerability'))
      .getAllByRole('row')
      .slice(1);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toHaveTextContent('critical');
    expect(rows[0]).toHaveTextContent('PYSEC-2026-7');
    expect(rows[0]).toHaveTextContent('no fix yet');
    expect(rows[1]).toHaveTextContent('GHSA-aaaa');
    expect(rows[1]).toHaveTextContent('CVE-2026-1111');
    expect(rows[1]).toHaveTextContent(
      'example-utils 4.17.19, example-utils 4.17.20',
    );
    expect(rows[1]).toHaveTextContent('4.17.21');
    // Components and owners by name, linked; since the first one was hit.
    expect(
      within(rows[1]).getByRole('link', { name: 'ledger' }),
    ).toHaveAttribute('href', '/catalog/default/component/ledger');
    expect(
      within(rows[1]).getByRole('link', { name: 'team-b' }),
    ).toBeInTheDocument();
    expect(rows[1]).toHaveTextContent('Nov 18, 2026');
    expect(rows[1]).not.toHaveTextContent('component:default/');

    const teams = within(tableOf('By team')).getAllByRole('row').slice(1);
    expect(teams[0]).toHaveTextContent('team-a');
    expect(teams[0]).toHaveTextContent(/1\s*2\s*1\s*1/);
  });

  it('groups by vulnerability key and counts per team', () => {
    expect(
      byVulnerability(vulnerabilities).map(r => [r.vulnKey, r.components]),
    ).toEqual([
      ['PYSEC-2026-7', ['component:default/shop']],
      ['CVE-2026-1111', ['component:default/ledger', 'component:default/shop']],
    ]);
    expect(byTeam(vulnerabilities)).toEqual([
      {
        owner: 'group:default/team-a',
        components: 1,
        vulnerabilities: 2,
        critical: 1,
        high: 1,
      },
      {
        owner: 'group:default/team-b',
        components: 1,
        vulnerabilities: 1,
        critical: 0,
        high: 1,
      },
    ]);
  });

  it('says where advisories come from when nothing is hit, and errors in words', async () => {
    await render(jest.fn(async () => ({ items: [] })));
    expect(
      await screen.findByText('No component is hit by a known advisory'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/catalog\.ingestion\.advisories\.sources/),
    ).toBeInTheDocument();
  });
});
