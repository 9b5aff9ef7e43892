import {
  StatusError,
  StatusOK,
  StatusRunning,
  StatusWarning,
} from '@backstage/core-components';
import type { IngestionRunStatus } from '@internal/plugin-catalog-ingestion-common';

const labels: Record<IngestionRunStatus, string> = {
  succeeded: 'Succeeded',
  partial: 'Partial',
  failed: 'Failed',
  running: 'Running',
};

/**
 * A run status with its status icon: OK, warning (partial), error, running;
 * never broken inside the word.
 */
export function RunStatus(props: { status: IngestionRunStatus }) {
  return (
    <span style={{ whiteSpace: 'nowrap' }}>
      <StatusOf status={props.status} />
    </span>
  );
}

function StatusOf(props: { status: IngestionRunStatus }) {
  const label = labels[props.status] ?? props.status;
  switch (props.status) {
    case 'succeeded':
      return <StatusOK>{label}</StatusOK>;
    case 'partial':
      return <StatusWarning>{label}</StatusWarning>;
    case 'failed':
      return <StatusError>{label}</StatusError>;
    default:
      return <StatusRunning>{label}</StatusRunning>;
  }
}
