import {
  EmptyState,
  InfoCard,
  Link,
  Progress,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import type { PlatformHealth, SloSummary } from '@internal/plugin-slo-common';
import { PORTAL_SOURCE } from '@internal/plugin-slo-common';
import { ErrorInWords } from '@internal/portal-react';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Grid from '@material-ui/core/Grid';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { sloApiRef } from '../../api';
import { BudgetBar } from '../shared/BudgetBar';
import {
  formatDuration,
  formatMinutes,
  formatPercent,
  formatTarget,
  formatRate,
  formatTimestamp,
  formatWindow,
} from '../shared/format';
import { Metric } from '../shared/Metric';
import { RelativeTime } from '../shared/RelativeTime';
import { SloStateChip } from '../shared/SloStateChip';
import { useSloPageLink } from '../shared/links';

/** The burn rate of each lookback window at the latest evaluation. */
function BurnRateLine(props: { burnRates: SloSummary['burnRates'] }) {
  const text = props.burnRates.length
    ? `Burn rate: ${[...props.burnRates]
        .sort((a, b) => a.windowMinutes - b.windowMinutes)
        .map(b => `${formatMinutes(b.windowMinutes)} ${formatRate(b.rate)}`)
        .join(' · ')}`
    : 'Burn rate: not evaluated yet';
  return (
    <Typography variant="body2" color="textSecondary">
      {text}
    </Typography>
  );
}

/** One platform SLO: its state, SLI against the target, budget and burn rate. */
function PlatformSloCard(props: { slo: SloSummary }) {
  const { slo } = props;
  const pageLink = useSloPageLink();
  const name = slo.displayName ?? slo.name;
  return (
    <InfoCard
      title={name}
      // The state under the name, not beside it: a long name never runs
      // into it.
      subheader={
        <Box display="flex" alignItems="center" flexWrap="wrap" gridGap={8}>
          <SloStateChip state={slo.state} />
          <span>{formatWindow(slo.window)}</span>
        </Box>
      }
      deepLink={
        pageLink
          ? {
              title: 'Details',
              link: pageLink({ tab: 'platform', slo: slo.id }),
            }
          : undefined
      }
    >
      <Box display="flex" gridGap={24} mb={2}>
        <Metric
          label="SLI"
          value={formatPercent(slo.budget?.sli)}
          testId={`platform-sli-${slo.name}`}
        />
        <Metric label="Target" value={formatTarget(slo.target)} />
      </Box>
      <Typography variant="caption" color="textSecondary" component="p">
        Error budget
      </Typography>
      <BudgetBar remaining={slo.budget?.remaining} />
      <Box mt={1}>
        <BurnRateLine burnRates={slo.burnRates} />
        {slo.firingAlerts > 0 && (
          <Typography variant="body2" color="error">
            {slo.firingAlerts} alert{slo.firingAlerts === 1 ? '' : 's'} firing
          </Typography>
        )}
        {slo.error && (
          <Typography variant="body2" color="error">
            The latest evaluation failed: {slo.error}
          </Typography>
        )}
      </Box>
    </InfoCard>
  );
}

/** Golden-path runs: how many succeed and how long they take. */
function ProvisioningCard(props: {
  provisioning: PlatformHealth['provisioning'];
}) {
  const { provisioning: p } = props;
  const seconds = (s: number | null) =>
    formatDuration(s === null ? null : s * 1000);
  return (
    <InfoCard
      title="Provisioning"
      subheader={`${formatTimestamp(p.from)} to ${formatTimestamp(p.to)}`}
    >
      <Box display="flex" flexWrap="wrap" gridGap={32}>
        <Metric
          label="Success rate"
          testId="provisioning-success-rate"
          value={formatPercent(p.successRate, 1)}
          caption={`${p.completed} completed, ${p.failed} failed`}
        />
        <Metric
          label="Median time (p50)"
          testId="provisioning-p50"
          value={seconds(p.p50Seconds)}
        />
        <Metric
          label="95th percentile time (p95)"
          testId="provisioning-p95"
          value={seconds(p.p95Seconds)}
        />
      </Box>
    </InfoCard>
  );
}

/** The probes of the portal's own endpoints. */
function ProbesCard(props: { probes: PlatformHealth['probes'] }) {
  const { probes } = props;
  return (
    <InfoCard title="Probes" subheader="Requests the portal makes to itself">
      {probes.length === 0 ? (
        <Typography variant="body2" color="textSecondary">
          No probe has run yet.
        </Typography>
      ) : (
        <Table size="small" aria-label="Probes">
          <TableHead>
            <TableRow>
              <TableCell>Target</TableCell>
              <TableCell align="right">Succeeded</TableCell>
              <TableCell>Last probe</TableCell>
              <TableCell align="right">p95 latency</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {probes.map(probe => (
              <TableRow key={probe.target}>
                <TableCell>{probe.target}</TableCell>
                <TableCell align="right" style={{ whiteSpace: 'nowrap' }}>
                  {formatPercent(
                    probe.total ? probe.ok / probe.total : null,
                    2,
                  )}{' '}
                  ({probe.ok} of {probe.total})
                </TableCell>
                <TableCell style={{ whiteSpace: 'nowrap' }}>
                  {probe.lastOk !== undefined && (
                    <Chip
                      size="small"
                      variant="outlined"
                      label={probe.lastOk ? 'OK' : 'Failed'}
                    />
                  )}{' '}
                  <RelativeTime iso={probe.lastAt} />
                  {probe.lastError && (
                    <Typography variant="caption" color="error" component="div">
                      {probe.lastError}
                    </Typography>
                  )}
                </TableCell>
                <TableCell align="right">
                  {formatDuration(probe.p95LatencyMs)}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </InfoCard>
  );
}

/**
 * How the portal itself does: its SLOs (availability, provisioning success
 * and time, ingestion success), golden-path provisioning and probes.
 */
export function PlatformHealthTab() {
  const api = useApi(sloApiRef);
  const pageLink = useSloPageLink();
  const { value, loading, error } = useAsync(
    () => api.getPlatformHealth(),
    [api],
  );
  if (error) {
    return (
      <ErrorInWords error={error} what="Platform health could not be loaded" />
    );
  }
  if (!value) return loading ? <Progress /> : null;
  return (
    <Grid container spacing={3}>
      {value.slos.length === 0 && (
        <Grid item xs={12}>
          <EmptyState
            missing="data"
            title="No platform SLOs"
            description={
              <>
                The portal measures itself through OpenSLO files whose metric
                source is <code>{PORTAL_SOURCE}</code> (availability,
                provisioning success and time, ingestion success). None is
                configured in the SLO backend.
                {pageLink && (
                  <>
                    {' '}
                    Team SLOs are on the{' '}
                    <Link to={pageLink({ tab: 'slos' })}>All SLOs</Link> tab.
                  </>
                )}
              </>
            }
          />
        </Grid>
      )}
      {value.slos.map(slo => (
        <Grid item xs={12} md={6} lg={3} key={slo.id}>
          <PlatformSloCard slo={slo} />
        </Grid>
      ))}
      <Grid item xs={12} md={6}>
        <ProvisioningCard provisioning={value.provisioning} />
      </Grid>
      <Grid item xs={12} md={6}>
        <ProbesCard probes={value.probes} />
      </Grid>
      {value.evaluation && (
        <Grid item xs={12}>
          <Typography
            variant="caption"
            color="textSecondary"
            data-testid="evaluation-cycle"
          >
            Latest evaluation: {value.evaluation.evaluated} SLOs in{' '}
            {formatDuration(value.evaluation.durationMs)}
            {value.evaluation.failed > 0 &&
              `, ${value.evaluation.failed} with errors`}
            , <RelativeTime iso={value.evaluation.at} />
          </Typography>
        </Grid>
      )}
    </Grid>
  );
}
