import { useState } from 'react';
import { Table, TableColumn } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import type { GateRequest } from '@internal/plugin-golden-paths-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import { displayRef, formatValue } from '../shared/format';
import { gateReasons } from '../shared/gateText';
import { ReviewDialog } from './ReviewDialog';
import { RelativeTime } from '../shared/cells';
import { templateColumn } from './columns';

/** `name: value` lines of requested parameters. */
export function ParameterLines(props: { parameters: Record<string, unknown> }) {
  const entries = Object.entries(props.parameters);
  if (entries.length === 0) return <>—</>;
  return (
    <>
      {entries.map(([name, value]) => (
        <Typography key={name} variant="body2" component="div">
          <code>
            {name}: {formatValue(value)}
          </code>
        </Typography>
      ))}
    </>
  );
}

/** Pending gate requests of everyone, for reviewers; each opens a review. */
export function ReviewQueue(props: {
  gates: GateRequest[];
  onDecided: () => void;
}) {
  const { gates, onDecided } = props;
  const [reviewing, setReviewing] = useState<GateRequest>();

  const columns: TableColumn<GateRequest>[] = [
    templateColumn,
    {
      title: 'Requester',
      field: 'requester',
      render: g => <EntityRefLink entityRef={g.requester} defaultKind="user" />,
    },
    {
      title: 'Reasons',
      render: g => (
        <>
          {gateReasons(g).map((reason, i) => (
            <Typography key={i} variant="body2" component="div">
              {reason}
            </Typography>
          ))}
        </>
      ),
    },
    {
      title: 'Requested parameters',
      render: g => <ParameterLines parameters={g.parameters} />,
    },
    {
      title: 'Waiting since',
      field: 'createdAt',
      defaultSort: 'asc',
      render: g => <RelativeTime iso={g.createdAt} />,
    },
    {
      title: '',
      sorting: false,
      render: g => (
        <Button
          variant="outlined"
          color="primary"
          size="small"
          onClick={() => setReviewing(g)}
          aria-label={`Review the request of ${displayRef(
            g.requester,
          )} for ${displayRef(g.templateRef, 'template')}`}
        >
          Review
        </Button>
      ),
    },
  ];

  return (
    <>
      <Table<GateRequest>
        title="Review queue"
        subtitle="Requests that leave the standard of the policy wait here for a reviewer"
        data={gates}
        columns={columns}
        options={{
          paging: gates.length > 20,
          pageSize: 20,
          search: false,
          padding: 'dense',
        }}
        emptyContent={
          <Box p={2}>
            <Typography variant="body2">
              No request waits for review. Requests that leave the standard of
              the policy (for example a database above 100 GB) appear here.
            </Typography>
          </Box>
        }
      />
      {reviewing && (
        <ReviewDialog
          gate={reviewing}
          open
          onClose={() => setReviewing(undefined)}
          onDecided={onDecided}
        />
      )}
    </>
  );
}
