import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { rootRouteRef } from '../../routes';
import { dora } from '../../__fixtures__/dx';
import { DoraTiles } from './DoraTiles';

function renderTiles(value = dora) {
  const onDrill = jest.fn();
  renderInTestApp(
    <DoraTiles
      dora={value}
      previousLabel="Previous 30 days"
      onDrill={onDrill}
    />,
    { mountedRoutes: { '/dx': rootRouteRef } },
  );
  return { onDrill };
}

const tile = (name: string) => screen.findByRole('group', { name });

describe('DoraTiles', () => {
  it('shows the fifth key, deployment rework rate, without a level', async () => {
    renderTiles();
    const rework = await tile('Deployment rework rate');
    expect(screen.getAllByRole('group')).toHaveLength(5);
    expect(screen.getByTestId('dora-rework-rate')).toHaveTextContent('14.3%');
    expect(rework).toHaveTextContent('from 42 deployments, 6 rework');
    expect(rework).toHaveTextContent(
      '3 by label, 2 by branch, 2 after an incident',
    );
    expect(rework).toHaveTextContent('No DORA level');
    expect(within(rework).getByTestId('previous')).toBeInTheDocument();
    expect(
      within(rework).getByRole('link', { name: 'How we count this' }),
    ).toHaveAttribute('href', '/dx?tab=definitions#rework-rate');
  });

  it('lists beside each number what is missing and how to fix it', async () => {
    const { onDrill } = renderTiles();
    const lead = await tile('Lead time for changes');
    const why = within(lead).getByRole('button', {
      name: 'Why this number (2)',
    });
    expect(why).toHaveAttribute('aria-expanded', 'false');
    await userEvent.click(why);
    expect(why).toHaveAttribute('aria-expanded', 'true');
    // Opening the list does not open the tile's rows.
    expect(onDrill).not.toHaveBeenCalled();
    const list = within(lead).getByRole('list', { name: 'What is missing' });
    const items = within(list).getAllByRole('listitem');
    expect(items).toHaveLength(2);
    expect(items[1]).toHaveTextContent(
      '4 production deployments shipped no change we know of and carry no commit SHA to find one by.',
    );
    expect(items[1]).toHaveTextContent('Fix: Send the deployed commit');
    expect(items[1]).toHaveTextContent(
      'For example: cdevents:ci:deploy-1, cdevents:very-long-source-name',
    );

    // Each tile lists only its own: recovery time has none.
    const recovery = await tile('Failed deployment recovery time');
    expect(
      within(recovery).queryByRole('button', { name: /Why this number/ }),
    ).toBeNull();
    const failure = await tile('Change failure rate');
    expect(
      within(failure).getByRole('button', { name: 'Why this number (2)' }),
    ).toBeInTheDocument();
    const rework = await tile('Deployment rework rate');
    expect(
      within(rework).getByRole('button', { name: 'Why this number (2)' }),
    ).toBeInTheDocument();
  });

  it('answers from the roll-ups (no rework rate) and from older servers (no diagnostics)', async () => {
    renderTiles({ ...dora, reworkRate: undefined, diagnostics: undefined });
    const rework = await tile('Deployment rework rate');
    expect(screen.getByTestId('dora-rework-rate')).toHaveTextContent('—');
    expect(rework).toHaveTextContent('Not in the daily roll-ups');
    expect(
      screen.queryByRole('button', { name: /Why this number/ }),
    ).toBeNull();
  });
});
