import {
  createRouteRef,
  createSubRouteRef,
} from '@backstage/frontend-plugin-api';

/**
 * The DX page (`/dx`). Its tab is in `?tab=`, the scope in `?owner=` (a
 * group ref; none: the organisation), the range in `?days=` and an open
 * drill-down in `?drill=`, so every view can be linked to.
 */
export const rootRouteRef = createRouteRef();

/**
 * The golden-path survey of one scaffolder run:
 * `/dx/survey/golden-path?taskId=<id>`, linked from the end of a run.
 */
export const goldenPathSurveyRouteRef = createSubRouteRef({
  parent: rootRouteRef,
  path: '/survey/golden-path',
});
