import { Content, Progress } from '@backstage/core-components';
import { ErrorInWords } from '@internal/portal-react';
import { useApi } from '@backstage/frontend-plugin-api';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { catalogIngestionApiRef } from '../../api';
import { NoSourcesEmptyState } from '../shared/NoSourcesEmptyState';
import { ProblemsTable } from '../shared/ProblemsTable';
import { RunsTable } from './RunsTable';
import { SourcesTable } from './SourcesTable';
import { SuccessRateCard } from './SuccessRateCard';
import { CanaryCard } from './CanaryCard';

/** How many recent runs the page lists. */
const RECENT_RUNS = 50;

/** Health of catalog ingestion: sources, success rate, runs and problems. */
export function IngestionPage() {
  const api = useApi(catalogIngestionApiRef);
  const { value, loading, error, retry } = useAsyncRetry(async () => {
    const [sources, health, runs, problems] = await Promise.all([
      api.getSources(),
      api.getHealth(),
      api.getRuns({ limit: RECENT_RUNS }),
      api.getProblems(),
    ]);
    return { sources, health, runs, problems };
  }, [api]);

  if (error) {
    return (
      <Content>
        <ErrorInWords
          error={error}
          what="Catalog ingestion health could not be loaded"
        />
      </Content>
    );
  }
  if (!value) {
    return loading ? <Progress /> : null;
  }
  if (value.sources.length === 0) {
    return (
      <Content>
        <NoSourcesEmptyState />
      </Content>
    );
  }

  return (
    <Content>
      <Grid container spacing={3}>
        <Grid item xs={12} md={6}>
          <CanaryCard canary={value.health.canary} />
        </Grid>
        <Grid item xs={12} md={6}>
          <SuccessRateCard health={value.health} />
        </Grid>
        <Grid item xs={12}>
          <SourcesTable sources={value.sources} onRescanned={retry} />
        </Grid>
        <Grid item xs={12}>
          <RunsTable runs={value.runs} />
        </Grid>
        <Grid item xs={12}>
          <ProblemsTable
            title="Outstanding problems"
            problems={value.problems}
            columns={['source', 'repository', 'location', 'entity', 'message']}
            emptyContent={
              <Box p={2}>
                <Typography variant="body2">
                  No outstanding problems: every descriptor that was read was
                  accepted.
                </Typography>
              </Box>
            }
          />
        </Grid>
      </Grid>
    </Content>
  );
}
