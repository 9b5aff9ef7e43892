import { Link, Table, TableColumn } from '@backstage/core-components';
import type { GateRequest } from '@internal/plugin-golden-paths-common';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { taskPath } from '../shared/format';
import { gateStatusText } from '../shared/gateText';
import { AuditTrail } from './AuditTrail';
import { ParameterLines } from './ReviewQueue';
import { RelativeTime } from '../shared/cells';
import { templateColumn } from './columns';

/** The user's own gate requests, where each stands, and its audit trail. */
export function MyRequests(props: { gates: GateRequest[] }) {
  const { gates } = props;
  const columns: TableColumn<GateRequest>[] = [
    templateColumn,
    {
      title: 'Requested',
      field: 'createdAt',
      defaultSort: 'desc',
      render: g => <RelativeTime iso={g.createdAt} />,
    },
    {
      title: 'Parameters',
      render: g => (
        <ParameterLines
          parameters={g.approvedParameters ?? g.parameters}
          deviating={g.reasons.map(r => r.parameter)}
        />
      ),
    },
    {
      title: 'Status',
      field: 'status',
      width: '40%',
      render: g => (
        <Typography variant="body2" data-testid={`gate-status-${g.id}`}>
          {gateStatusText(g)}
        </Typography>
      ),
    },
    {
      title: 'Task',
      sorting: false,
      render: g => (
        <>
          <Link to={taskPath(g.taskId)}>Open the task</Link>
          {g.continuedTaskId && (
            <Typography variant="body2" component="div">
              <Link to={taskPath(g.continuedTaskId)}>
                Open the task that continued it
              </Link>
            </Typography>
          )}
        </>
      ),
    },
  ];
  return (
    <Table<GateRequest>
      title="My requests"
      subtitle="Your requests that needed approval; open one for its audit trail"
      data={gates}
      columns={columns}
      options={{
        paging: gates.length > 20,
        pageSize: 20,
        search: false,
        padding: 'dense',
      }}
      detailPanel={[
        {
          tooltip: 'Show the audit trail',
          render: ({ rowData }) => <AuditTrail gateId={rowData.id} />,
        },
      ]}
      emptyContent={
        <Box p={2}>
          <Typography variant="body2">
            You have no requests waiting for approval or decided. A request that
            leaves the standard of the policy (for example a database above 100
            GB) waits here for the platform team, with nothing created until you
            continue it after approval: start one from{' '}
            <Link to="/create">Golden paths (/create)</Link>.
          </Typography>
        </Box>
      }
    />
  );
}
