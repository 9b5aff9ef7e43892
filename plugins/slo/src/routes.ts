import { createRouteRef } from '@backstage/frontend-plugin-api';

/**
 * The SLOs page (`/slo`). Its tab is in `?tab=` (`platform`, `slos`) and an
 * open SLO in `?slo=<id>`, so every view can be linked to.
 */
export const rootRouteRef = createRouteRef();
