import { useState } from 'react';
import { InfoCard, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { ErrorInWords } from '@internal/portal-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { goldenPathsApiRef } from '../../api';
import { formatWait } from '../shared/format';

/** The window of the upgrade metrics: the last 90 days. */
export const UPGRADE_METRICS_DAYS = 90;

function Metric(props: {
  label: string;
  value: string | number;
  definition: string;
  testId: string;
}) {
  return (
    <Grid item xs={6} md={3}>
      <Typography variant="h5" component="p" data-testid={props.testId}>
        {props.value}
      </Typography>
      <Typography variant="subtitle2" component="p">
        {props.label}
      </Typography>
      <Typography variant="caption" color="textSecondary" component="p">
        {props.definition}
      </Typography>
    </Grid>
  );
}

/** Hours as people say them: `1 h 30 min`, `2 d 6 h`; `—` when unknown. */
export const formatHours = (hours: number | null | undefined) =>
  formatWait(hours === null || hours === undefined ? hours : hours * 3_600_000);

/**
 * Upgrade adoption: proposals opened in the last 90 days, how many were
 * merged, how many wait (and with conflicts), and how fast they merge.
 * Read again whenever `refreshKey` changes; "Check now" asks the hosts
 * for merged and closed proposals at once (the backend also polls).
 */
export function UpgradeAdoptionCard(props: {
  refreshKey?: number;
  onRefreshed?: () => void;
}) {
  const { refreshKey, onRefreshed } = props;
  const api = useApi(goldenPathsApiRef);
  const { value, loading, error } = useAsync(
    async () =>
      api.upgradeMetrics({
        from: new Date(Date.now() - UPGRADE_METRICS_DAYS * 24 * 3_600_000),
      }),
    [api, refreshKey],
  );
  const [check, setCheck] = useState<{
    running: boolean;
    result?: { checked: number; changed: number };
    error?: unknown;
  }>({ running: false });

  const checkNow = async () => {
    setCheck({ running: true });
    try {
      const result = await api.refreshUpgrades();
      setCheck({ running: false, result });
      onRefreshed?.();
    } catch (e) {
      setCheck({ running: false, error: e });
    }
  };

  return (
    <InfoCard title={`Upgrade adoption, last ${UPGRADE_METRICS_DAYS} days`}>
      {loading && !value && <Progress />}
      {error && (
        <ErrorInWords
          error={error}
          what="Upgrade adoption could not be loaded"
        />
      )}
      {value && (
        <>
          <Grid container spacing={2}>
            <Metric
              testId="upgrades-opened"
              label="Proposed"
              value={value.opened}
              definition="Upgrade change requests opened"
            />
            <Metric
              testId="upgrades-merged"
              label="Merged"
              value={value.merged}
              definition="Of those, merged by the service's team"
            />
            <Metric
              testId="upgrades-open"
              label="Waiting"
              value={
                value.withConflicts
                  ? `${value.open} (${value.withConflicts} with conflicts)`
                  : value.open
              }
              definition="Still open for review; conflicts are files left for people"
            />
            <Metric
              testId="upgrades-median-merge"
              label="Median time to merge"
              value={formatHours(value.timeToMerge.medianHours)}
              definition="Half of the merged proposals were merged within this time of being opened"
            />
          </Grid>
          <Typography variant="caption" color="textSecondary" component="p">
            {value.closed} closed without merging, {value.failed} could not be
            proposed
            {value.timeToMerge.p90Hours !== null &&
              `; nine in ten merged within ${formatHours(
                value.timeToMerge.p90Hours,
              )}`}
            .
          </Typography>
        </>
      )}
      <Box mt={1} display="flex" alignItems="center" style={{ gap: 8 }}>
        <Button
          size="small"
          variant="outlined"
          onClick={checkNow}
          disabled={check.running}
        >
          Check for merged and closed now
        </Button>
        {check.result && (
          <Typography variant="body2" role="status">
            Checked {check.result.checked}{' '}
            {check.result.checked === 1 ? 'proposal' : 'proposals'},{' '}
            {check.result.changed} changed.
          </Typography>
        )}
      </Box>
      {check.error !== undefined && (
        <ErrorInWords
          error={check.error}
          what="The states of the proposals could not be checked"
        />
      )}
    </InfoCard>
  );
}
