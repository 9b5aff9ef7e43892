import { Progress } from '@backstage/core-components';
import { ErrorInWords } from '@internal/portal-react';
import { useApi } from '@backstage/frontend-plugin-api';
import Grid from '@material-ui/core/Grid';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { goldenPathsApiRef, type GateList } from '../../api';
import { isForbidden } from '../shared/format';
import { GateMetricsCard } from './GateMetricsCard';
import { MyRequests } from './MyRequests';
import { ReviewQueue } from './ReviewQueue';

/**
 * Golden gates: the review queue (for reviewers), the user's own requests
 * with their audit trails, and what gates cost.
 */
export function GatesTab() {
  const api = useApi(goldenPathsApiRef);
  // Each decision changes the lists and the metrics: both are read again.
  const [decisions, setDecisions] = useState(0);
  const { value, loading, error } = useAsync(async () => {
    const [queue, mine] = await Promise.all([
      api
        .listGates({ status: 'pending' })
        .catch((e: unknown): GateList | undefined => {
          // Only reviewers see everyone's requests: hide the queue.
          if (isForbidden(e)) return undefined;
          throw e;
        }),
      api.listGates({ mine: true }),
    ]);
    return { queue: queue?.canReview ? queue.items : undefined, mine };
  }, [api, decisions]);

  if (error) {
    return (
      <ErrorInWords
        error={error}
        what="Golden gate requests could not be loaded"
      />
    );
  }
  if (!value) return loading ? <Progress /> : null;

  return (
    <Grid container spacing={3}>
      {value.queue && (
        <Grid item xs={12}>
          <ReviewQueue
            gates={value.queue}
            onDecided={() => setDecisions(n => n + 1)}
          />
        </Grid>
      )}
      <Grid item xs={12} xl={8}>
        <MyRequests gates={value.mine.items} />
      </Grid>
      <Grid item xs={12} xl={4}>
        <GateMetricsCard refreshKey={decisions} />
      </Grid>
    </Grid>
  );
}
