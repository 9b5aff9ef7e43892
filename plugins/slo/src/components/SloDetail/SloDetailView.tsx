import { useState } from 'react';
import { InfoCard, Progress, WarningPanel } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import type { SloDetail, SloSpec } from '@internal/plugin-slo-common';
import { ErrorInWords } from '@internal/portal-react';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import LinearProgress from '@material-ui/core/LinearProgress';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { sloApiRef } from '../../api';
import { BudgetBar } from '../shared/BudgetBar';
import {
  formatBudgetingMethod,
  formatNumber,
  formatPercent,
  formatTarget,
  formatTimestamp,
  formatWindow,
} from '../shared/format';
import { Metric } from '../shared/Metric';
import { ProblemsList } from '../shared/ProblemsList';
import { RelativeTime } from '../shared/RelativeTime';
import { SloStateChip } from '../shared/SloStateChip';
import {
  AlertHistoryTable,
  AlertRulesTable,
  BurnRatesTable,
} from './BurnRates';
import { DeleteSloButton } from './DeleteSloButton';
import { BudgetChart, SliChart } from './SloCharts';

/** The ranges the charts can show; the SLO's own window by default. */
const ranges = [
  { id: 'window', label: 'SLO window', hours: undefined },
  { id: '24h', label: 'Last 24 hours', hours: 24 },
  { id: '7d', label: 'Last 7 days', hours: 24 * 7 },
] as const;
type RangeId = (typeof ranges)[number]['id'];

function rangeDates(id: RangeId): { from?: Date; to?: Date } {
  const hours = ranges.find(r => r.id === id)?.hours;
  if (!hours) return {};
  const to = new Date();
  return { from: new Date(to.getTime() - hours * 3_600_000), to };
}

const originText = (detail: SloDetail) => {
  switch (detail.origin) {
    case 'ui':
      return 'Created in the portal';
    case 'platform':
      return 'Platform SLO';
    default:
      return detail.file ? `From ${detail.file}` : 'From the repository';
  }
};

/** Where the SLO belongs and where it comes from. */
function SloFacts(props: { detail: SloDetail }) {
  const { detail } = props;
  return (
    <Box display="flex" flexWrap="wrap" alignItems="center" gridGap={16}>
      <SloStateChip state={detail.state} />
      <Typography variant="body2">
        Entity <EntityRefLink entityRef={detail.entityRef} />
      </Typography>
      {detail.ownerRef && (
        <Typography variant="body2">
          Owner{' '}
          <EntityRefLink entityRef={detail.ownerRef} defaultKind="group" />
        </Typography>
      )}
      {detail.systemRef && (
        <Typography variant="body2">
          System{' '}
          <EntityRefLink entityRef={detail.systemRef} defaultKind="system" />
        </Typography>
      )}
      <Typography variant="body2" color="textSecondary">
        {originText(detail)}, measured by {detail.sourceType}
      </Typography>
      <Typography variant="body2" color="textSecondary">
        Evaluated <RelativeTime iso={detail.evaluatedAt} />
      </Typography>
    </Box>
  );
}

/** SLI, target, window and the error budget over the window. */
function SloFigures(props: { detail: SloDetail }) {
  const { detail } = props;
  const unit =
    detail.budgetingMethod === 'Timeslices' ? 'bad slices' : 'bad events';
  const budget = detail.budget;
  return (
    <Box display="flex" flexWrap="wrap" gridGap={32} mt={2}>
      <Metric
        label="SLI"
        testId="slo-sli"
        value={formatPercent(budget?.sli)}
        caption={
          budget
            ? `${formatNumber(budget.good)} good of ${formatNumber(
                budget.total,
              )}`
            : undefined
        }
      />
      <Metric
        label="Target"
        testId="slo-target"
        value={formatTarget(detail.target)}
      />
      <Metric label="Window" value={formatWindow(detail.window)} />
      <Metric
        label="Budgeting method"
        value={formatBudgetingMethod(detail.budgetingMethod)}
      />
      <Metric
        label="Error budget"
        testId="slo-budget-total"
        value={formatNumber(budget?.allowed)}
        caption={`${unit} allowed`}
      />
      <Metric
        label="Consumed"
        testId="slo-budget-consumed"
        value={formatNumber(budget?.consumed)}
        caption={
          budget && budget.allowed > 0
            ? `${unit}, ${formatPercent(
                budget.consumed / budget.allowed,
                1,
              )} of the budget`
            : unit
        }
      />
      <Box minWidth={200}>
        <Metric
          label="Remaining"
          value={<BudgetBar remaining={budget?.remaining} />}
        />
      </Box>
    </Box>
  );
}

/** The SLI and budget over time, burn rates, alert rules and history. */
function SloMeasurements(props: { detail: SloDetail; spec: SloSpec }) {
  const { detail, spec } = props;
  const span = `${formatTimestamp(detail.from)} to ${formatTimestamp(
    detail.to,
  )}`;
  return (
    <>
      <Grid item xs={12} lg={6}>
        <InfoCard title="SLI over time" subheader={span}>
          <SliChart series={detail.series} target={detail.target} />
        </InfoCard>
      </Grid>
      <Grid item xs={12} lg={6}>
        <InfoCard title="Error budget burn-down" subheader={span}>
          <BudgetChart series={detail.series} />
        </InfoCard>
      </Grid>
      <Grid item xs={12} lg={6}>
        <InfoCard
          title="Burn rates"
          subheader="How fast the budget burns: 1× spends exactly the budget over the window"
        >
          <BurnRatesTable burnRates={detail.burnRates} alerts={detail.alerts} />
        </InfoCard>
      </Grid>
      <Grid item xs={12} lg={6}>
        <InfoCard
          title="Alert rules"
          subheader={
            spec.alerting.defaults
              ? 'The default multiwindow burn-rate rules (no alert policy in the file)'
              : 'From the alert policies of the file'
          }
        >
          <AlertRulesTable alerts={detail.alerts} />
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        <InfoCard title="Alert history" subheader={span}>
          <AlertHistoryTable events={detail.alertHistory} />
        </InfoCard>
      </Grid>
    </>
  );
}

/**
 * One SLO in full: its figures and error budget, the SLI and the budget
 * over time, burn rates and alert rules, alert history, and the problems
 * of its file. An SLO whose file has errors is not evaluated: it shows its
 * problems only.
 */
export function SloDetailContent(props: {
  detail: SloDetail;
  range?: { value: RangeId; onChange: (range: RangeId) => void };
  reloading?: boolean;
  onDeleted?: () => void;
}) {
  const { detail, range, reloading, onDeleted } = props;
  // The backend leaves out the spec (and the series) of invalid SLOs.
  const spec = detail.spec as SloSpec | undefined;
  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <InfoCard
          title={detail.displayName ?? detail.name}
          subheader={detail.description}
          action={
            <Box display="flex" alignItems="center" gridGap={8} mt={1}>
              {range && spec && (
                <TextField
                  select
                  id={`slo-range-${detail.id}`}
                  label="Range"
                  size="small"
                  variant="outlined"
                  value={range.value}
                  onChange={e => range.onChange(e.target.value as RangeId)}
                  SelectProps={{ native: true }}
                  InputLabelProps={{ shrink: true }}
                >
                  {ranges.map(r => (
                    <option key={r.id} value={r.id}>
                      {r.label}
                    </option>
                  ))}
                </TextField>
              )}
              {onDeleted && detail.origin === 'ui' && (
                <DeleteSloButton slo={detail} onDeleted={onDeleted} />
              )}
            </Box>
          }
        >
          {reloading && <LinearProgress />}
          <SloFacts detail={detail} />
          <SloFigures detail={detail} />
        </InfoCard>
      </Grid>
      {detail.error && (
        <Grid item xs={12}>
          <WarningPanel
            severity="error"
            title={
              spec
                ? 'The latest evaluation failed'
                : 'The SLO is not valid, so it is not evaluated'
            }
            message={detail.error}
            defaultExpanded
          />
        </Grid>
      )}
      {spec && <SloMeasurements detail={detail} spec={spec} />}
      <Grid item xs={12}>
        <InfoCard
          title={`Problems (${detail.problems.length})`}
          subheader="Errors make an SLO unusable; unsupported fields are ignored"
        >
          <ProblemsList problems={detail.problems} />
        </InfoCard>
      </Grid>
    </Grid>
  );
}

/** Loads one SLO (`GET /slos/:id`) and shows it; the range is selectable. */
export function SloDetailView(props: { id: string; onDeleted?: () => void }) {
  const { id, onDeleted } = props;
  const api = useApi(sloApiRef);
  const [range, setRange] = useState<RangeId>('window');
  const { value, loading, error } = useAsync(
    () => api.getSlo(id, rangeDates(range)),
    [api, id, range],
  );
  if (error) {
    return <ErrorInWords error={error} what="This SLO could not be loaded" />;
  }
  // While another SLO loads, the previous one is not shown.
  if (!value || (loading && value.id !== id)) return <Progress />;
  return (
    <SloDetailContent
      detail={value}
      range={{ value: range, onChange: setRange }}
      reloading={loading}
      onDeleted={onDeleted}
    />
  );
}
