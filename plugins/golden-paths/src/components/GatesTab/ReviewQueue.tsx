import { useState } from 'react';
import { Table, TableColumn } from '@backstage/core-components';
import type { GateRequest } from '@internal/plugin-golden-paths-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import { displayRef, formatValue } from '../shared/format';
import { gateReasons } from '../shared/gateText';
import { ReviewDialog } from './ReviewDialog';
import { RelativeTime } from '../shared/cells';
import { requesterColumn, templateColumn } from './columns';

/**
 * Requested parameters, compact: the name of what is made, the ones that
 * leave the standard (the gate's reasons) highlighted, the rest as "and N
 * more" with all of them on hover. Without reasons, the first three.
 */
export function ParameterLines(props: {
  parameters: Record<string, unknown>;
  deviating?: string[];
}) {
  const entries = Object.entries(props.parameters);
  if (entries.length === 0) return <>—</>;
  const deviating = new Set(props.deviating ?? []);
  const shown = deviating.size
    ? entries.filter(([name]) => name === 'name' || deviating.has(name))
    : entries.slice(0, 3);
  const rest = entries.filter(entry => !shown.includes(entry));
  const line = ([name, value]: [string, unknown]) => (
    <Typography
      key={name}
      variant="body2"
      component="div"
      data-deviates={deviating.has(name) || undefined}
      style={
        deviating.has(name)
          ? { fontWeight: 600, borderLeft: '3px solid #f2a541', paddingLeft: 4 }
          : undefined
      }
    >
      <code>
        {name}: {formatValue(value)}
      </code>
    </Typography>
  );
  return (
    <>
      {shown.map(line)}
      {rest.length > 0 && (
        <Tooltip title={<>{entries.map(line)}</>}>
          <Typography variant="caption" color="textSecondary">
            and {rest.length} more
          </Typography>
        </Tooltip>
      )}
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
    requesterColumn,
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
      render: g => (
        <ParameterLines
          parameters={g.parameters}
          deviating={g.reasons.map(r => r.parameter)}
        />
      ),
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
