import { InfoCard } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import type { BackfillRun } from '@internal/plugin-dx-common';
import LinearProgress from '@material-ui/core/LinearProgress';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { useEffect } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { dxApiRef } from '../../api';
import { Async } from '../shared/Async';
import { formatTime } from '../shared/format';

/** "Sep 8, 2026" */
const day = (iso: string) =>
  new Date(iso).toLocaleDateString('en-US', {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
  });

/** "about 3 min left", "under a minute left" */
function left(seconds: number) {
  if (seconds < 60) return 'under a minute left';
  if (seconds < 3600) return `about ${Math.round(seconds / 60)} min left`;
  return `about ${Math.round(seconds / 3600)} h left`;
}

/** Where a run stands, in words. */
export function runState(run: BackfillRun, now = Date.now()): string {
  if (run.state === 'failed') return `failed: ${run.error ?? 'unknown error'}`;
  if (run.state === 'done')
    return run.repositories.failed > 0
      ? `done, ${run.repositories.failed} repositories failed`
      : 'done';
  if (run.state === 'listing') return 'listing repositories';
  if (run.pausedUntil && Date.parse(run.pausedUntil) > now)
    return `paused by the host's rate limit until ${formatTime(
      run.pausedUntil,
    )}`;
  return run.secondsLeft !== undefined ? left(run.secondsLeft) : 'reading';
}

/**
 * The history backfills of the repository sources: how many repositories
 * are read, the events found and the time left; refreshed while one runs.
 */
export function BackfillProgress() {
  const api = useApi(dxApiRef);
  const state = useAsyncRetry(async () => api.getBackfill(), [api]);
  const running = state.value?.runs.some(
    r => r.state === 'running' || r.state === 'listing',
  );
  const { retry } = state;
  useEffect(() => {
    if (!running) return undefined;
    const timer = setTimeout(retry, 5000);
    return () => clearTimeout(timer);
  }, [running, retry, state.value]);
  if (state.value && state.value.sources.length === 0) return null;
  return (
    <InfoCard
      title="History backfill"
      subheader="Delivery history read from the hosts' APIs and git, so DORA has a past from day one"
    >
      <Async state={state} what="The history backfill">
        {({ runs }) =>
          runs.length === 0 ? (
            <Typography variant="body2">
              No history read yet: it starts within a minute of the backend
              starting.
            </Typography>
          ) : (
            <Table size="small" aria-label="History backfills">
              <TableHead>
                <TableRow>
                  <TableCell>Source</TableCell>
                  <TableCell>Range</TableCell>
                  <TableCell>Repositories</TableCell>
                  <TableCell align="right">Events</TableCell>
                  <TableCell>State</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {runs.map(run => {
                  const { total, done, failed } = run.repositories;
                  const finished = done + failed;
                  return (
                    <TableRow key={run.id}>
                      <TableCell>
                        {run.sourceId}
                        {run.repository ? ` / ${run.repository}` : ''}
                      </TableCell>
                      <TableCell>
                        {day(run.from)} to {day(run.to)}
                      </TableCell>
                      <TableCell style={{ minWidth: 160 }}>
                        {finished} of {total}
                        <LinearProgress
                          variant="determinate"
                          value={total ? (100 * finished) / total : 0}
                          aria-label={`${finished} of ${total} repositories read`}
                        />
                      </TableCell>
                      <TableCell align="right">{run.events}</TableCell>
                      <TableCell>{runState(run)}</TableCell>
                    </TableRow>
                  );
                })}
              </TableBody>
            </Table>
          )
        }
      </Async>
    </InfoCard>
  );
}
