import {
  EmptyState,
  Link,
  Progress,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useApi, useAppSearchParams } from '@backstage/frontend-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import type { SloState, SloSummary } from '@internal/plugin-slo-common';
import { ErrorInWords } from '@internal/portal-react';
import Box from '@material-ui/core/Box';
import TextField from '@material-ui/core/TextField';
import useAsync from 'react-use/esm/useAsync';
import { sloApiRef } from '../../api';
import { BudgetBar } from '../shared/BudgetBar';
import {
  displayRef,
  formatPercent,
  formatTarget,
  formatWindow,
  stateLabels,
} from '../shared/format';
import { HowToAddSlo } from '../shared/HowToAddSlo';
import { useSloPageLink } from '../shared/links';
import { SloStateChip } from '../shared/SloStateChip';

/** The filters of the overview, kept in the URL. */
const FILTERS = ['owner', 'system', 'state'] as const;
type FilterKey = (typeof FILTERS)[number];

/** Worst first: how the state column sorts. */
const stateOrder: Record<SloState, number> = {
  breaching: 0,
  error: 1,
  warning: 2,
  'no-data': 3,
  ok: 4,
};

const unique = (values: Array<string | undefined>) =>
  [...new Set(values.filter((v): v is string => !!v))].sort();

function FilterSelect(props: {
  id: FilterKey;
  label: string;
  value: string;
  options: Array<{ value: string; label: string }>;
  onChange: (value: string) => void;
}) {
  return (
    <TextField
      select
      id={`slo-filter-${props.id}`}
      label={props.label}
      value={props.value}
      onChange={e => props.onChange(e.target.value)}
      SelectProps={{ native: true }}
      InputLabelProps={{ shrink: true }}
      variant="outlined"
      size="small"
      style={{ minWidth: 200 }}
    >
      <option value="">All</option>
      {props.options.map(o => (
        <option key={o.value} value={o.value}>
          {o.label}
        </option>
      ))}
    </TextField>
  );
}

/**
 * Every SLO in one table, worst first, filtered by owner, system and state
 * (in the URL: `?owner=&system=&state=`). A name opens the SLO.
 */
export function SloOverviewTab() {
  const api = useApi(sloApiRef);
  const pageLink = useSloPageLink();
  const [searchParams, setSearchParams] = useAppSearchParams();
  const { value, loading, error } = useAsync(() => api.listSlos(), [api]);

  const filters = Object.fromEntries(
    FILTERS.map(key => [key, searchParams.get(key) ?? '']),
  ) as Record<FilterKey, string>;
  const setFilter = (key: FilterKey, filterValue: string) =>
    setSearchParams(previous => {
      const next = new URLSearchParams(previous);
      if (filterValue) next.set(key, filterValue);
      else next.delete(key);
      return next;
    });

  if (error) {
    return <ErrorInWords error={error} what="The SLOs could not be loaded" />;
  }
  if (!value) return loading ? <Progress /> : null;
  if (value.length === 0) {
    return (
      <EmptyState
        missing="content"
        title="No SLOs yet"
        description="An SLO (service level objective) says how reliable a component, resource or system should be. Teams add them next to their catalog entities; each shows up here with its error budget."
        action={<HowToAddSlo />}
      />
    );
  }

  const rows = value.filter(
    s =>
      (!filters.owner || s.ownerRef === filters.owner) &&
      (!filters.system || s.systemRef === filters.system) &&
      (!filters.state || s.state === filters.state),
  );

  const columns: TableColumn<SloSummary>[] = [
    {
      title: 'SLO',
      field: 'name',
      highlight: true,
      render: s => {
        const name = s.displayName ?? s.name;
        return pageLink ? (
          <Link to={pageLink({ slo: s.id })}>{name}</Link>
        ) : (
          name
        );
      },
    },
    {
      title: 'State',
      field: 'state',
      defaultSort: 'asc',
      customSort: (a, b) => stateOrder[a.state] - stateOrder[b.state],
      render: s => <SloStateChip state={s.state} />,
    },
    {
      title: 'SLI',
      customSort: (a, b) => (a.budget?.sli ?? -1) - (b.budget?.sli ?? -1),
      render: s => formatPercent(s.budget?.sli),
    },
    {
      title: 'Target',
      field: 'target',
      render: s => formatTarget(s.target),
    },
    {
      title: 'Budget remaining',
      customSort: (a, b) =>
        (a.budget?.remaining ?? Infinity) - (b.budget?.remaining ?? Infinity),
      render: s => <BudgetBar remaining={s.budget?.remaining} />,
    },
    { title: 'Window', sorting: false, render: s => formatWindow(s.window) },
    {
      title: 'Owner',
      field: 'ownerRef',
      render: s =>
        s.ownerRef ? (
          <EntityRefLink entityRef={s.ownerRef} defaultKind="group" />
        ) : (
          '—'
        ),
    },
    {
      title: 'System',
      field: 'systemRef',
      render: s =>
        s.systemRef ? (
          <EntityRefLink entityRef={s.systemRef} defaultKind="system" />
        ) : (
          '—'
        ),
    },
    {
      title: 'Entity',
      field: 'entityRef',
      render: s => <EntityRefLink entityRef={s.entityRef} />,
    },
    { title: 'Firing alerts', field: 'firingAlerts', type: 'numeric' },
    {
      title: 'Problems',
      type: 'numeric',
      customSort: (a, b) => a.problems.length - b.problems.length,
      render: s => s.problems.length,
    },
  ];

  return (
    <>
      <Box display="flex" flexWrap="wrap" gridGap={16} mb={2}>
        <FilterSelect
          id="owner"
          label="Owner"
          value={filters.owner}
          options={unique(value.map(s => s.ownerRef)).map(ref => ({
            value: ref,
            label: displayRef(ref, 'group'),
          }))}
          onChange={v => setFilter('owner', v)}
        />
        <FilterSelect
          id="system"
          label="System"
          value={filters.system}
          options={unique(value.map(s => s.systemRef)).map(ref => ({
            value: ref,
            label: displayRef(ref, 'system'),
          }))}
          onChange={v => setFilter('system', v)}
        />
        <FilterSelect
          id="state"
          label="State"
          value={filters.state}
          options={(Object.keys(stateOrder) as SloState[]).map(state => ({
            value: state,
            label: stateLabels[state],
          }))}
          onChange={v => setFilter('state', v)}
        />
      </Box>
      <Table<SloSummary>
        title="All SLOs"
        subtitle={`${rows.length} of ${value.length} SLOs, worst first`}
        data={rows}
        columns={columns}
        emptyContent={
          <Box p={2} textAlign="center">
            No SLO matches the filters.
          </Box>
        }
        options={{
          paging: rows.length > 20,
          pageSize: 20,
          search: false,
          padding: 'dense',
        }}
      />
    </>
  );
}
