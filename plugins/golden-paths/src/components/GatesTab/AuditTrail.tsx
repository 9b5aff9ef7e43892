import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import type { GateAuditEntry } from '@internal/plugin-golden-paths-common';
import { ErrorInWords } from '@internal/portal-react';
import Box from '@material-ui/core/Box';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { goldenPathsApiRef } from '../../api';
import { displayRef, formatTimestamp, formatValue } from '../shared/format';

const actions: Record<string, string> = {
  requested: 'Requested',
  approved: 'Approved',
  rejected: 'Rejected',
  continued: 'Continued',
};

/** `storageGb: 250 → 100` lines of what a reviewer changed. */
function changeLines(changes: GateAuditEntry['changes']): string[] {
  return Object.entries(changes ?? {}).map(
    ([name, { from, to }]) =>
      `${name}: ${formatValue(from)} → ${formatValue(to)}`,
  );
}

/** Who did what to a gate request, and when, with changed parameters. */
export function AuditTrail(props: { gateId: string }) {
  const { gateId } = props;
  const api = useApi(goldenPathsApiRef);
  const { value, loading, error } = useAsync(
    () => api.getGateAudit(gateId),
    [api, gateId],
  );
  if (loading) return <Progress />;
  if (error) {
    return (
      <ErrorInWords error={error} what="The audit trail could not be loaded" />
    );
  }
  if (!value || value.length === 0) {
    return (
      <Box px={2} py={1}>
        <Typography variant="body2">No audit entries yet.</Typography>
      </Box>
    );
  }
  return (
    <Box px={2} py={1}>
      <Table size="small" aria-label="Audit trail">
        <TableHead>
          <TableRow>
            <TableCell>When</TableCell>
            <TableCell>Who</TableCell>
            <TableCell>Action</TableCell>
            <TableCell>Comment</TableCell>
            <TableCell>Changed parameters</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {value.map(entry => (
            <TableRow key={entry.id}>
              <TableCell>{formatTimestamp(entry.at)}</TableCell>
              <TableCell>{displayRef(entry.actor)}</TableCell>
              <TableCell>{actions[entry.action] ?? entry.action}</TableCell>
              <TableCell>{entry.comment ?? '—'}</TableCell>
              <TableCell>
                {changeLines(entry.changes).length
                  ? changeLines(entry.changes).map(line => (
                      <div key={line}>
                        <code>{line}</code>
                      </div>
                    ))
                  : '—'}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </Box>
  );
}
