import type { Entity } from '@backstage/catalog-model';
import { coreExtensionData } from '@backstage/frontend-plugin-api';
import { createExtensionTester } from '@backstage/frontend-test-utils';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { entityDocsContent } from './plugin';

const entity = (
  kind: string,
  annotations?: Record<string, string>,
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind,
  metadata: { name: 'x', annotations },
});

describe('repository docs plugin', () => {
  it('shows the Docs tab only on discovered entities, at /docs', () => {
    const tester = createExtensionTester(entityDocsContent);
    const filter = tester.get(EntityContentBlueprint.dataRefs.filterFunction)!;
    const discovered = { 'portal.dev/ingestion-repository': 'local-repos/x' };
    expect(filter(entity('Component', discovered))).toBe(true);
    expect(filter(entity('API', discovered))).toBe(true);
    expect(filter(entity('Component'))).toBe(false);
    expect(filter(entity('Component', { 'backstage.io/source': 'x' }))).toBe(
      false,
    );
    expect(tester.get(coreExtensionData.routePath)).toBe('/docs');
  });
});
