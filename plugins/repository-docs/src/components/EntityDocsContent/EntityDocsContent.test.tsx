import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { Entity } from '@backstage/catalog-model';
import { coreApis } from '@backstage/frontend-plugin-api';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import type { EntityDocs } from '@internal/plugin-repository-docs-common';
import { repositoryDocsApiRef } from '../../api';
import { EntityDocsContent } from './EntityDocsContent';

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'payments',
    annotations: { 'portal.dev/ingestion-repository': 'local-repos/payments' },
  },
  spec: { type: 'service', owner: 'team-payments', lifecycle: 'production' },
};
const entityRef = 'component:default/payments';

const docs: EntityDocs = {
  entityRef,
  sourceId: 'local-repos',
  repository: 'payments',
  commit: '0123456789abcdef0123',
  files: [
    { path: 'README.md', title: 'Payments' },
    { path: 'docs/runbook.md', title: 'Runbook' },
  ],
};

const markdown: Record<string, string> = {
  'README.md': [
    '# Payments',
    '',
    'Read the [runbook](docs/runbook.md#paging), the [guide](https://example.com/guide),',
    '[evil](javascript:alert(1)), [sneaky](JaVaScRiPt:alert(1)) and [the source](src/index.ts).',
    '',
    '| Stage | Owner |',
    '| ----- | ----- |',
    '| prod  | SRE   |',
    '',
    '<script>window.__pwned = "script"</script>',
    '<img src="x" onerror="window.__pwned = \'img\'">',
    '<a href="javascript:window.__pwned = \'a\'">raw link</a>',
  ].join('\n'),
  'docs/runbook.md': [
    '# Runbook',
    '',
    '## Paging',
    '',
    'Back to the [README](../README.md).',
    '',
    '![architecture](img/arch.png)',
  ].join('\n'),
};

function mockApi() {
  return {
    getEntityDocs: jest.fn(async () => docs),
    getDocsFile: jest.fn(async (_ref: string, path: string) => ({
      path,
      markdown: markdown[path],
    })),
    getDocsAsset: jest.fn(async () => new Blob(['png'], { type: 'image/png' })),
  };
}

function renderDocs(
  api: ReturnType<typeof mockApi>,
  url = '/catalog/default/component/payments/docs',
) {
  return renderInTestApp(
    <EntityProvider entity={entity}>
      <EntityDocsContent />
    </EntityProvider>,
    {
      apis: [[repositoryDocsApiRef, api]],
      mountPath: '/catalog/:namespace/:kind/:name/docs',
      initialRouteEntries: [url],
    },
  );
}

describe('EntityDocsContent', () => {
  const createObjectURL = jest.fn(() => 'blob:http://localhost/arch');
  const revokeObjectURL = jest.fn();
  beforeAll(() => {
    // jsdom has no object URLs.
    Object.assign(URL, { createObjectURL, revokeObjectURL });
  });
  afterAll(() => {
    delete (URL as Partial<typeof URL>).createObjectURL;
    delete (URL as Partial<typeof URL>).revokeObjectURL;
  });
  afterEach(() => {
    delete (window as { __pwned?: string }).__pwned;
  });

  it('lists the files, README first, and renders the README as GitHub-flavoured Markdown', async () => {
    const api = mockApi();
    await renderDocs(api);

    expect(
      await screen.findByRole('heading', { level: 1, name: 'Payments' }),
    ).toBeInTheDocument();
    expect(api.getDocsFile).toHaveBeenCalledWith(entityRef, 'README.md');
    const files = within(
      screen.getByRole('navigation', { name: 'Docs files' }),
    );
    expect(files.getAllByRole('button').map(b => b.textContent)).toEqual([
      'PaymentsREADME.md',
      'Runbookdocs/runbook.md',
    ]);
    // A GFM table
    expect(screen.getByRole('table')).toHaveTextContent('prod');
    expect(screen.getByRole('cell', { name: 'SRE' })).toBeInTheDocument();

    // Absolute http(s) links stay links, opening normally.
    expect(screen.getByRole('link', { name: /guide/ })).toHaveAttribute(
      'href',
      'https://example.com/guide',
    );
    // Other schemes and files without a viewer are plain text.
    expect(screen.getByText(/Read the/)).toHaveTextContent(
      'evil, sneaky and the source.',
    );
    for (const name of ['evil', 'sneaky', 'the source', 'raw link']) {
      expect(screen.queryByRole('link', { name })).not.toBeInTheDocument();
    }
    expect(screen.getByText('raw link')).toBeInTheDocument();
  });

  it('does not render raw HTML scripts or event handlers', async () => {
    const { container } = await renderDocs(mockApi());
    await screen.findByRole('heading', { level: 1, name: 'Payments' });

    expect(container.querySelector('script')).toBeNull();
    expect(container.querySelector('img[onerror]')).toBeNull();
    expect(
      container.querySelector('[onerror], [onclick], [onload]'),
    ).toBeNull();
    for (const a of Array.from(container.querySelectorAll('a'))) {
      expect(a.getAttribute('href') ?? '').not.toMatch(/^\s*javascript:/i);
    }
    expect((window as { __pwned?: string }).__pwned).toBeUndefined();
  });

  it('switches the file on a relative .md link and back, keeping it in the URL', async () => {
    const api = mockApi();
    const { apis } = await renderDocs(api);

    await userEvent.click(await screen.findByRole('link', { name: 'runbook' }));

    expect(
      await screen.findByRole('heading', { level: 1, name: 'Runbook' }),
    ).toBeInTheDocument();
    expect(api.getDocsFile).toHaveBeenLastCalledWith(
      entityRef,
      'docs/runbook.md',
    );
    const { location } = apis.get(coreApis.appHistory)!.getSnapshot();
    expect(location.pathname).toBe('/catalog/default/component/payments/docs');
    expect(new URLSearchParams(location.search).get('doc')).toBe(
      'docs/runbook.md',
    );
    expect(location.hash).toBe('#paging');
    expect(screen.getByRole('button', { name: /Runbook/ })).toHaveClass(
      'Mui-selected',
    );

    // ../README.md from docs/runbook.md is the README again.
    await userEvent.click(screen.getByRole('link', { name: 'README' }));
    expect(
      await screen.findByRole('heading', { level: 1, name: 'Payments' }),
    ).toBeInTheDocument();
    expect(api.getDocsFile).toHaveBeenLastCalledWith(entityRef, 'README.md');
  });

  it('shows relative images through the API as object URLs', async () => {
    const api = mockApi();
    await renderDocs(
      api,
      '/catalog/default/component/payments/docs?doc=docs%2Frunbook.md',
    );

    const image = await screen.findByRole('img', { name: 'architecture' });
    await waitFor(() =>
      expect(image).toHaveAttribute('src', 'blob:http://localhost/arch'),
    );
    expect(api.getDocsAsset).toHaveBeenCalledWith(
      entityRef,
      'docs/img/arch.png',
    );
    expect(api.getDocsAsset).toHaveBeenCalledTimes(1);
  });

  it('switches the file from the file list', async () => {
    const api = mockApi();
    await renderDocs(api);
    await screen.findByRole('heading', { level: 1, name: 'Payments' });

    await userEvent.click(screen.getByRole('button', { name: /Runbook/ }));

    expect(
      await screen.findByRole('heading', { level: 1, name: 'Runbook' }),
    ).toBeInTheDocument();
  });

  it('explains how to add docs when the repository has none', async () => {
    const api = mockApi();
    api.getEntityDocs.mockResolvedValue({ ...docs, files: [] });
    await renderDocs(api);
    expect(
      await screen.findByText('No docs in this repository'),
    ).toBeInTheDocument();
    expect(api.getDocsFile).not.toHaveBeenCalled();
  });

  it("says which file could not be loaded with the server's reason, without a stack trace", async () => {
    const api = mockApi();
    api.getDocsFile.mockRejectedValue(
      Object.assign(new Error('Request failed with 404 Not Found'), {
        name: 'ResponseError',
        cause: {
          name: 'NotFoundError',
          message: 'README.md is not in the last ingestion of payments',
        },
      }),
    );
    await renderDocs(api);
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent(
      'README.md could not be loaded: README.md is not in the last ingestion of payments',
    );
    expect(alert).not.toHaveTextContent('Request failed');
    expect(screen.queryByText(/Stack Trace/i)).toBeNull();
  });
});
