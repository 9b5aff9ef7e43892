import { InfoCard } from '@backstage/core-components';
import type { IngestionHealth } from '@internal/plugin-catalog-ingestion-common';
import Typography from '@material-ui/core/Typography';

function percent(rate: number) {
  return `${(rate * 100).toFixed(rate === 1 ? 0 : 1)} %`;
}

/**
 * The ingestion success rate over the last 24 hours: runs that listed their
 * source completely (succeeded or partial) over all finished runs.
 */
export function SuccessRateCard(props: { health: IngestionHealth }) {
  const { health } = props;
  return (
    <InfoCard
      title="Success rate, last 24 h"
      subheader="Runs that listed their source completely (succeeded or partial), over all finished runs"
    >
      {health.successRate === null ? (
        <Typography variant="body1" data-testid="success-rate">
          No runs in the last 24 hours.
        </Typography>
      ) : (
        <>
          <Typography variant="h3" component="p" data-testid="success-rate">
            {percent(health.successRate)}
          </Typography>
          <Typography variant="body2" color="textSecondary">
            {health.good} of {health.runs} runs good, {health.failed} failed
          </Typography>
        </>
      )}
      {health.sources.length > 1 && (
        <Typography variant="body2" color="textSecondary">
          {health.sources
            .map(
              s =>
                `${s.sourceId}: ${
                  s.successRate === null ? 'no runs' : percent(s.successRate)
                }`,
            )
            .join(' · ')}
        </Typography>
      )}
    </InfoCard>
  );
}
