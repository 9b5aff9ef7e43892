import { screen, within } from '@testing-library/react';
import { renderTestApp } from '@backstage/frontend-test-utils';
import goldenPathsPlugin, {
  goldenPathsApiRef,
  type GoldenPathsApi,
} from '@internal/plugin-golden-paths';

const api: Partial<GoldenPathsApi> = {
  listGates: async () => ({ items: [], canReview: true }),
  listRuns: async () => [],
  getGateMetrics: async () => ({
    requested: 0,
    pending: 0,
    approved: 0,
    rejected: 0,
  }),
};

describe('golden paths in the app', () => {
  it('has a Golden paths page in the sidebar', async () => {
    renderTestApp({
      features: [goldenPathsPlugin],
      apis: [[goldenPathsApiRef, api]],
      initialRouteEntries: ['/golden-paths'],
    });
    const nav = within(
      await screen.findByRole('navigation', { name: 'sidebar nav' }),
    );
    expect(nav.getByRole('link', { name: 'Golden paths' })).toHaveAttribute(
      'href',
      '/golden-paths',
    );
    expect(
      await screen.findByRole('tab', { name: 'Golden gates' }),
    ).toBeInTheDocument();
  });
});
