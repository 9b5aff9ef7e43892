import type {
  AlertRuleState,
  BurnRate,
  ComparisonOp,
  SloAlertEvent,
} from '@internal/plugin-slo-common';
import Chip from '@material-ui/core/Chip';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { alpha, makeStyles } from '@material-ui/core/styles';
import {
  formatMinutes,
  formatNumber,
  formatRate,
  formatTimestamp,
} from '../shared/format';
import { RelativeTime } from '../shared/RelativeTime';

const useStyles = makeStyles(theme => ({
  firingRow: { backgroundColor: alpha(theme.palette.error.main, 0.12) },
  firing: {
    backgroundColor: theme.palette.error.main,
    color: theme.palette.common.white,
  },
}));

const opSymbols: Record<ComparisonOp, string> = {
  lt: '<',
  lte: '≤',
  gt: '>',
  gte: '≥',
};

/** A chip saying whether an alert rule fires (or fired). */
function FiringChip(props: { firing: boolean; label?: string }) {
  const classes = useStyles();
  return props.firing ? (
    <Chip
      size="small"
      className={classes.firing}
      label={props.label ?? 'Firing'}
    />
  ) : (
    <Chip size="small" variant="outlined" label={props.label ?? 'Not firing'} />
  );
}

/**
 * The burn rate over each lookback window, with the rules that look at it;
 * windows of a firing rule are highlighted.
 */
export function BurnRatesTable(props: {
  burnRates: BurnRate[];
  alerts: AlertRuleState[];
}) {
  const classes = useStyles();
  const { burnRates, alerts } = props;
  if (burnRates.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No burn rates yet.
      </Typography>
    );
  }
  const rulesOf = (minutes: number) =>
    alerts.filter(
      a =>
        a.rule.longWindowMinutes === minutes ||
        a.rule.shortWindowMinutes === minutes,
    );
  return (
    <Table size="small" aria-label="Burn rates">
      <TableHead>
        <TableRow>
          <TableCell>Lookback window</TableCell>
          <TableCell align="right">Burn rate</TableCell>
          <TableCell align="right">Good / total</TableCell>
          <TableCell>Alert rules</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {[...burnRates]
          .sort((a, b) => a.windowMinutes - b.windowMinutes)
          .map(b => {
            const rules = rulesOf(b.windowMinutes);
            const firing = rules.some(r => r.firing);
            return (
              <TableRow
                key={b.windowMinutes}
                className={firing ? classes.firingRow : undefined}
              >
                <TableCell>{formatMinutes(b.windowMinutes)}</TableCell>
                <TableCell align="right">{formatRate(b.rate)}</TableCell>
                <TableCell align="right">
                  {formatNumber(b.good)} / {formatNumber(b.total)}
                </TableCell>
                <TableCell>
                  {rules.length
                    ? rules
                        .map(
                          r => `${r.rule.name}${r.firing ? ' (firing)' : ''}`,
                        )
                        .join(', ')
                    : '—'}
                </TableCell>
              </TableRow>
            );
          })}
      </TableBody>
    </Table>
  );
}

/** Each multiwindow burn-rate rule, when it fires and whether it does now. */
export function AlertRulesTable(props: { alerts: AlertRuleState[] }) {
  const classes = useStyles();
  const { alerts } = props;
  if (alerts.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No alert rules.
      </Typography>
    );
  }
  return (
    <Table size="small" aria-label="Alert rules">
      <TableHead>
        <TableRow>
          <TableCell>Rule</TableCell>
          <TableCell>Severity</TableCell>
          <TableCell>Fires when</TableCell>
          <TableCell align="right">Long</TableCell>
          <TableCell align="right">Short</TableCell>
          <TableCell>State</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {alerts.map(a => (
          <TableRow
            key={a.rule.name}
            className={a.firing ? classes.firingRow : undefined}
          >
            <TableCell>{a.rule.name}</TableCell>
            <TableCell>{a.rule.severity}</TableCell>
            <TableCell>
              burn rate {opSymbols[a.rule.op]} {formatRate(a.rule.factor)} over{' '}
              {formatMinutes(a.rule.longWindowMinutes)} and{' '}
              {formatMinutes(a.rule.shortWindowMinutes)}
            </TableCell>
            <TableCell align="right">{formatRate(a.longRate)}</TableCell>
            <TableCell align="right">{formatRate(a.shortRate)}</TableCell>
            <TableCell>
              <FiringChip firing={a.firing} />
              {a.firing && a.since && (
                <Typography variant="caption" component="div">
                  since <RelativeTime iso={a.since} />
                </Typography>
              )}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

/** Alerts that fired and resolved, newest first. */
export function AlertHistoryTable(props: { events: SloAlertEvent[] }) {
  const events = [...props.events].sort((a, b) => b.at.localeCompare(a.at));
  if (events.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No alert fired in this range.
      </Typography>
    );
  }
  return (
    <Table size="small" aria-label="Alert history">
      <TableHead>
        <TableRow>
          <TableCell>Time</TableCell>
          <TableCell>Rule</TableCell>
          <TableCell>Severity</TableCell>
          <TableCell>Event</TableCell>
          <TableCell align="right">Long window burn rate</TableCell>
          <TableCell align="right">Short window burn rate</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {events.map(e => (
          <TableRow key={e.id}>
            <TableCell>{formatTimestamp(e.at)}</TableCell>
            <TableCell>{e.rule}</TableCell>
            <TableCell>{e.severity}</TableCell>
            <TableCell>
              <FiringChip
                firing={e.state === 'firing'}
                label={e.state === 'firing' ? 'Fired' : 'Resolved'}
              />
            </TableCell>
            <TableCell align="right">{formatRate(e.longRate)}</TableCell>
            <TableCell align="right">{formatRate(e.shortRate)}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
