import { createRouteRef } from '@backstage/frontend-plugin-api';

/** The Catalog ingestion page. */
export const ingestionRouteRef = createRouteRef();

/** The Dependencies page (which components use a package). */
export const dependenciesRouteRef = createRouteRef();
