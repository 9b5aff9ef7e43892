import type { TableColumn } from '@backstage/core-components';
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
