import { InfoCard } from '@backstage/core-components';
import type { IngestionCanaryHealth } from '@internal/plugin-catalog-ingestion-common';
import Typography from '@material-ui/core/Typography';
import { formatDuration, formatRelative } from '../shared/format';

function percent(rate: number) {
  return `${(rate * 100).toFixed(rate === 1 ? 0 : 1)} %`;
}

/**
 * What people wait for: the canary's changes, handed to the catalog as
 * discovered changes are, and how many the catalog API served within the
 * timeout. A catalog that stopped processing shows here, while the runs
 * of the sources still succeed.
 */
export function CanaryCard(props: { canary?: IngestionCanaryHealth }) {
  const { canary } = props;
  const body = () => {
    if (!canary)
      return (
        <Typography variant="body1" data-testid="canary-rate">
          The canary is off (catalog.ingestion.canary.intervalSeconds is 0).
        </Typography>
      );
    if (canary.visibleRate === null)
      return (
        <Typography variant="body1" data-testid="canary-rate">
          No canary in the last 24 hours yet.
        </Typography>
      );
    const last = canary.last;
    return (
      <>
        <Typography variant="h3" component="p" data-testid="canary-rate">
          {percent(canary.visibleRate)}
        </Typography>
        <Typography variant="body2" color="textSecondary">
          {canary.visible} of {canary.total} changes visible in the catalog
          {canary.medianMs !== undefined &&
            `, median ${formatDuration(canary.medianMs)}, p95 ${formatDuration(
              canary.p95Ms,
            )}`}
        </Typography>
        {last && (
          <Typography
            variant="body2"
            color={
              last.visibleAfterMs === undefined ? 'error' : 'textSecondary'
            }
            data-testid="canary-last"
          >
            Last change {formatRelative(last.startedAt)}:{' '}
            {last.visibleAfterMs !== undefined
              ? `visible after ${formatDuration(last.visibleAfterMs)}`
              : last.error ??
                'not visible in time: the catalog may have stopped processing'}
          </Typography>
        )}
      </>
    );
  };
  return (
    <InfoCard
      title="Changes visible, last 24 h"
      subheader="A change to the canary entity, handed to the catalog every few minutes, until the catalog API serves it"
    >
      {body()}
    </InfoCard>
  );
}
