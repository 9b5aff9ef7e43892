import { screen } from '@testing-library/react';
import type { Entity } from '@backstage/catalog-model';
import {
  createExtensionTester,
  renderTestApp,
} from '@backstage/frontend-test-utils';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { catalogIngestionApiRef } from './api';
import { health, sources } from './__fixtures__/ingestion';
import catalogIngestionPlugin from './index';
import { entityIngestionProblemsCard } from './plugin';

const entity = (
  kind: string,
  annotations?: Record<string, string>,
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind,
  metadata: { name: 'x', annotations },
});
const discovered = { 'portal.dev/ingestion-repository': 'local-repos/x' };

describe('catalog ingestion plugin', () => {
  it('serves the Catalog ingestion page at /catalog-ingestion', async () => {
    renderTestApp({
      features: [catalogIngestionPlugin],
      apis: [
        [
          catalogIngestionApiRef,
          {
            getSources: async () => sources,
            getHealth: async () => health,
            getRuns: async () => [],
            getProblems: async () => [],
          },
        ],
      ],
      initialRouteEntries: ['/catalog-ingestion'],
    });
    expect(await screen.findByText('local-repos')).toBeInTheDocument();
    expect(screen.getAllByText('Catalog ingestion').length).toBeGreaterThan(0);
  });

  it('shows the problems card only on discovered entities', () => {
    const filter = createExtensionTester(entityIngestionProblemsCard).get(
      EntityCardBlueprint.dataRefs.filterFunction,
    )!;
    expect(filter(entity('Component', discovered))).toBe(true);
    expect(filter(entity('API', discovered))).toBe(true);
    expect(filter(entity('Component'))).toBe(false);
    expect(filter(entity('Component', { 'backstage.io/source': 'x' }))).toBe(
      false,
    );
  });
});
