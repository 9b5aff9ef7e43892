import { useEffect, useState } from 'react';
import {
  EmptyState,
  Link,
  Progress,
  ResponseErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/frontend-plugin-api';
import type { GoldenPathRun } from '@internal/plugin-golden-paths-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { goldenPathsApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import { errorMessage, formatDuration, taskPath } from '../shared/format';
import { RunStatusChip } from '../shared/RunStatusChip';
import { RelativeTime } from '../shared/cells';

/** How many runs the tab lists. */
const RUNS = 100;
/** How often the list is read again while a run is queued or running. */
export const RUNNING_POLL_MS = 5000;

type RetryState =
  | { state: 'running' }
  | { state: 'done' }
  | { state: 'failed'; error: string };

function RetryCell(props: {
  run: GoldenPathRun;
  retry?: RetryState;
  onRetry: (taskId: string) => void;
  /** `Continue` for an approved run, `Retry` for a failed one. */
  verb?: 'Retry' | 'Continue';
}) {
  const { run, retry, onRetry, verb = 'Retry' } = props;
  if (retry?.state === 'done') {
    return (
      <Typography variant="body2">
        {verb === 'Retry' ? 'Retry' : 'Run'} started:{' '}
        <Link to={taskPath(run.taskId)}>open the task</Link>
      </Typography>
    );
  }
  return (
    <>
      <Button
        variant="outlined"
        color="primary"
        size="small"
        disabled={retry?.state === 'running'}
        onClick={() => onRetry(run.taskId)}
        aria-label={`${verb} the run ${run.taskId} of ${run.templateRef}`}
      >
        {retry?.state === 'running' ? 'Starting…' : verb}
      </Button>
      {retry?.state === 'failed' && (
        <Typography variant="body2" color="error" role="alert">
          The run did not start: {retry.error}
        </Typography>
      )}
    </>
  );
}

/** What became of a run: the failure in words, a wait, or a link to the task. */
function OutcomeCell(props: {
  run: GoldenPathRun;
  gatesHref: string;
  retry?: RetryState;
  onRetry: (taskId: string) => void;
}) {
  const { run, gatesHref, retry, onRetry } = props;
  if (run.status === 'failed') {
    return (
      <Box>
        <Typography variant="body2">
          {run.failedStep ? `Failed at step "${run.failedStep}"` : 'Failed'}
          {run.failureReason ? `: ${run.failureReason}` : ''}
        </Typography>
        <Box mt={0.5}>
          <RetryCell run={run} retry={retry} onRetry={onRetry} />
        </Box>
      </Box>
    );
  }
  if (run.status === 'approved') {
    return (
      <Box>
        <Typography variant="body2">
          The platform team approved it: continue to run it with the approved
          parameters.
        </Typography>
        <Box mt={0.5}>
          <RetryCell
            run={run}
            retry={retry}
            onRetry={onRetry}
            verb="Continue"
          />
        </Box>
      </Box>
    );
  }
  if (run.status === 'awaiting-approval') {
    return (
      <Typography variant="body2">
        Waits for the platform team:{' '}
        <Link to={gatesHref}>see the request in Golden gates</Link>
      </Typography>
    );
  }
  return (
    <Typography variant="body2">
      <Link to={taskPath(run.taskId)}>Open the task</Link>
    </Typography>
  );
}

/** The user's golden-path runs, with the reason of failures and a retry. */
export function RunsTab() {
  const api = useApi(goldenPathsApiRef);
  const pageLink = useRouteRef(rootRouteRef);
  const gatesHref = `${pageLink?.() ?? ''}?tab=gates`;
  const [retries, setRetries] = useState<Record<string, RetryState>>({});
  const { value, loading, error, retry } = useAsyncRetry(
    () => api.listRuns({ mine: true, limit: RUNS }),
    [api],
  );
  // While a run is queued or running, look again every few seconds, so it
  // turns completed or failed without a reload.
  const unfinished = (value ?? []).some(
    r => r.status === 'open' || r.status === 'processing',
  );
  useEffect(() => {
    if (!unfinished || loading) return undefined;
    const timer = setTimeout(retry, RUNNING_POLL_MS);
    return () => clearTimeout(timer);
  }, [unfinished, loading, retry]);

  const retryRun = async (taskId: string) => {
    setRetries(r => ({ ...r, [taskId]: { state: 'running' } }));
    try {
      await api.retryRun(taskId);
      setRetries(r => ({ ...r, [taskId]: { state: 'done' } }));
      retry();
    } catch (e) {
      setRetries(r => ({
        ...r,
        [taskId]: { state: 'failed', error: errorMessage(e) },
      }));
    }
  };

  if (error) return <ResponseErrorPanel error={error} />;
  if (!value) return loading ? <Progress /> : null;
  if (value.length === 0) {
    return (
      <EmptyState
        missing="data"
        title="You have not run a golden path yet"
        description={
          <>
            Create a service, a database or a namespace from{' '}
            <Link to="/create">Golden paths (/create)</Link>; each run shows up
            here with its status, and a failed one can be retried.
          </>
        }
      />
    );
  }

  const columns: TableColumn<GoldenPathRun>[] = [
    { title: 'Template', field: 'templateRef', highlight: true },
    { title: 'Version', field: 'templateVersion', emptyValue: '—' },
    {
      title: 'Status',
      field: 'status',
      render: r => <RunStatusChip status={r.status} />,
    },
    {
      title: 'Started',
      field: 'createdAt',
      defaultSort: 'desc',
      render: r => <RelativeTime iso={r.createdAt} />,
    },
    {
      title: 'Duration',
      field: 'durationMs',
      render: r => formatDuration(r.durationMs),
    },
    { title: 'Attempts', field: 'attempts', type: 'numeric' },
    {
      title: 'Outcome',
      sorting: false,
      width: '35%',
      render: r => (
        <OutcomeCell
          run={r}
          gatesHref={gatesHref}
          retry={retries[r.taskId]}
          onRetry={retryRun}
        />
      ),
    },
  ];

  return (
    <Table<GoldenPathRun>
      title="My runs"
      subtitle="Your golden-path runs, newest first"
      data={value}
      columns={columns}
      options={{
        paging: value.length > 20,
        pageSize: 20,
        search: false,
        padding: 'dense',
      }}
    />
  );
}
