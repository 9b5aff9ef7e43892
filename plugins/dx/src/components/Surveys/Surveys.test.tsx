import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { dxApiRef, type DxApi } from '../../api';
import { rootRouteRef } from '../../routes';
import { fakeDxApi } from '../../__fixtures__/dx';
import { DxPage } from '../DxPage';

function renderPage(url: string, overrides: Partial<DxApi> = {}) {
  const api = fakeDxApi(overrides);
  renderInTestApp(<DxPage />, {
    apis: [[dxApiRef, api]],
    mountPath: '/dx',
    initialRouteEntries: [url],
    mountedRoutes: {
      '/catalog/:namespace/:kind/:name': entityRouteRef,
      '/dx': rootRouteRef,
    },
  });
  return api;
}

describe('Surveys', () => {
  it('posts the answers of a portal survey and thanks the user', async () => {
    const api = renderPage('/dx?tab=surveys');
    const form = await screen.findByRole('form', {
      name: 'Developer experience, this quarter',
    });
    const submit = within(form).getByRole('button', { name: 'Submit' });
    // The scale question is required
    expect(submit).toBeDisabled();
    await userEvent.click(within(form).getByRole('radio', { name: '4' }));
    await userEvent.type(
      within(form).getByLabelText('What slows you down?'),
      '  slow reviews ',
    );
    expect(submit).toBeEnabled();
    const resultsReads = () =>
      (api.getSurveyResults as jest.Mock).mock.calls.filter(
        c => c[0] === 'quarterly',
      ).length;
    await waitFor(() => expect(resultsReads()).toBe(1));
    await userEvent.click(submit);

    await waitFor(() =>
      expect(api.submitSurveyResponse).toHaveBeenCalledWith('quarterly', {
        answers: { satisfaction: 4, comment: 'slow reviews' },
      }),
    );
    expect(
      await screen.findByText('Thank you, your answer was saved.'),
    ).toBeInTheDocument();
    // The results count the new answer: read again.
    await waitFor(() => expect(resultsReads()).toBe(2));
    expect(
      screen.queryByRole('form', {
        name: 'Developer experience, this quarter',
      }),
    ).toBeNull();
    // A survey answered this period offers no form
    expect(screen.queryByRole('form', { name: 'Tooling' })).toBeNull();
    expect(
      screen.getByText('You answered this survey this period.'),
    ).toBeInTheDocument();
    expect(screen.getByText('Answered')).toBeInTheDocument();
    // Golden-path surveys are answered after a run, not here
    expect(
      screen.queryByRole('form', { name: 'Your golden-path run' }),
    ).toBeNull();
  });

  it('says why an answer was not saved', async () => {
    renderPage('/dx?tab=surveys', {
      submitSurveyResponse: jest.fn(async () => {
        throw new Error('survey quarterly is closed');
      }),
    });
    const form = await screen.findByRole('form', {
      name: 'Developer experience, this quarter',
    });
    await userEvent.click(within(form).getByRole('radio', { name: '2' }));
    await userEvent.click(within(form).getByRole('button', { name: 'Submit' }));
    expect(await within(form).findByRole('alert')).toHaveTextContent(
      'Your answer could not be saved: survey quarterly is closed',
    );
  });

  it('shows results per survey for the team, hiding those of too few respondents', async () => {
    const api = renderPage('/dx?tab=surveys&owner=group%3Adefault%2Fteam-a');
    expect(
      await screen.findByText(
        'Fewer than 5 respondents: results hidden to keep answers anonymous.',
      ),
    ).toBeInTheDocument();
    // The current period of each survey's kind (golden-path: months).
    const now = new Date();
    const month = now.toISOString().slice(0, 7);
    expect(api.getSurveyResults).toHaveBeenCalledWith('tools', {
      owner: 'group:default/team-a',
      period: month,
    });
    expect(api.getSurveyResults).toHaveBeenCalledWith('quarterly', {
      owner: 'group:default/team-a',
      period: `${now.getUTCFullYear()}-Q${
        Math.floor(now.getUTCMonth() / 3) + 1
      }`,
    });
    expect(api.getSurveyResults).toHaveBeenCalledTimes(3);

    expect(await screen.findByText('12 respondents')).toBeInTheDocument();
    expect(
      screen.getByText('Mean 3.8 of 5 from 12 answers'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('1: 1 · 2: 1 · 3: 2 · 4: 4 · 5: 4'),
    ).toBeInTheDocument();
    // Comments are text, never markup
    expect(
      screen.getByText('<img src=x onerror=alert(1)> reviews'),
    ).toBeInTheDocument();
    expect(document.querySelector('img[src="x"]')).toBeNull();
    expect(
      screen.getByRole('figure', {
        name: 'Developer experience, this quarter: weekly trend',
      }),
    ).toBeInTheDocument();

    const buckets = await screen.findByRole('table', {
      name: 'By provisioning time',
    });
    expect(
      within(buckets).getByText('under 5 min').closest('tr'),
    ).toHaveTextContent('under 5 min64.5');

    // An earlier whole period, picked from the menu.
    const menus = screen.getAllByRole('combobox', { name: 'Period (month)' });
    // tools and golden-path: months; quarterly: quarters.
    expect(menus).toHaveLength(2);
    expect(within(menus[0]).getAllByRole('option')).toHaveLength(8);
    const previous = new Date(
      Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1),
    )
      .toISOString()
      .slice(0, 7);
    await userEvent.selectOptions(menus[0], previous);
    await waitFor(() =>
      expect(api.getSurveyResults).toHaveBeenLastCalledWith('tools', {
        owner: 'group:default/team-a',
        period: previous,
      }),
    );
  });

  it('posts the golden-path survey of a run with its taskId', async () => {
    const api = renderPage('/dx/survey/golden-path?taskId=task-42');
    const form = await screen.findByRole('form', {
      name: 'Your golden-path run',
    });
    expect(screen.getByText('About run task-42')).toBeInTheDocument();
    // The page's tabs are not shown here
    expect(screen.queryByRole('tab', { name: 'Delivery (DORA)' })).toBeNull();
    await userEvent.click(within(form).getByRole('radio', { name: '5' }));
    await userEvent.click(within(form).getByRole('button', { name: 'Submit' }));
    await waitFor(() =>
      expect(api.submitSurveyResponse).toHaveBeenCalledWith('golden-path', {
        answers: { ease: 5 },
        taskId: 'task-42',
      }),
    );
    expect(
      await screen.findByText('Thank you, your answer was saved.'),
    ).toBeInTheDocument();
  });

  it('asks for the run when the link has no taskId', async () => {
    const api = renderPage('/dx/survey/golden-path');
    expect(await screen.findByText('Which run?')).toBeInTheDocument();
    expect(screen.queryByRole('form')).toBeNull();
    expect(api.submitSurveyResponse).not.toHaveBeenCalled();
  });
});
