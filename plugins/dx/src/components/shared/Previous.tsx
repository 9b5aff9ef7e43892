import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { useTheme } from '@material-ui/core/styles';
import ArrowDownward from '@material-ui/icons/ArrowDownward';
import ArrowUpward from '@material-ui/icons/ArrowUpward';

/**
 * The value of the previous period beside a number, with an arrow saying
 * which way it moved, green when that is better and red when worse.
 */
export function Previous(props: {
  /** `Previous 30 days`. */
  label: string;
  current: number | null | undefined;
  previous: number | null | undefined;
  format: (n: number) => string;
  /** The change, e.g. `+1.2 / week`; defaults to `format` of the change. */
  formatDelta?: (delta: number) => string;
  better: 'higher' | 'lower';
}) {
  const theme = useTheme();
  const { current, previous, format, better } = props;
  const known = (n: number | null | undefined): n is number =>
    n !== null && n !== undefined && !Number.isNaN(n);
  const delta = known(current) && known(previous) ? current - previous : null;
  let arrow = null;
  if (delta !== null && delta !== 0) {
    const improved = better === 'higher' ? delta > 0 : delta < 0;
    const colour = improved
      ? theme.palette.success.main
      : theme.palette.error.main;
    const Icon = delta > 0 ? ArrowUpward : ArrowDownward;
    const text = (props.formatDelta ?? format)(Math.abs(delta));
    arrow = (
      <Box
        component="span"
        display="inline-flex"
        alignItems="center"
        ml={0.5}
        style={{ color: colour }}
        title={improved ? 'better' : 'worse'}
      >
        <Icon style={{ fontSize: 14 }} aria-label={delta > 0 ? 'up' : 'down'} />
        {delta > 0 ? '+' : '−'}
        {text}
      </Box>
    );
  } else if (delta === 0) {
    arrow = (
      <Box component="span" ml={0.5}>
        (no change)
      </Box>
    );
  }
  return (
    <Typography
      variant="caption"
      color="textSecondary"
      component="p"
      data-testid="previous"
    >
      {props.label}: {known(previous) ? format(previous) : 'no data'}
      {arrow}
    </Typography>
  );
}
