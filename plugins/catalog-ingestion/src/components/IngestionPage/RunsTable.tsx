import { Table, TableColumn } from '@backstage/core-components';
import type { IngestionRun } from '@internal/plugin-catalog-ingestion-common';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { formatDuration, formatTimestamp } from '../shared/format';
import { ProblemsTable } from '../shared/ProblemsTable';
import { RunStatus } from '../shared/RunStatus';

function RunDetails(props: { run: IngestionRun }) {
  const { run } = props;
  return (
    <Box px={2} py={1}>
      {run.message && (
        <Typography variant="body2" paragraph>
          {run.message}
        </Typography>
      )}
      {run.errors.length > 0 ? (
        <>
          {run.errorCount > run.errors.length && (
            <Typography variant="body2" color="textSecondary">
              The first {run.errors.length} of {run.errorCount} errors:
            </Typography>
          )}
          <ProblemsTable
            problems={run.errors}
            columns={['repository', 'location', 'message']}
            paging={false}
          />
        </>
      ) : (
        <Typography variant="body2" color="textSecondary">
          No errors in this run.
        </Typography>
      )}
    </Box>
  );
}

/** Recent runs, newest first; a run's errors open in its detail panel. */
export function RunsTable(props: { runs: IngestionRun[] }) {
  const columns: TableColumn<IngestionRun>[] = [
    {
      title: 'Started',
      field: 'startedAt',
      render: r => formatTimestamp(r.startedAt),
    },
    {
      title: 'Run',
      field: 'sourceId',
      render: r => (
        <>
          <Typography variant="body2">{r.sourceId}</Typography>
          <Typography variant="caption" color="textSecondary" component="div">
            {r.trigger}, {r.repository ?? 'all repositories'}
          </Typography>
        </>
      ),
    },
    {
      title: 'Took',
      field: 'durationMs',
      render: r =>
        r.durationMs === null || r.durationMs === undefined
          ? '—'
          : formatDuration(r.durationMs),
    },
    {
      title: 'Repositories',
      render: r => `${r.repositories} listed, ${r.repositoriesRead} read`,
    },
    {
      title: 'Entities',
      render: r => (
        <>
          <Typography variant="body2">{r.entitiesFound} found</Typography>
          <Typography variant="caption" color="textSecondary" component="div">
            {r.added} added, {r.changed} changed, {r.removed} removed
          </Typography>
        </>
      ),
    },
    { title: 'Errors', field: 'errorCount', type: 'numeric' },
    { title: 'Status', render: r => <RunStatus status={r.status} /> },
  ];
  return (
    <Table<IngestionRun>
      title="Recent runs"
      data={props.runs}
      columns={columns}
      options={{
        paging: props.runs.length > 20,
        pageSize: 20,
        search: false,
        padding: 'dense',
      }}
      detailPanel={[
        {
          tooltip: 'Show errors',
          render: ({ rowData }) => <RunDetails run={rowData} />,
        },
      ]}
      emptyContent={
        <Box p={2}>
          <Typography variant="body2">No runs yet.</Typography>
        </Box>
      }
    />
  );
}
