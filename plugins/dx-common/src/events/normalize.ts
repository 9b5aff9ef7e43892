import { normalizeCdEvent } from './cdevents';
import { quote } from './common';
import { normalizeGenericEvent } from './generic';
import { GithubWebhookOptions, normalizeGithubWebhook } from './github';
import type { NormalizeResult } from './types';

/** The formats events arrive in. */
export type DxEventFormat = 'cdevents' | 'github' | 'generic';

export interface NormalizeEventInput {
  format: DxEventFormat;
  /** The parsed JSON body. */
  payload: unknown;
  /** GitHub only: the `X-GitHub-Event` header. */
  githubEvent?: string;
  /** GitHub only: the `X-GitHub-Delivery` header. */
  deliveryId?: string;
  /** GitHub only: incident labels, default-branch rule. */
  githubOptions?: GithubWebhookOptions;
}

/** Reads one event in any of the three formats. */
export function normalizeEvent(input: NormalizeEventInput): NormalizeResult {
  switch (input.format) {
    case 'cdevents':
      return normalizeCdEvent(input.payload);
    case 'generic':
      return normalizeGenericEvent(input.payload);
    case 'github':
      if (input.githubEvent === undefined)
        return {
          ok: false,
          reason: 'githubEvent: missing (the X-GitHub-Event header)',
        };
      return normalizeGithubWebhook(
        input.githubEvent,
        input.payload,
        input.deliveryId,
        input.githubOptions,
      );
    default:
      return {
        ok: false,
        reason: `format: ${quote(
          input.format,
        )} is not an event format (cdevents, github, generic)`,
      };
  }
}
