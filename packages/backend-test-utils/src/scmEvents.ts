import type { BackendFeature } from '@backstage/backend-plugin-api';
import { sign } from '@octokit/webhooks-methods';
import path from 'node:path';

/** The webhook secrets of {@link scmEventsConfig}. */
export const SCM_WEBHOOK_SECRETS = {
  github: 'github-webhook-secret',
  gitlab: 'gitlab-webhook-token',
} as const;

/**
 * The stock GitHub and GitLab events modules
 * (`@backstage/plugin-events-backend-module-github` / `-gitlab`): they
 * receive and verify the hosts' webhooks at `/api/events/http/<host>` and
 * publish them as `github.<event>` and `gitlab.<object_kind>`. Their default
 * exports are feature loaders (`import()`), which jest cannot run without
 * --experimental-vm-modules, so the modules behind them are added as the
 * backend adds them. With `@backstage/plugin-events-backend`.
 */
export function scmEventsModules(): BackendFeature[] {
  const stock = (pkg: string, file: string) => {
    const dir = path.dirname(require.resolve(`${pkg}/package.json`));
    return require(path.join(dir, 'dist/service', file)).default;
  };
  return [
    ...[
      'eventsModuleGithubEventRouter.cjs.js',
      'eventsModuleGithubWebhook.cjs.js',
    ].map(f => stock('@backstage/plugin-events-backend-module-github', f)),
    ...[
      'eventsModuleGitlabEventRouter.cjs.js',
      'eventsModuleGitlabWebhook.cjs.js',
    ].map(f => stock('@backstage/plugin-events-backend-module-gitlab', f)),
  ];
}

/** The `events` config of {@link scmEventsModules}: their secrets. */
export function scmEventsConfig() {
  return {
    modules: {
      github: { webhookSecret: SCM_WEBHOOK_SECRETS.github },
      gitlab: { webhookSecret: SCM_WEBHOOK_SECRETS.gitlab },
    },
  };
}

/**
 * The headers of a webhook delivery of `body` as GitHub (`event`, signed
 * with the secret) or GitLab (`event`, e.g. "Merge Request Hook", with the
 * token) sends it; `valid: false` signs with another secret.
 */
export async function scmWebhookHeaders(
  host: 'github' | 'gitlab',
  event: string,
  body: string,
  valid = true,
): Promise<Record<string, string>> {
  if (host === 'github')
    return {
      'content-type': 'application/json',
      'x-github-event': event,
      'x-github-delivery': `${Math.random()}`,
      'x-hub-signature-256': await sign(
        valid ? SCM_WEBHOOK_SECRETS.github : 'another-secret',
        body,
      ),
    };
  return {
    'content-type': 'application/json',
    'x-gitlab-event': event,
    'x-gitlab-token': valid ? SCM_WEBHOOK_SECRETS.gitlab : 'wrong-token',
  };
}
