import { screen } from '@testing-library/react';
import { coreExtensionData } from '@backstage/frontend-plugin-api';
import {
  createExtensionTester,
  renderTestApp,
} from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { FormFieldBlueprint } from '@backstage/plugin-scaffolder-react/alpha';
import { goldenPathsApiRef } from './api';
import { failedRun } from './__fixtures__/goldenPaths';
import goldenPathsPlugin from './index';
import { goldenPathsPage, policyCheckFormField } from './plugin';

describe('golden paths plugin', () => {
  it('serves the Golden paths page at /golden-paths', async () => {
    renderTestApp({
      features: [goldenPathsPlugin],
      apis: [
        [
          goldenPathsApiRef,
          {
            listGates: async () => ({ items: [], canReview: false }),
            getGateMetrics: async () => ({
              requested: 0,
              pending: 0,
              approved: 0,
              rejected: 0,
            }),
            listRuns: async () => [failedRun],
          },
        ],
      ],
      // Templates link to their catalog pages.
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      initialRouteEntries: ['/golden-paths?tab=runs'],
    });
    expect(
      await screen.findByText(/the repository orders-api already exists/),
    ).toBeInTheDocument();
    expect(screen.getAllByText('Golden paths').length).toBeGreaterThan(0);
  });

  it('mounts the page at /golden-paths', () => {
    expect(
      createExtensionTester(goldenPathsPage).get(coreExtensionData.routePath),
    ).toBe('/golden-paths');
  });

  it('adds the PolicyCheck field to the scaffolder form fields', async () => {
    // Its id is scaffolder-form-field:golden-paths/policy-check; it attaches
    // to the form fields API of the scaffolder plugin.
    expect(
      String(
        goldenPathsPlugin.getExtension(
          'scaffolder-form-field:golden-paths/policy-check',
        ),
      ),
    ).toBe(
      'ExtensionDefinition{kind=scaffolder-form-field,name=policy-check,attachTo=api:scaffolder/form-fields@formFields}',
    );
    const loader = createExtensionTester(policyCheckFormField).get(
      FormFieldBlueprint.dataRefs.formFieldLoader,
    );
    const field = await loader();
    expect(field.$$type).toBe('@backstage/scaffolder/FormField');
  });
});
