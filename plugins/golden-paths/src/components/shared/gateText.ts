import {
  GATE_WAITING_NEXT,
  gateWaitingHeadline,
  type GateRequest,
} from '@internal/plugin-golden-paths-common';
import { displayRef, formatTimestamp } from './format';

/** `text` ending as a sentence: a full stop unless it has its own. */
function sentence(text: string): string {
  return /[.!?]$/.test(text.trim()) ? text.trim() : `${text.trim()}.`;
}

/** The reasons of a gate request, one sentence each. */
export function gateReasons(gate: Pick<GateRequest, 'reasons'>): string[] {
  return gate.reasons.map(r => r.reason);
}

/**
 * `Waiting for approval by the Platform Team, since 7 Dec 2026, 07:28`, in
 * the reader's time zone.
 */
export function waitingHeadline(
  gate: Pick<GateRequest, 'reviewers' | 'createdAt'>,
): string {
  return gateWaitingHeadline(gate, formatTimestamp(gate.createdAt));
}

/**
 * Where a gate request stands, in words, with what happens next:
 * "Waiting for approval by the Platform Team, since <time>: <reasons>.
 * Nothing has been created yet: …", "Approved by alice: comment. …",
 * "Rejected by alice: comment".
 */
export function gateStatusText(gate: GateRequest): string {
  switch (gate.status) {
    case 'pending':
      return `${sentence(
        `${waitingHeadline(gate)}: ${gateReasons(gate).join('; ')}`,
      )} ${GATE_WAITING_NEXT}`;
    case 'approved':
      return `${sentence(
        `Approved by ${displayRef(gate.decidedBy)}${
          gate.comment ? `: ${gate.comment}` : ''
        }`,
      )} ${
        gate.continuedTaskId
          ? 'You continued it as a new task.'
          : 'Continue it from My runs: it runs as you, with the approved parameters.'
      }`;
    case 'rejected':
      return `Rejected by ${displayRef(gate.decidedBy)}${
        gate.comment ? `: ${gate.comment}` : ''
      }`;
    default:
      return String(gate.status);
  }
}
