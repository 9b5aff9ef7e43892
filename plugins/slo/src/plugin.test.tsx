import { screen } from '@testing-library/react';
import type { Entity } from '@backstage/catalog-model';
import { coreExtensionData } from '@backstage/frontend-plugin-api';
import {
  createExtensionTester,
  renderTestApp,
} from '@backstage/frontend-test-utils';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { sloApiRef } from './api';
import { platformHealth } from './__fixtures__/slo';
import sloPlugin from './index';
import { entitySloContent, sloPage } from './plugin';

const entity = (kind: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind,
  metadata: { name: 'x' },
});

describe('SLO plugin', () => {
  it('serves the SLOs page at /slo', async () => {
    renderTestApp({
      features: [sloPlugin],
      apis: [
        [
          sloApiRef,
          {
            getPlatformHealth: async () => ({ ...platformHealth, slos: [] }),
          },
        ],
      ],
      initialRouteEntries: ['/slo'],
    });
    expect(await screen.findByText('No platform SLOs')).toBeInTheDocument();
    expect(screen.getAllByText('SLOs').length).toBeGreaterThan(0);
  });

  it('mounts the page at /slo', () => {
    expect(
      createExtensionTester(sloPage).get(coreExtensionData.routePath),
    ).toBe('/slo');
  });

  it('shows the SLOs tab on components, resources and systems, at /slo', () => {
    const tester = createExtensionTester(entitySloContent);
    const filter = tester.get(EntityContentBlueprint.dataRefs.filterFunction)!;
    expect(filter(entity('Component'))).toBe(true);
    expect(filter(entity('Resource'))).toBe(true);
    expect(filter(entity('System'))).toBe(true);
    expect(filter(entity('API'))).toBe(false);
    expect(filter(entity('Group'))).toBe(false);
    expect(tester.get(coreExtensionData.routePath)).toBe('/slo');
    expect(tester.get(EntityContentBlueprint.dataRefs.title)).toBe('SLOs');
  });
});
