/**
 * Event normalisation: CDEvents, GitHub webhooks and the generic JSON
 * format, each read into one `NormalizedEvent` or refused with a reason.
 */
export { normalizeCdEvent } from './cdevents';
export { parseEventTime } from './common';
export type { TimeResult as EventTimeResult } from './common';
export {
  GENERIC_EVENT_ACTIONS,
  genericEventSchema,
  normalizeGenericEvent,
} from './generic';
export type { GenericEvent } from './generic';
export { GITHUB_DX_EVENTS, normalizeGithubWebhook } from './github';
export type { GithubWebhookOptions } from './github';
export { normalizeEvent } from './normalize';
export type { DxEventFormat, NormalizeEventInput } from './normalize';
export type {
  DxAction,
  DxEventKind,
  DxEventSource,
  DxOutcome,
  NormalizedEvent,
  NormalizeResult,
} from './types';
