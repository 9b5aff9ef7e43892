import { createRouteRef } from '@backstage/frontend-plugin-api';

/** The Dependencies page (which components use a package). */
export const dependenciesRouteRef = createRouteRef();

/** The Vulnerabilities page (components hit by advisories). */
export const vulnerabilitiesRouteRef = createRouteRef();
