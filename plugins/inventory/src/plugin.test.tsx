import { screen } from '@testing-library/react';
import type { Entity } from '@backstage/catalog-model';
import { coreExtensionData } from '@backstage/frontend-plugin-api';
import {
  createExtensionTester,
  renderTestApp,
} from '@backstage/frontend-test-utils';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { inventoryApiRef } from './api';
import inventoryPlugin from './index';
import { entityDependenciesContent } from './plugin';

const entity = (kind: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind,
  metadata: { name: 'x' },
});

describe('inventory plugin', () => {
  it('shows the Dependencies tab on components and resources only, at /dependencies', () => {
    const tester = createExtensionTester(entityDependenciesContent);
    const filter = tester.get(EntityContentBlueprint.dataRefs.filterFunction)!;
    expect(filter(entity('Component'))).toBe(true);
    expect(filter(entity('Resource'))).toBe(true);
    expect(filter(entity('API'))).toBe(false);
    expect(tester.get(coreExtensionData.routePath)).toBe('/dependencies');
  });

  it('serves the Dependencies page at /dependencies', async () => {
    renderTestApp({
      features: [inventoryPlugin],
      apis: [[inventoryApiRef, {}]],
      initialRouteEntries: ['/dependencies'],
    });
    expect(
      await screen.findByText('Find the components that use a package'),
    ).toBeInTheDocument();
  });
});
