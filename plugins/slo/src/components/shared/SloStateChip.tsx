import type { SloState } from '@internal/plugin-slo-common';
import Chip from '@material-ui/core/Chip';
import { makeStyles } from '@material-ui/core/styles';
import { stateLabels } from './format';

const useStyles = makeStyles(theme => ({
  ok: {
    backgroundColor: theme.palette.success?.main ?? '#2e7d32',
    color: theme.palette.common.white,
  },
  warning: {
    backgroundColor: theme.palette.warning?.main ?? '#ed6c02',
    color: theme.palette.common.white,
  },
  breaching: {
    backgroundColor: theme.palette.error.main,
    color: theme.palette.common.white,
  },
  error: {
    borderColor: theme.palette.error.main,
    color: theme.palette.error.main,
  },
}));

/** A chip with the state of an SLO: OK, Warning, Breaching, No data, Error. */
export function SloStateChip(props: { state: SloState }) {
  const classes = useStyles();
  const { state } = props;
  const filled: Partial<Record<SloState, string>> = {
    ok: classes.ok,
    warning: classes.warning,
    breaching: classes.breaching,
  };
  return (
    <Chip
      size="small"
      label={stateLabels[state] ?? state}
      className={filled[state] ?? (state === 'error' ? classes.error : '')}
      variant={filled[state] ? 'default' : 'outlined'}
    />
  );
}
