/**
 * Receiving GitHub webhooks in backend plugins.
 *
 * @packageDocumentation
 */
export { githubWebhookBody, readGithubDelivery } from './delivery';
export type { GithubDelivery } from './delivery';
