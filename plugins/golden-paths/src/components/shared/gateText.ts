import type { GateRequest } from '@internal/plugin-golden-paths-common';
import { displayRef } from './format';

/** The reasons of a gate request, one sentence each. */
export function gateReasons(gate: Pick<GateRequest, 'reasons'>): string[] {
  return gate.reasons.map(r => r.reason);
}

/**
 * Where a gate request stands, in words: "Waiting for approval: <reasons>",
 * "Approved by alice: comment", "Rejected by alice: comment".
 */
export function gateStatusText(gate: GateRequest): string {
  switch (gate.status) {
    case 'pending':
      return `Waiting for approval: ${gateReasons(gate).join('; ')}`;
    case 'approved':
      return `Approved by ${displayRef(gate.decidedBy)}${
        gate.comment ? `: ${gate.comment}` : ''
      }`;
    case 'rejected':
      return `Rejected by ${displayRef(gate.decidedBy)}${
        gate.comment ? `: ${gate.comment}` : ''
      }`;
    default:
      return String(gate.status);
  }
}
