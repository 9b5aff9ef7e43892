import { Table, type TableColumn } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  DEFAULT_DORA_OPTIONS,
  type ChangeFailureRate,
  type LeadTime,
  type RecoveryTime,
} from '@internal/plugin-dx-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { dxApiRef, type DoraQuery, type DxEvent } from '../../api';
import { Async } from '../shared/Async';
import { formatApproxDuration, formatTime, plural } from '../shared/format';
import type { DoraDrill } from './definitions';

type LeadRow = LeadTime['rows'][number];
type FailureRow = ChangeFailureRate['rows'][number];
type RecoveryRow = RecoveryTime['rows'][number];

const entity = (ref: string) => <EntityRefLink entityRef={ref} />;

/** Why a deployment event is, or is not, in the deployment frequency. */
export function countedAs(e: DxEvent): string {
  if (e.outcome !== undefined && e.outcome !== 'success')
    return `left out: ${e.outcome}`;
  const production = DEFAULT_DORA_OPTIONS.productionEnvironments.some(
    p =>
      p.toLocaleLowerCase('en-US') ===
      e.environment?.toLocaleLowerCase('en-US'),
  );
  if (!production) return 'left out: not production';
  if (e.action !== 'deployed' && e.action !== 'upgraded')
    return `left out: ${e.action}`;
  return 'counted';
}

const deploymentColumns: TableColumn<DxEvent>[] = [
  { title: 'Finished', render: e => formatTime(e.occurredAt) },
  {
    title: 'Entity',
    render: e => (e.entityRef ? entity(e.entityRef) : 'not mapped'),
  },
  { title: 'Action', field: 'action' },
  { title: 'Environment', render: e => e.environment ?? '—' },
  { title: 'Outcome', render: e => e.outcome ?? '—' },
  { title: 'Commit', render: e => e.commitSha?.slice(0, 12) ?? '—' },
  { title: 'Title', render: e => e.title ?? '—' },
  { title: 'Source', field: 'source' },
  { title: 'Counted', render: countedAs },
];

const leadColumns: TableColumn<LeadRow>[] = [
  { title: 'Change', field: 'changeId' },
  { title: 'Entity', render: r => entity(r.entityRef) },
  { title: 'Started', render: r => formatTime(r.startedAt) },
  { title: 'Deployment', field: 'deploymentId' },
  { title: 'Deployed', render: r => formatTime(r.deployedAt) },
  {
    title: 'Lead time',
    field: 'leadTimeMs',
    type: 'numeric',
    render: r => formatApproxDuration(r.leadTimeMs),
  },
];

const failureColumns: TableColumn<FailureRow>[] = [
  { title: 'Deployment', field: 'deploymentId' },
  { title: 'Entity', render: r => entity(r.entityRef) },
  { title: 'Deployed', render: r => formatTime(r.deployedAt) },
  {
    title: 'Failed by',
    render: r =>
      r.failedBy
        ? `${r.failedBy.kind}${
            r.failedBy.id ? ` ${r.failedBy.id}` : ''
          } at ${formatTime(r.failedBy.at)}`
        : 'no failure',
  },
];

const recoveryColumns: TableColumn<RecoveryRow>[] = [
  { title: 'Incident', field: 'incidentId' },
  { title: 'Entity', render: r => entity(r.entityRef) },
  { title: 'Opened', render: r => formatTime(r.openedAt) },
  { title: 'Resolved', render: r => formatTime(r.resolvedAt) },
  {
    title: 'Time to recover',
    field: 'durationMs',
    type: 'numeric',
    render: r => formatApproxDuration(r.durationMs),
  },
];

const TITLES: Record<DoraDrill, string> = {
  deployments: 'Deployments',
  'lead-time': 'Changes and their lead time',
  'change-failure-rate': 'Production deployments and what failed them',
  'recovery-time': 'Resolved production incidents',
};

function RowsTable<T extends object>(props: {
  title: string;
  rows: T[];
  columns: TableColumn<T>[];
  note?: string;
}) {
  const { rows } = props;
  return (
    <Table<T>
      title={`${props.title} (${plural(rows.length, 'row')})`}
      subtitle={props.note}
      data={rows}
      columns={props.columns}
      options={{
        paging: rows.length > 20,
        pageSize: 20,
        search: rows.length > 0,
        padding: 'dense',
      }}
      emptyContent={
        <Box p={2}>
          <Typography variant="body2">No rows in this range.</Typography>
        </Box>
      }
    />
  );
}

/**
 * The rows a tile was computed from: the lead-time, failure and recovery
 * rows of the answer (`rows=true`), and the deployment events
 * (`/events?kind=deployment`).
 */
export function DoraDrillDown(props: {
  query: DoraQuery;
  drill: DoraDrill;
  onClose: () => void;
}) {
  const { query, drill } = props;
  const api = useApi(dxApiRef);
  const state = useAsync(async () => {
    const dora = await api.getDora({ ...query, rows: true });
    if (drill !== 'deployments') return { dora, events: [] as DxEvent[] };
    let events = await api.listEvents({
      entityRef: query.entityRef,
      kind: 'deployment',
      from: query.from,
      to: query.to,
      limit: 1000,
    });
    if (!query.entityRef && query.owner) {
      // Events have no owner: keep those of the team's entities with rows.
      const refs = new Set([
        ...(dora.changeFailureRate.rows ?? []).map(r => r.entityRef),
        ...(dora.leadTime.rows ?? []).map(r => r.entityRef),
      ]);
      events = events.filter(e => e.entityRef && refs.has(e.entityRef));
    }
    return { dora, events };
  }, [api, drill, query.entityRef, query.owner, query.from, query.to]);

  return (
    <Box mt={2} data-testid="dora-drill-down">
      <Box display="flex" justifyContent="flex-end">
        <Button size="small" onClick={props.onClose}>
          Close the rows
        </Button>
      </Box>
      <Async state={state} what="The rows">
        {({ dora, events }) => {
          switch (drill) {
            case 'deployments':
              return (
                <RowsTable
                  title={TITLES[drill]}
                  rows={events}
                  columns={deploymentColumns}
                  note="Deployment events of the range, newest first (at most 1,000); the frequency counts the successful ones to production."
                />
              );
            case 'lead-time':
              return (
                <RowsTable
                  title={TITLES[drill]}
                  rows={dora.leadTime.rows ?? []}
                  columns={leadColumns}
                />
              );
            case 'change-failure-rate':
              return (
                <RowsTable
                  title={TITLES[drill]}
                  rows={dora.changeFailureRate.rows ?? []}
                  columns={failureColumns}
                />
              );
            default:
              return (
                <RowsTable
                  title={TITLES[drill]}
                  rows={dora.recoveryTime.rows ?? []}
                  columns={recoveryColumns}
                />
              );
          }
        }}
      </Async>
    </Box>
  );
}
