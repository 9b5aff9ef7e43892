import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { Entity } from '@backstage/catalog-model';
import { coreApis } from '@backstage/frontend-plugin-api';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { normalizeGenericEvent } from '@internal/plugin-dx-common';
import { dxApiRef, type DxApi } from '../../api';
import { rootRouteRef } from '../../routes';
import { adoption, emptyDora, fakeDxApi, rollup } from '../../__fixtures__/dx';
import { genericExample } from '../shared/HowToSendEvents';
import { DxPage } from './DxPage';

const group = (name: string, displayName: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name },
  spec: { type: 'team', children: [], profile: { displayName } },
});

const DAY = 86_400_000;

function renderPage(url = '/dx', overrides: Partial<DxApi> = {}) {
  const api = fakeDxApi(overrides);
  const result = renderInTestApp(<DxPage />, {
    apis: [
      [dxApiRef, api],
      catalogApiMock({
        entities: [group('team-a', 'Team A'), group('team-b', 'Team B')],
      }),
    ],
    mountPath: '/dx',
    initialRouteEntries: [url],
    mountedRoutes: {
      '/catalog/:namespace/:kind/:name': entityRouteRef,
      '/dx': rootRouteRef,
    },
  });
  const search = () =>
    result.apis.get(coreApis.appHistory)!.getSnapshot().location.search;
  return { api, search, ...result };
}

const tile = (name: string) => screen.findByRole('group', { name });

describe('DxPage', () => {
  it('shows the four keys of the organisation with levels, samples, the previous period and what could not be linked', async () => {
    const { api } = renderPage();
    const frequency = await tile('Deployment frequency');
    expect(
      screen.getByRole('tab', { name: 'Delivery (DORA)' }),
    ).toHaveAttribute('aria-selected', 'true');

    // The organisation over the last 30 whole UTC days (today included),
    // which the backend answers from its daily roll-ups
    expect(api.getDora).toHaveBeenCalledTimes(1);
    const [query] = api.getDora.mock.calls[0];
    expect(query.owner).toBeUndefined();
    expect(query.entityRef).toBeUndefined();
    expect(query.rows).toBeUndefined();
    expect(query.timeZone).toBe('UTC');
    expect(query.to.getTime() - query.from.getTime()).toBe(30 * DAY);
    expect(query.to.getTime() % DAY).toBe(0);
    expect(query.to.getTime()).toBeGreaterThan(Date.now());
    expect(query.to.getTime() - Date.now()).toBeLessThanOrEqual(DAY);

    expect(
      screen.getByText('Delivery (DORA) of the organisation'),
    ).toBeInTheDocument();
    expect(screen.getByText('Overall: Medium')).toBeInTheDocument();

    expect(
      within(frequency).getByTestId('dora-deployment-frequency'),
    ).toHaveTextContent('9.8 / week');
    expect(frequency).toHaveTextContent('Elite');
    expect(frequency).toHaveTextContent('from 42 deployments');
    expect(frequency).toHaveTextContent('Previous 30 days: 7 / week');
    expect(within(frequency).getByLabelText('up')).toBeInTheDocument();
    expect(frequency).toHaveTextContent('3 failed deployments left out');
    expect(frequency).toHaveTextContent(
      '5 deployments not to production left out',
    );
    // Its definition, linked to the full one on the Definitions tab
    expect(
      within(frequency).getByRole('link', { name: 'How we count this' }),
    ).toHaveAttribute('href', '/dx?tab=definitions#deployment-frequency');

    const lead = await tile('Lead time for changes');
    expect(within(lead).getByTestId('dora-lead-time')).toHaveTextContent(
      '2.5 d median · p90 6 d',
    );
    expect(lead).toHaveTextContent('High');
    expect(lead).toHaveTextContent('from 57 changes');
    expect(lead).toHaveTextContent('Previous 30 days, median: 3 d');
    expect(lead).toHaveTextContent('Previous 30 days, p90: 8 d');
    expect(lead).toHaveTextContent(
      '4 deployments shipped no change we know of',
    );
    expect(lead).toHaveTextContent(
      '6 changes landed in the range but not deployed',
    );
    expect(lead).toHaveTextContent(
      '2 changes measured from the merge (no commit times)',
    );

    const failure = await tile('Change failure rate');
    expect(
      within(failure).getByTestId('dora-change-failure-rate'),
    ).toHaveTextContent('11.9%');
    expect(failure).toHaveTextContent('Medium');
    expect(failure).toHaveTextContent('from 42 deployments, 5 failed');
    expect(failure).toHaveTextContent('Previous 30 days: 10%');
    expect(failure).toHaveTextContent('1.9 pp');
    expect(failure).toHaveTextContent(
      '2 incidents followed no deployment (not linked)',
    );

    const recovery = await tile('Failed deployment recovery time');
    expect(
      within(recovery).getByTestId('dora-recovery-time'),
    ).toHaveTextContent('3 h median');
    expect(recovery).toHaveTextContent('from 5 resolved incidents');
    expect(recovery).toHaveTextContent('Previous 30 days: 5 h');
    expect(recovery).toHaveTextContent('1 incident still open');
    expect(recovery).toHaveTextContent(
      '1 resolution without an opening event (not linked)',
    );

    expect(
      screen.getByRole('figure', { name: 'Deployments per day' }),
    ).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Download CSV' })).toHaveAttribute(
      'href',
      'http://backend.test/api/dx/metrics/dora.csv',
    );
    // The organisation also sees what could not be mapped
    expect(
      await screen.findByRole('table', { name: 'Unmapped events' }),
    ).toHaveTextContent('no entity with repository acme/legacy');
  });

  it('downloads the CSV with the same scope and range', async () => {
    const createObjectURL = jest.fn((_blob: Blob) => 'blob:dora');
    const revokeObjectURL = jest.fn();
    Object.assign(URL, { createObjectURL, revokeObjectURL });
    try {
      const { api } = renderPage('/dx?owner=group%3Adefault%2Fteam-a&days=90');
      const link = await screen.findByRole('link', { name: 'Download CSV' });
      // Named by what, whose and when.
      expect(link.getAttribute('download')).toMatch(
        /^dora_team-a_\d{4}-\d{2}-\d{2}_\d{4}-\d{2}-\d{2}\.csv$/,
      );
      await userEvent.click(link);
      await waitFor(() => expect(createObjectURL).toHaveBeenCalledTimes(1));
      const [query] = api.getDoraCsv.mock.calls[0];
      expect(query.owner).toBe('group:default/team-a');
      expect(query.to.getTime() - query.from.getTime()).toBe(90 * DAY);
      expect(await createObjectURL.mock.calls[0][0].text()).toBe(
        'metric,value\n',
      );
      expect(revokeObjectURL).toHaveBeenCalledWith('blob:dora');
    } finally {
      Object.assign(URL, {
        createObjectURL: undefined,
        revokeObjectURL: undefined,
      });
    }
  });

  it('opens the rows of a tile, kept in the URL', async () => {
    const { api, search } = renderPage();
    const lead = await tile('Lead time for changes');
    await userEvent.click(
      within(lead).getByRole('button', { name: 'Show the changes' }),
    );
    const rows = await screen.findByTestId('dora-drill-down');
    expect(await within(rows).findByText('pr-101')).toBeInTheDocument();
    expect(rows).toHaveTextContent('Changes and their lead time (1 row)');
    expect(api.getDora).toHaveBeenLastCalledWith(
      expect.objectContaining({ rows: true }),
    );
    expect(search()).toBe('?drill=lead-time');

    // Deployments come from the stored events; titles are text
    await userEvent.click(
      within(await tile('Deployment frequency')).getByRole('button', {
        name: 'Show the deployments',
      }),
    );
    expect(
      await within(screen.getByTestId('dora-drill-down')).findByText(
        'Release <b>42</b>',
      ),
    ).toBeInTheDocument();
    expect(document.querySelector('b')).toBeNull();
    expect(api.listEvents).toHaveBeenCalledWith(
      expect.objectContaining({ kind: 'deployment', limit: 1000 }),
    );
    expect(search()).toBe('?drill=deployments');
    expect(screen.getByTestId('dora-drill-down')).toHaveTextContent('counted');

    await userEvent.click(
      screen.getByRole('button', { name: 'Close the rows' }),
    );
    await waitFor(() =>
      expect(screen.queryByTestId('dora-drill-down')).toBeNull(),
    );
    expect(search()).toBe('');
  });

  it('asks for the team selected, and for the range selected', async () => {
    const { api, search } = renderPage();
    await tile('Deployment frequency');
    const scope = screen.getByLabelText('Scope');
    await screen.findByRole('option', { name: 'Team Team A' });
    await userEvent.selectOptions(scope, 'Team Team A');

    await waitFor(() =>
      expect(api.getDora).toHaveBeenLastCalledWith(
        expect.objectContaining({ owner: 'group:default/team-a' }),
      ),
    );
    expect(search()).toBe('?owner=group%3Adefault%2Fteam-a');
    // The team by name, not as the raw ref of the query.
    const heading = await screen.findByRole('heading', {
      name: /^Delivery \(DORA\) of team-a/,
    });
    expect(heading).toHaveTextContent('Delivery (DORA) of team-a (3 entities)');
    expect(heading).not.toHaveTextContent('group:default/');
    // Unmapped events have no owner: not shown for a team
    await waitFor(() =>
      expect(screen.queryByText('Events not linked to an entity')).toBeNull(),
    );

    await userEvent.selectOptions(
      screen.getByLabelText('Time range'),
      'Last 90 days',
    );
    await waitFor(() => {
      const [q] = api.getDora.mock.calls.at(-1)!;
      expect(q.to.getTime() - q.from.getTime()).toBe(90 * DAY);
      expect(q.owner).toBe('group:default/team-a');
    });
    expect(search()).toBe('?owner=group%3Adefault%2Fteam-a&days=90');
    expect(
      within(await tile('Deployment frequency')).getByTestId('previous'),
    ).toHaveTextContent('Previous 90 days');
  });

  it('explains how to send events when there are no deployments', async () => {
    renderPage('/dx', { getDora: jest.fn(async () => emptyDora) });
    expect(
      await screen.findByText('No deployments in this range'),
    ).toBeInTheDocument();
    expect(document.body).toHaveTextContent(
      'Send deployments to POST /api/dx/events (format cdevents or generic) with a Backstage token, or point a GitHub webhook at /api/dx/webhooks/github',
    );
    const example = screen.getByTestId('generic-event-example');
    expect(JSON.parse(example.textContent!)).toEqual(genericExample());
    expect(
      screen.queryByRole('figure', { name: 'Deployments per day' }),
    ).toBeNull();
    expect(await tile('Deployment frequency')).toHaveTextContent(
      'from 0 deployments',
    );
  });

  it('gives an example the generic format accepts', () => {
    const { format, events } = genericExample('component:default/checkout');
    expect(format).toBe('generic');
    const result = normalizeGenericEvent(events[0]);
    expect(result).toMatchObject({
      ok: true,
      event: {
        kind: 'deployment',
        outcome: 'success',
        environment: 'production',
        subject: { entityRef: 'component:default/checkout' },
      },
    });
    expect(result.ok && result.ignoredFields).toBeFalsy();
  });

  it('shows an error panel for the section that failed while the others render', async () => {
    renderPage('/dx', {
      getUnmappedEvents: jest.fn(async () => {
        throw new Error('relation "dx_events" does not exist');
      }),
    });
    expect(
      await screen.findByText(
        /Unmapped events could not be loaded: relation "dx_events" does not exist/,
      ),
    ).toBeInTheDocument();
    expect(
      within(await tile('Deployment frequency')).getByTestId(
        'dora-deployment-frequency',
      ),
    ).toHaveTextContent('9.8 / week');
  });

  it('shows the DORA error and still the unmapped events', async () => {
    renderPage('/dx', {
      getDora: jest.fn(async () => {
        throw new Error('Request failed with 404 Not Found');
      }),
    });
    expect(
      await screen.findByText(
        /Delivery \(DORA\) could not be loaded: Request failed with 404 Not Found/,
      ),
    ).toBeInTheDocument();
    expect(
      await screen.findByRole('table', { name: 'Unmapped events' }),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('group', { name: 'Deployment frequency' }),
    ).toBeNull();
  });

  it('compares golden paths with the rest', async () => {
    const { api } = renderPage('/dx?tab=golden-paths');
    const table = await screen.findByRole('table', {
      name: 'Golden paths vs the rest',
    });
    expect(api.getGoldenPaths).toHaveBeenCalledTimes(1);
    expect(
      screen.getByText(/^Organisation-wide: 12 components made/),
    ).toBeInTheDocument();
    const row = within(table).getByText('Deployment frequency').closest('tr')!;
    expect(row).toHaveTextContent('9.8 / week');
    expect(row).toHaveTextContent('7 / week');
    expect(row).toHaveTextContent('from 42 deployments');
    const overall = within(table).getByText('Overall level').closest('tr')!;
    expect(overall).toHaveTextContent('Medium');
    expect(overall).toHaveTextContent('Low');
    expect(
      screen.getByRole('figure', {
        name: 'Deployment frequency: golden paths and the rest',
      }),
    ).toBeInTheDocument();
  });

  it('lists every definition with its source, each at its anchor', async () => {
    renderPage('/dx?tab=definitions');
    const lead = await screen.findByText('Lead time for changes');
    const card = lead.closest('[id]') as HTMLElement;
    expect(card.id).toBe('lead-time');
    expect(card).toHaveTextContent('median (mean of the middle two)');
    expect(card).toHaveTextContent('Other tools: Four Keys and DevLake');
    expect(
      screen.getByText(/Divided by deployments, as DORA and DevLake do/),
    ).toBeInTheDocument();
  });

  it('shows adoption with counts, previous period and the components counted', async () => {
    const { api, search } = renderPage(
      '/dx?tab=adoption&owner=group%3Adefault%2Fteam-a',
    );
    const golden = await tile('From a golden path');
    expect(golden).toHaveTextContent('30%');
    expect(golden).toHaveTextContent('12 of 40 components');
    expect(await tile('On the newest template version')).toHaveTextContent(
      '9 of 12 components made from a template',
    );
    expect(await tile('Golden gate requests')).toHaveTextContent(
      '5 approved, 1 rejected, 2 pending',
    );
    expect(await tile('Gate waits')).toHaveTextContent('2 h median · p90 20 h');
    expect(await tile('Provisioning time')).toHaveTextContent(
      '4 min p50 · p95 9 min',
    );
    // This period and the one before, for the team
    expect(api.getAdoption).toHaveBeenCalledTimes(2);
    const [current, previous] = api.getAdoption.mock.calls.map(c => c[0]);
    expect(current.owner).toBe('group:default/team-a');
    expect(previous.owner).toBe('group:default/team-a');
    expect(previous.to).toEqual(current.from);
    // The same numbers as CSV, for the team and range shown
    const csv = await screen.findByRole('link', { name: 'Download CSV' });
    await waitFor(() =>
      expect(csv.getAttribute('href')).toContain(
        '/metrics/adoption.csv?owner=group%3Adefault%2Fteam-a&from=',
      ),
    );

    await userEvent.click(
      within(golden).getByRole('button', { name: 'Show the components' }),
    );
    const rows = await screen.findByTestId('adoption-drill-down');
    expect(await within(rows).findByText('1.2.0 (1.3.0)')).toBeInTheDocument();
    expect(api.getAdoption).toHaveBeenLastCalledWith(
      expect.objectContaining({ rows: true, owner: 'group:default/team-a' }),
    );
    expect(search()).toContain('drill=components');
  });

  it('shows more failed provisioning runs as worse, not as growth', async () => {
    // The period before: 12 runs, none failed; now 12 completed, 2 failed.
    const before = {
      ...adoption,
      provisioning: { ...adoption.provisioning, runs: 12, failed: 0 },
    };
    renderPage('/dx?tab=adoption', {
      getAdoption: async q =>
        q.to && q.to.getTime() < Date.now() - 86_400_000 ? before : adoption,
    });
    const runs = await tile('Provisioning runs');
    const [completed, failed] = within(runs).getAllByTestId('previous');
    expect(completed).toHaveTextContent('completed: 12(no change)');
    expect(failed).toHaveTextContent('failed: 0+2');
    expect(within(failed).getByTitle('worse')).toBeInTheDocument();
  });

  it('shows the scorecards of the organisation with each team', async () => {
    const { api } = renderPage('/dx?tab=scorecards');
    expect(await screen.findByTestId('scorecard-score')).toHaveTextContent(
      '72%',
    );
    expect(api.getScorecardRollup).toHaveBeenCalledWith(
      expect.objectContaining({ owner: undefined }),
    );
    expect(screen.getByText('No level: 2')).toBeInTheDocument();
    expect(screen.getAllByText('Silver: 4').length).toBeGreaterThan(0);
    expect(
      screen.getByText('Has an SLO (Silver): 5 entities'),
    ).toBeInTheDocument();
    expect(document.body).toHaveTextContent('On Nov 1: 60%');
    expect(
      screen.getByRole('figure', { name: 'Production readiness: trend' }),
    ).toBeInTheDocument();
    const teams = screen.getByRole('table', { name: 'Scorecards per team' });
    expect(teams).toHaveTextContent('team-a');
    expect(teams).toHaveTextContent('85%');
  });

  it('draws no trend from a single day', async () => {
    const [card] = rollup.items;
    renderPage('/dx?tab=scorecards', {
      getScorecardRollup: async () => ({
        ...rollup,
        items: [{ ...card, trend: card.trend.slice(0, 1) }],
      }),
    });
    expect(
      await screen.findByText(
        `One day of results so far (${card.trend[0].day}); the trend shows from the second day on.`,
      ),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('figure', { name: 'Production readiness: trend' }),
    ).toBeNull();
  });

  it('claims no score and no passing check for a scorecard that judged nothing yet', async () => {
    const [card] = rollup.items;
    renderPage('/dx?tab=scorecards', {
      getScorecardRollup: async () => ({
        ...rollup,
        items: [
          {
            ...card,
            entities: 0,
            byLevel: {},
            score: 0,
            failing: [],
            trend: [],
          },
        ],
        teams: [],
      }),
    });
    expect(
      await screen.findByText(
        /No entity has been judged against this scorecard in this range yet/,
      ),
    ).toBeInTheDocument();
    expect(screen.queryByTestId('scorecard-score')).toBeNull();
    expect(screen.queryByText('Every check passes.')).toBeNull();
  });

  it('shows onboarding in days with the previous period', async () => {
    const { api } = renderPage('/dx?tab=onboarding');
    expect(await tile('Time to first change')).toHaveTextContent('4 days');
    expect(await tile('Time to first change')).toHaveTextContent(
      'median of 2 users of 3 who made one',
    );
    expect(await tile('Time to first deployment')).toHaveTextContent('9 days');
    expect(await tile('New users')).toHaveTextContent('Previous 30 days: 3');
    expect(api.getOnboarding).toHaveBeenCalledTimes(2);
    expect(await screen.findByText('New users (1 row)')).toBeInTheDocument();
  });
});
