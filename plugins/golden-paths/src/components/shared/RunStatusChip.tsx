import type { RunStatus } from '@internal/plugin-golden-paths-common';
import Chip from '@material-ui/core/Chip';
import { makeStyles } from '@material-ui/core/styles';

/** A run status in words. */
export const runStatusLabels: Record<RunStatus, string> = {
  open: 'Queued',
  processing: 'Running',
  completed: 'Completed',
  failed: 'Failed',
  cancelled: 'Cancelled',
  'awaiting-approval': 'Waiting for approval',
  approved: 'Approved: continue it',
  continued: 'Approved and continued',
  rejected: 'Rejected',
};

const useStyles = makeStyles(theme => ({
  completed: {
    backgroundColor: theme.palette.success?.main ?? '#2e7d32',
    color: theme.palette.common.white,
  },
  failed: {
    backgroundColor: theme.palette.error.main,
    color: theme.palette.common.white,
  },
  // Waiting is not a problem: the colour of information, not of errors.
  waiting: {
    backgroundColor: theme.palette.info?.main ?? '#0288d1',
    color: theme.palette.common.white,
  },
}));

/** A chip with the status of a golden-path run. */
export function RunStatusChip(props: { status: RunStatus }) {
  const classes = useStyles();
  const { status } = props;
  const classNames: Partial<Record<RunStatus, string>> = {
    completed: classes.completed,
    failed: classes.failed,
    'awaiting-approval': classes.waiting,
    approved: classes.waiting,
  };
  const className = classNames[status];
  return (
    <Chip
      size="small"
      label={runStatusLabels[status] ?? status}
      className={className}
      variant={className ? 'default' : 'outlined'}
    />
  );
}
