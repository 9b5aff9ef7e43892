import { renderInTestApp } from '@backstage/frontend-test-utils';
import type { BackfillRun } from '@internal/plugin-dx-common';
import { screen, within } from '@testing-library/react';
import { backfill, fakeDxApi } from '../../__fixtures__/dx';
import { dxApiRef } from '../../api';
import { BackfillProgress, runState } from './BackfillProgress';

const run = (extra: Partial<BackfillRun>): BackfillRun => ({
  ...backfill.runs[0],
  ...extra,
});

describe('BackfillProgress', () => {
  it('shows each run: repositories read, events found and where it stands', async () => {
    const getBackfill = jest.fn(async () => ({
      sources: ['acme-github', 'local-repos'],
      runs: [
        run({
          id: '2',
          sourceId: 'local-repos',
          repository: 'shop',
          state: 'running',
          repositories: { total: 4, done: 1, failed: 0 },
          events: 35,
          secondsLeft: 190,
        }),
        backfill.runs[0],
      ],
    }));
    await renderInTestApp(<BackfillProgress />, {
      apis: [[dxApiRef, fakeDxApi({ getBackfill })]],
    });
    const table = await screen.findByRole('table', {
      name: 'History backfills',
    });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows[0]).toHaveTextContent('local-repos / shop');
    expect(rows[0]).toHaveTextContent('1 of 4');
    expect(rows[0]).toHaveTextContent('35');
    expect(rows[0]).toHaveTextContent('about 3 min left');
    expect(
      within(rows[0]).getByRole('progressbar', {
        name: '1 of 4 repositories read',
      }),
    ).toHaveAttribute('aria-valuenow', '25');
    expect(rows[1]).toHaveTextContent('acme-github');
    expect(rows[1]).toHaveTextContent('Sep 8, 2026 to Dec 7, 2026');
    expect(rows[1]).toHaveTextContent('12 of 12');
    expect(rows[1]).toHaveTextContent('1840');
    expect(rows[1]).toHaveTextContent(/done$/);
  });

  it('says where a run stands in words', () => {
    const now = Date.parse('2026-12-07T10:00:00Z');
    expect(
      runState(
        run({ state: 'running', pausedUntil: '2026-12-07T10:30:00Z' }),
        now,
      ),
    ).toMatch(/^paused by the host's rate limit until /);
    expect(
      runState(
        run({ state: 'running', pausedUntil: '2026-12-07T09:00:00Z' }),
        now,
      ),
    ).toBe('reading');
    expect(runState(run({ state: 'running', secondsLeft: 20 }))).toBe(
      'under a minute left',
    );
    expect(runState(run({ state: 'running', secondsLeft: 7200 }))).toBe(
      'about 2 h left',
    );
    expect(runState(run({ state: 'listing' }))).toBe('listing repositories');
    expect(
      runState(run({ state: 'failed', error: 'GitHub answered 404' })),
    ).toBe('failed: GitHub answered 404');
    expect(
      runState(run({ repositories: { total: 3, done: 2, failed: 1 } })),
    ).toBe('done, 1 repositories failed');
  });

  it('says when nothing was read yet, and shows nothing without sources', async () => {
    const { unmount } = await renderInTestApp(<BackfillProgress />, {
      apis: [
        [
          dxApiRef,
          fakeDxApi({
            getBackfill: jest.fn(async () => ({
              sources: ['acme-github'],
              runs: [],
            })),
          }),
        ],
      ],
    });
    expect(await screen.findByText(/No history read yet/)).toBeInTheDocument();
    unmount();
    await renderInTestApp(
      <div data-testid="host">
        <BackfillProgress />
      </div>,
      {
        apis: [
          [
            dxApiRef,
            fakeDxApi({
              getBackfill: jest.fn(async () => ({ sources: [], runs: [] })),
            }),
          ],
        ],
      },
    );
    await new Promise(r => setTimeout(r, 50));
    expect(screen.getByTestId('host')).toBeEmptyDOMElement();
  });
});
