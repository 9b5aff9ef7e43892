import { screen } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import type { Entity } from '@backstage/catalog-model';
import { CatalogGlance } from './CatalogGlance';

const entity = (kind: string, name: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind,
  metadata: { name },
  spec: {},
});

describe('CatalogGlance', () => {
  it('counts entities per kind and links each count to the filtered catalog', async () => {
    const catalogApi = catalogApiMock({
      entities: [
        entity('Component', 'a'),
        entity('Component', 'b'),
        entity('Component', 'c'),
        entity('API', 'd'),
        entity('Group', 'team'),
      ],
    });
    await renderInTestApp(<CatalogGlance />, {
      apis: [catalogApi],
    });

    expect(await screen.findByTestId('glance-Component')).toHaveTextContent(
      '3',
    );
    expect(screen.getByTestId('glance-API')).toHaveTextContent('1');
    expect(screen.getByTestId('glance-Group')).toHaveTextContent('1');
    expect(screen.getByTestId('glance-System')).toHaveTextContent('0');
    expect(screen.getByText('Components').closest('a')).toHaveAttribute(
      'href',
      '/catalog?filters[kind]=component',
    );
  });

  it("says the counts could not be loaded with the server's reason, without a stack trace", async () => {
    const catalogApi = catalogApiMock.mock({
      getEntityFacets: jest.fn(async () => {
        throw Object.assign(new Error('Request failed with 503'), {
          name: 'ResponseError',
          cause: { name: 'Error', message: 'the catalog database is down' },
        });
      }),
    });
    await renderInTestApp(<CatalogGlance />, { apis: [catalogApi] });

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent(
      'The catalog counts could not be loaded: the catalog database is down',
    );
    expect(alert).not.toHaveTextContent('Request failed');
    expect(screen.queryByText(/Stack Trace/i)).toBeNull();
  });
});
