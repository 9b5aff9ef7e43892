import Box from '@material-ui/core/Box';
import LinearProgress from '@material-ui/core/LinearProgress';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { formatPercent } from './format';

const useStyles = makeStyles(theme => ({
  bar: { height: 8, borderRadius: 4, minWidth: 80 },
  healthy: { backgroundColor: theme.palette.success?.main ?? '#2e7d32' },
  low: { backgroundColor: theme.palette.warning?.main ?? '#ed6c02' },
  spent: { backgroundColor: theme.palette.error.main },
}));

/** Below this share of budget left, the bar turns orange. */
const LOW_BUDGET = 0.25;

/**
 * The error budget left as a bar and a percentage; a spent budget shows
 * an empty bar and how far it is overspent.
 */
export function BudgetBar(props: { remaining: number | undefined }) {
  const classes = useStyles();
  const { remaining } = props;
  if (remaining === undefined) {
    return <Typography variant="body2">—</Typography>;
  }
  let barClass = classes.healthy;
  if (remaining <= 0) barClass = classes.spent;
  else if (remaining < LOW_BUDGET) barClass = classes.low;
  const label =
    remaining < 0
      ? `${formatPercent(-remaining, 1)} overspent`
      : `${formatPercent(remaining, 1)} left`;
  return (
    <Box display="flex" alignItems="center">
      <Box flexGrow={1} mr={1}>
        <LinearProgress
          variant="determinate"
          value={Math.max(0, Math.min(1, remaining)) * 100}
          classes={{ root: classes.bar, bar: barClass }}
          aria-label={`Error budget: ${label}`}
        />
      </Box>
      <Typography variant="body2" noWrap>
        {label}
      </Typography>
    </Box>
  );
}
