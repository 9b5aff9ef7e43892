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

// The stock GitHub and GitLab webhook receivers of the events plugin, at
// /api/events/http/github and /gitlab: they verify the signature or token
// (events.modules.github.webhookSecret, events.modules.gitlab.webhookSecret;
// without one there is no receiver) and publish github.push / gitlab.push,
// which catalog ingestion follows. Feature loaders, which jest cannot load,
// so they are not in features.ts.
backend.add(import('@backstage/plugin-events-backend-module-github'));
backend.add(import('@backstage/plugin-events-backend-module-gitlab'));

backend.start();
