import { screen } from '@testing-library/react';
import type { Entity } from '@backstage/catalog-model';
import { coreExtensionData } from '@backstage/frontend-plugin-api';
import {
  createExtensionTester,
  renderTestApp,
} from '@backstage/frontend-test-utils';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { dxApiRef } from './api';
import { fakeDxApi } from './__fixtures__/dx';
import dxPlugin from './index';
import { dxPage, entityDxContent, entityScorecardCard } from './plugin';

const entity = (kind: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind,
  metadata: { name: 'x' },
});

describe('DX plugin', () => {
  it('serves the DX metrics page at /dx', async () => {
    renderTestApp({
      features: [dxPlugin],
      apis: [[dxApiRef, fakeDxApi()]],
      initialRouteEntries: ['/dx'],
    });
    expect(
      await screen.findByRole('group', { name: 'Deployment frequency' }),
    ).toBeInTheDocument();
    expect(screen.getAllByText('DX metrics').length).toBeGreaterThan(0);
  });

  it('serves the golden-path survey of a run under /dx', async () => {
    renderTestApp({
      features: [dxPlugin],
      apis: [[dxApiRef, fakeDxApi()]],
      initialRouteEntries: ['/dx/survey/golden-path?taskId=task-7'],
    });
    expect(
      await screen.findByRole('form', { name: 'Your golden-path run' }),
    ).toBeInTheDocument();
    expect(screen.getByText('About run task-7')).toBeInTheDocument();
  });

  it('mounts the page at /dx', () => {
    expect(createExtensionTester(dxPage).get(coreExtensionData.routePath)).toBe(
      '/dx',
    );
  });

  it('shows the DX tab and the Scorecard card on components only', () => {
    const tab = createExtensionTester(entityDxContent);
    const tabFilter = tab.get(EntityContentBlueprint.dataRefs.filterFunction)!;
    const card = createExtensionTester(entityScorecardCard).get(
      EntityCardBlueprint.dataRefs.filterFunction,
    )!;
    for (const filter of [tabFilter, card]) {
      expect(filter(entity('Component'))).toBe(true);
      expect(filter(entity('API'))).toBe(false);
      expect(filter(entity('System'))).toBe(false);
      expect(filter(entity('Group'))).toBe(false);
    }
    expect(tab.get(coreExtensionData.routePath)).toBe('/dx');
    expect(tab.get(EntityContentBlueprint.dataRefs.title)).toBe('DX');
  });
});
