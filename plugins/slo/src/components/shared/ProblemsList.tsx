import type { SloProblem } from '@internal/plugin-slo-common';
import Chip from '@material-ui/core/Chip';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';

const useStyles = makeStyles(theme => ({
  error: {
    borderColor: theme.palette.error.main,
    color: theme.palette.error.main,
  },
  path: { fontFamily: 'monospace', wordBreak: 'break-all' },
}));

const severityRank: Record<SloProblem['severity'], number> = {
  error: 0,
  unsupported: 1,
};

/**
 * Problems of an OpenSLO file: errors (the object is not usable) first,
 * then fields the portal ignores, each with the path of the field.
 */
export function ProblemsList(props: {
  problems: SloProblem[];
  'aria-label'?: string;
}) {
  const classes = useStyles();
  const problems = [...props.problems].sort(
    (a, b) => severityRank[a.severity] - severityRank[b.severity],
  );
  if (problems.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No problems.
      </Typography>
    );
  }
  return (
    <Table size="small" aria-label={props['aria-label'] ?? 'Problems'}>
      <TableHead>
        <TableRow>
          <TableCell>Severity</TableCell>
          <TableCell>Field</TableCell>
          <TableCell>Problem</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {problems.map((p, i) => (
          <TableRow key={i}>
            <TableCell>
              <Chip
                size="small"
                variant="outlined"
                className={p.severity === 'error' ? classes.error : undefined}
                label={p.severity === 'error' ? 'Error' : 'Unsupported'}
              />
            </TableCell>
            <TableCell className={classes.path}>{p.path || '—'}</TableCell>
            <TableCell>{p.message}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
