import { useEffect, useState } from 'react';
import {
  EmptyState,
  Link,
  Progress,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/frontend-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  GATE_WAITING_NEXT,
  type GoldenPathRun,
} from '@internal/plugin-golden-paths-common';
import { ErrorInWords } from '@internal/portal-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { goldenPathsApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import {
  displayRef,
  errorMessage,
  formatDuration,
  taskPath,
} from '../shared/format';
import { RunStatusChip } from '../shared/RunStatusChip';
import { RelativeTime } from '../shared/cells';
import { waitingHeadline } from '../shared/gateText';

/** How many runs the tab lists. */
const RUNS = 100;
/** How often the list is read again while a run is queued or running. */
export const RUNNING_POLL_MS = 5000;

type RetryState =
  | { state: 'running' }
  /** Started: the retried task, or the new task that continues a request. */
  | { state: 'done'; taskId: string }
  | { state: 'failed'; error: string };

function RetryCell(props: {
  run: GoldenPathRun;
  retry?: RetryState;
  onRetry: (run: GoldenPathRun) => void;
  /** `Continue` for an approved run, `Retry` for a failed one. */
  verb?: 'Retry' | 'Continue';
}) {
  const { run, retry, onRetry, verb = 'Retry' } = props;
  if (retry?.state === 'done') {
    return (
      <Typography variant="body2">
        {verb === 'Retry' ? 'Retry started' : 'Continued as a new task'}:{' '}
        <Link to={taskPath(retry.taskId)}>open the task</Link>
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
        onClick={() => onRetry(run)}
        aria-label={`${verb} the run ${run.taskId} of ${displayRef(
          run.templateRef,
          'template',
        )}`}
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

/**
 * What became of a run: the failure in words, the wait at a golden gate
 * (who approves it since when, and what happens next), or a link to the
 * task.
 */
function OutcomeCell(props: {
  run: GoldenPathRun;
  gatesHref: string;
  retry?: RetryState;
  onRetry: (run: GoldenPathRun) => void;
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
  if (run.status === 'approved' && run.gateId) {
    return (
      <Box>
        <Typography variant="body2">
          Approved. Nothing has been created yet: continue it to run it as you,
          with the approved parameters.
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
      <Box data-testid={`run-waiting-${run.taskId}`}>
        <Typography variant="body2">
          {run.waitingSince
            ? `${waitingHeadline({
                reviewers: run.reviewers,
                createdAt: run.waitingSince,
              })}.`
            : 'Waiting for approval.'}{' '}
          {GATE_WAITING_NEXT}
        </Typography>
        <Typography variant="body2">
          <Link to={gatesHref}>see the request in Golden gates</Link>
        </Typography>
      </Box>
    );
  }
  if (run.status === 'continued' && run.continuedTaskId) {
    return (
      <Typography variant="body2">
        Approved and continued as a new task:{' '}
        <Link to={taskPath(run.continuedTaskId)}>open it</Link>
      </Typography>
    );
  }
  if (run.status === 'rejected') {
    return (
      <Typography variant="body2">
        Rejected, nothing was created:{' '}
        <Link to={gatesHref}>see why in Golden gates</Link>
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

  // A failed run is retried (the scaffolder's retry, as the user); an
  // approved one is continued as a new task of the user with the approved
  // parameters.
  const retryRun = async (run: GoldenPathRun) => {
    const { taskId } = run;
    setRetries(r => ({ ...r, [taskId]: { state: 'running' } }));
    try {
      let started = taskId;
      if (run.status === 'approved' && run.gateId) {
        started = (await api.continueGate(run.gateId)).taskId;
      } else {
        await api.retryRun(taskId);
      }
      setRetries(r => ({ ...r, [taskId]: { state: 'done', taskId: started } }));
      retry();
    } catch (e) {
      setRetries(r => ({
        ...r,
        [taskId]: { state: 'failed', error: errorMessage(e) },
      }));
    }
  };

  if (error) {
    return <ErrorInWords error={error} what="Your runs could not be loaded" />;
  }
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
            here with its status: a failed one can be retried, and one that
            waited for approval continued once approved.
          </>
        }
      />
    );
  }

  const columns: TableColumn<GoldenPathRun>[] = [
    {
      title: 'Template',
      field: 'templateRef',
      highlight: true,
      render: r => (
        <EntityRefLink entityRef={r.templateRef} defaultKind="template" />
      ),
    },
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
