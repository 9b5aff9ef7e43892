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
});
