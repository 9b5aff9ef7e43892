import { InfoCard, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import type { GateRequesterMetrics } from '@internal/plugin-golden-paths-common';
import { ErrorInWords } from '@internal/portal-react';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { goldenPathsApiRef } from '../../api';
import { formatWait } from '../shared/format';

/** The window of the metrics: the last 28 days. */
export const METRICS_DAYS = 28;

function Metric(props: {
  label: string;
  value: string | number;
  definition: string;
  testId: string;
}) {
  return (
    <Box display="flex" alignItems="baseline" mb={1}>
      <Box minWidth={96}>
        <Typography variant="h5" component="p" data-testid={props.testId}>
          {props.value}
        </Typography>
      </Box>
      <Box>
        <Typography variant="subtitle2" component="p">
          {props.label}
        </Typography>
        <Typography variant="caption" color="textSecondary" component="p">
          {props.definition}
        </Typography>
      </Box>
    </Box>
  );
}

/** `Agents for people: 4 requested, 1 pending, median wait 25 min`. */
function RequesterLine(props: {
  who: string;
  metrics: GateRequesterMetrics;
  testId: string;
}) {
  const { who, metrics, testId } = props;
  return (
    <Typography
      variant="caption"
      color="textSecondary"
      component="p"
      data-testid={testId}
    >
      {who}: {metrics.requested} requested, {metrics.pending} pending, median
      wait {formatWait(metrics.medianWaitMs)}
    </Typography>
  );
}

/**
 * What golden gates cost: how many requests, and how long they wait. Read
 * again whenever `refreshKey` changes (a decision was made).
 */
export function GateMetricsCard(props: { refreshKey?: number }) {
  const api = useApi(goldenPathsApiRef);
  const { value, loading, error } = useAsync(
    () =>
      api.getGateMetrics({
        from: new Date(Date.now() - METRICS_DAYS * 24 * 3_600_000),
      }),
    [api, props.refreshKey],
  );
  return (
    <InfoCard title={`Golden gates, last ${METRICS_DAYS} days`}>
      {loading && <Progress />}
      {error && (
        <ErrorInWords
          error={error}
          what="Golden gate metrics could not be loaded"
        />
      )}
      {value && (
        <>
          <Metric
            testId="gates-requested"
            label="Requested"
            value={value.requested}
            definition="Requests that left the standard and went to a gate"
          />
          <Metric
            testId="gates-pending"
            label="Pending"
            value={value.pending}
            definition="Of those, still waiting for a decision"
          />
          <Metric
            testId="gates-median-wait"
            label="Median wait"
            value={formatWait(value.medianWaitMs)}
            definition="Half of the decided requests were approved or rejected within this time of being requested"
          />
          {value.p90WaitMs !== undefined && (
            <Metric
              testId="gates-p90-wait"
              label="90th percentile wait"
              value={formatWait(value.p90WaitMs)}
              definition="Nine in ten decided requests waited at most this long"
            />
          )}
          <Typography variant="caption" color="textSecondary">
            {value.approved} approved, {value.rejected} rejected
          </Typography>
          {value.byRequester && (
            <Box mt={1}>
              <RequesterLine
                testId="gates-by-people"
                who="People themselves"
                metrics={value.byRequester.people}
              />
              <RequesterLine
                testId="gates-by-agents"
                who="Agents for people"
                metrics={value.byRequester.agents}
              />
            </Box>
          )}
        </>
      )}
    </InfoCard>
  );
}
