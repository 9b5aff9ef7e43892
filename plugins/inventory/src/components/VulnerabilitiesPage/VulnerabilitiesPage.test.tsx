import { screen, within } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { inventoryApiRef } from '../../api';
import { suppressed, vulnerabilities } from '../Vulnerabilities/fixtures';
import {
  byComponent,
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
    await render(
      jest.fn(async () => ({ items: vulnerabilities, suppressed: [] })),
    );
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

    // By component: the worst first, with its owner.
    const components = within(tableOf('By component'))
      .getAllByRole('row')
      .slice(1);
    expect(components).toHaveLength(2);
    expect(components[0]).toHaveTextContent('shop');
    expect(components[0]).toHaveTextContent('critical');
    expect(components[0]).toHaveTextContent('team-a');
    expect(components[1]).toHaveTextContent('ledger');
    expect(components[1]).toHaveTextContent('high');
    expect(screen.queryByText('Hidden by VEX statements')).toBeNull();
  });

  it('shows matches hidden by VEX apart, with the statement, and those in triage as such', async () => {
    const triaged = {
      ...vulnerabilities[1],
      vex: {
        ...suppressed[0].vex!,
        state: 'in_triage' as const,
        justification: undefined,
      },
    };
    await render(
      jest.fn(async () => ({
        items: [vulnerabilities[0], triaged, vulnerabilities[2]],
        suppressed,
      })),
    );
    const hidden = await screen.findByText('Hidden by VEX statements');
    const rows = within(hidden.closest('div[class*="MuiPaper"]') as HTMLElement)
      .getAllByRole('row')
      .slice(1);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toHaveTextContent('example-utils 4.17.18');
    expect(rows[0]).toHaveTextContent('not affected: code not reachable');
    expect(rows[0]).toHaveTextContent(
      'The merge helper is never called with user input.',
    );
    expect(rows[0]).toHaveTextContent('Nov 28, 2026');
    expect(
      within(rows[0]).getByRole('link', { name: 'ledger' }),
    ).toBeInTheDocument();
    // ledger's other match is in triage: shown, and said so.
    const cve = within(tableOf('By vulnerability'))
      .getAllByRole('row')
      .slice(1)[1];
    expect(cve).toHaveTextContent(/ledger\s*in triage/);
  });

  it('groups by vulnerability key and counts per team and component', () => {
    expect(
      byComponent(vulnerabilities).map(r => [
        r.entityRef,
        r.worst,
        r.vulnerabilities,
        r.fixable,
      ]),
    ).toEqual([
      ['component:default/shop', 'critical', 2, 1],
      ['component:default/ledger', 'high', 1, 1],
    ]);
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
    await render(jest.fn(async () => ({ items: [], suppressed: [] })));
    expect(
      await screen.findByText('No component is hit by a known advisory'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/catalog\.ingestion\.advisories\.sources/),
    ).toBeInTheDocument();
  });
});
