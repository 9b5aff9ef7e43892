import { createRouteRef } from '@backstage/frontend-plugin-api';

/** The Catalog ingestion page. */
export const ingestionRouteRef = createRouteRef();
