/*
 * The Platform Portal backend: only wiring. Each feature lives in its plugin;
 * the list is in features.ts.
 */
import { createBackend } from '@backstage/backend-defaults';
import { portalTokenHandlerFactory } from './auth/portalTokenHandler';
import { portalFeatures } from './features';

const backend = createBackend();

// Optional automation token (PORTAL_API_TOKEN) for scripts and benchmarks.
backend.add(portalTokenHandlerFactory);

for (const feature of Object.values(portalFeatures)) {
  backend.add(feature);
}

backend.start();
