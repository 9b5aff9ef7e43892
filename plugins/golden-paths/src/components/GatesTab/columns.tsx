import type { TableColumn } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import type { GateRequest } from '@internal/plugin-golden-paths-common';
import { TemplateCell } from '../shared/cells';

/** The template of a gate request, with its version. */
export const templateColumn: TableColumn<GateRequest> = {
  title: 'Template',
  field: 'templateRef',
  render: g => (
    <TemplateCell
      templateRef={g.templateRef}
      templateVersion={g.templateVersion}
    />
  ),
};

/** `via agent plugin:mcp-actions` for a request an agent made for a person. */
export function viaAgent(gate: Pick<GateRequest, 'requestedVia'>): string {
  return gate.requestedVia ? `via agent ${gate.requestedVia.agent}` : '';
}

/**
 * Who asked: the person, and the agent that acted for them
 * (`alice via agent plugin:mcp-actions`).
 */
export const requesterColumn: TableColumn<GateRequest> = {
  title: 'Requester',
  field: 'requester',
  render: g => (
    <span data-testid={`gate-requester-${g.id}`}>
      <EntityRefLink entityRef={g.requester} defaultKind="user" />
      {g.requestedVia && ` ${viaAgent(g)}`}
    </span>
  ),
};
