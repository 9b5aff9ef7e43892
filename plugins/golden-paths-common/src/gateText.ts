import type { GateRequest } from './types';

/** Who approves a gate request when no group is named for it. */
export const DEFAULT_REVIEWERS = 'a reviewer of golden gates';

/**
 * What happens next while a request waits at a golden gate, in one
 * sentence: the same words on the task page, in the notification and on the
 * Golden paths page.
 */
export const GATE_WAITING_NEXT =
  'Nothing has been created yet: you are notified when they decide, and after an approval you continue it from My runs on the Golden paths page.';

const MONTHS = [
  'Jan',
  'Feb',
  'Mar',
  'Apr',
  'May',
  'Jun',
  'Jul',
  'Aug',
  'Sep',
  'Oct',
  'Nov',
  'Dec',
];

/**
 * `7 Dec 2026, 06:28 UTC`: a time in text that cannot know its reader's
 * time zone (the task page, a notification).
 */
export function formatUtc(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCDate()} ${
    MONTHS[d.getUTCMonth()]
  } ${d.getUTCFullYear()}, ${two(d.getUTCHours())}:${two(
    d.getUTCMinutes(),
  )} UTC`;
}

/**
 * `Waiting for approval by the Platform Team, since 7 Dec 2026, 06:28 UTC`.
 * `since` replaces the UTC time where the reader's own is known.
 */
export function gateWaitingHeadline(
  gate: Pick<GateRequest, 'reviewers' | 'createdAt'>,
  since: string = formatUtc(gate.createdAt),
): string {
  return `Waiting for approval by ${
    gate.reviewers || DEFAULT_REVIEWERS
  }, since ${since}`;
}
