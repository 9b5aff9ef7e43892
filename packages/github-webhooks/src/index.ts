/**
 * Receiving GitHub webhooks in backend plugins.
 *
 * @packageDocumentation
 */
export {
  githubSignatureHeader,
  githubWebhookBody,
  readGithubDelivery,
} from './delivery';
export type { GithubDelivery } from './delivery';
