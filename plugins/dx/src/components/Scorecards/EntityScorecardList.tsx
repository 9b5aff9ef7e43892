import type { CheckStatus, EntityScorecard } from '@internal/plugin-dx-common';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { capitalize, formatPercent, formatTime } from '../shared/format';
import { ScorecardLevelChip } from '../shared/LevelChip';

const STATUS: Record<CheckStatus, { label: string; colour?: string }> = {
  pass: { label: 'Pass', colour: '#2e7d32' },
  fail: { label: 'Fail', colour: '#c62828' },
  'n/a': { label: 'N/A' },
};

export function CheckStatusChip(props: { status: CheckStatus }) {
  const s = STATUS[props.status];
  return s.colour ? (
    <Chip
      size="small"
      label={s.label}
      style={{ backgroundColor: s.colour, color: '#fff' }}
    />
  ) : (
    <Chip size="small" variant="outlined" label={s.label} />
  );
}

/** One entity's scorecard with every check: status, detail, and the fix of failing ones. */
export function EntityScorecardView(props: { scorecard: EntityScorecard }) {
  const { scorecard: s } = props;
  return (
    <Box mb={3} role="region" aria-label={s.title}>
      <Box display="flex" alignItems="center" style={{ gap: 8 }}>
        <Typography variant="subtitle1" component="h3">
          {s.title}
        </Typography>
        <ScorecardLevelChip level={s.level} levels={s.levels} />
        <Typography variant="body2" color="textSecondary">
          score {formatPercent(s.score, 0)} · evaluated{' '}
          {formatTime(s.evaluatedAt)}
        </Typography>
      </Box>
      <Table size="small" aria-label={`Checks of ${s.title}`}>
        <TableHead>
          <TableRow>
            <TableCell>Check</TableCell>
            <TableCell>Level</TableCell>
            <TableCell>Status</TableCell>
            <TableCell>Detail</TableCell>
            <TableCell>How to fix</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {s.checks.map(c => (
            <TableRow key={c.id}>
              <TableCell>{c.title}</TableCell>
              <TableCell>{capitalize(c.level)}</TableCell>
              <TableCell>
                <CheckStatusChip status={c.status} />
              </TableCell>
              <TableCell>{c.detail}</TableCell>
              <TableCell>{c.status === 'fail' ? c.fix ?? '—' : ''}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </Box>
  );
}
