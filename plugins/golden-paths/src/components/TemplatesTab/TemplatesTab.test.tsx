import { screen, within } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { goldenPathsApiRef, type GoldenPathsApi } from '../../api';
import { templateVersions } from '../../__fixtures__/goldenPaths';
import { TemplatesTab } from './TemplatesTab';

function renderTab(api: Pick<GoldenPathsApi, 'getTemplateVersions'>) {
  return renderInTestApp(<TemplatesTab />, {
    apis: [[goldenPathsApiRef, api]],
    mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
  });
}

const cardOf = (title: string) =>
  screen.getByText(title).closest('div[class*="MuiCard-root"]') as HTMLElement;

describe('TemplatesTab', () => {
  it('shows per template its latest version, components per version and the components behind', async () => {
    renderTab({ getTemplateVersions: jest.fn(async () => templateVersions) });

    expect(
      await screen.findByText('TypeScript HTTP service'),
    ).toBeInTheDocument();
    const card = cardOf('TypeScript HTTP service');
    expect(card).toHaveTextContent('latest version 2.1.0');
    expect(card).toHaveTextContent('6 components');
    expect(
      within(card).getByRole('link', { name: /typescript-service/ }),
    ).toHaveAttribute('href', '/catalog/default/template/typescript-service');

    const perVersion = within(card)
      .getByText('Components per version')
      .closest('div[class*="MuiPaper"]') as HTMLElement;
    expect(
      within(perVersion).getByText('2.1.0').closest('tr'),
    ).toHaveTextContent('3');
    expect(
      within(perVersion).getByText('2.0.0').closest('tr'),
    ).toHaveTextContent('2');
    expect(
      within(perVersion).getByText('1.0.0').closest('tr'),
    ).toHaveTextContent('1');

    const behind = within(card)
      .getByText('Behind version 2.1.0')
      .closest('div[class*="MuiPaper"]') as HTMLElement;
    const legacy = within(behind).getByRole('link', { name: /legacy-api/ });
    expect(legacy).toHaveAttribute(
      'href',
      '/catalog/default/component/legacy-api',
    );
    const legacyRow = legacy.closest('tr')!;
    expect(legacyRow).toHaveTextContent('1.0.0');
    expect(
      within(legacyRow).getByRole('link', { name: /team-a/ }),
    ).toHaveAttribute('href', '/catalog/default/group/team-a');
    const ownerless = within(behind)
      .getByRole('link', { name: /ownerless/ })
      .closest('tr')!;
    expect(ownerless).toHaveTextContent('—');

    const postgres = cardOf('PostgreSQL database');
    expect(postgres).toHaveTextContent('latest version 1.2.0');
    expect(postgres).toHaveTextContent(
      'No component was made with this template yet: create one from Golden paths (/create).',
    );
  });

  it('says what to do when no template has made a component', async () => {
    renderTab({
      getTemplateVersions: jest.fn(async () => [templateVersions[1]]),
    });
    expect(
      await screen.findByText('No template has created a component yet'),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: 'Golden paths (/create)' }),
    ).toHaveAttribute('href', '/create');
  });

  it('shows the error when the backend fails', async () => {
    renderTab({
      getTemplateVersions: jest.fn(async () => {
        throw new Error('catalog is unavailable');
      }),
    });
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Template versions could not be loaded: catalog is unavailable',
    );
  });
});
