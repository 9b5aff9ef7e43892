import { createRouteRef } from '@backstage/frontend-plugin-api';

/** The Golden paths page (`/golden-paths`), with its tabs in `?tab=`. */
export const rootRouteRef = createRouteRef();
