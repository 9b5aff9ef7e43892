import { EmptyState, InfoCard } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import { useMemo } from 'react';
import useAsync from 'react-use/esm/useAsync';
import {
  dxApiRef,
  type DoraQuery,
  type DxRange,
  type DxScope,
} from '../../api';
import { Async } from '../shared/Async';
import { HowToSendEvents } from '../shared/HowToSendEvents';
import { DoraLevelChip } from '../shared/LevelChip';
import { CsvLink } from './CsvLink';
import { DefinitionLink } from '../shared/MetricTile';
import { DORA_DRILLS, type DoraDrill } from './definitions';
import { DeploymentsChart } from './DeploymentsChart';
import { DoraDrillDown } from './DoraDrillDown';
import { DoraTiles, ScopeName } from './DoraTiles';

/**
 * Delivery (DORA) of an entity, a team or the organisation: the overall
 * level, the four tiles with the previous period, deployments per day, the
 * CSV, and the rows of the tile opened (`drill`).
 */
export function DoraSection(props: {
  scope: DxScope;
  range: DxRange;
  previousLabel: string;
  drill?: string;
  onDrill: (drill: DoraDrill | undefined) => void;
}) {
  const { scope, range, previousLabel, onDrill } = props;
  const api = useApi(dxApiRef);
  const query: DoraQuery = useMemo(
    () => ({
      entityRef: scope.entityRef,
      owner: scope.entityRef ? undefined : scope.owner,
      from: range.from,
      to: range.to,
      // Days are UTC days, as the daily roll-ups hold them.
      timeZone: 'UTC',
    }),
    [scope.entityRef, scope.owner, range.from, range.to],
  );
  const state = useAsync(() => api.getDora(query), [api, query]);
  const drill = DORA_DRILLS.find(d => d === props.drill);

  return (
    <Async state={state} what="Delivery (DORA)">
      {dora => (
        <Grid container spacing={3}>
          <Grid item xs={12}>
            <Box
              display="flex"
              alignItems="center"
              flexWrap="wrap"
              style={{ gap: 16 }}
            >
              <Typography variant="h6" component="h2">
                Delivery (DORA) of <ScopeName scope={dora.scope} />
              </Typography>
              <DoraLevelChip level={dora.level} label="Overall" />
              <Typography variant="body2" color="textSecondary">
                {previousLabel}: overall{' '}
                {dora.previous.level ? dora.previous.level : 'no level'}
              </Typography>
              <Box flexGrow={1} />
              <CsvLink query={query} />
            </Box>
            <Typography variant="caption" color="textSecondary">
              The overall level is the lowest of the four keys with levels (a
              team is as fast as its slowest key); the rework rate has none.
              Levels follow the 2023 Accelerate State of DevOps Report.{' '}
              <DefinitionLink id="dora-level" />
              {dora.source === 'rollup' && (
                <>
                  {' '}
                  Added up from daily roll-ups
                  {dora.rollupAt
                    ? ` (as of ${new Date(dora.rollupAt).toLocaleTimeString()})`
                    : ''}
                  : counts exact, durations within 1 % (
                  <DefinitionLink id="rollups" />
                  ).
                </>
              )}
            </Typography>
          </Grid>
          <Grid item xs={12}>
            <DoraTiles
              dora={dora}
              previousLabel={previousLabel}
              drill={drill}
              onDrill={d => onDrill(d === drill ? undefined : d)}
            />
            {drill && (
              <DoraDrillDown
                query={query}
                drill={drill}
                onClose={() => onDrill(undefined)}
              />
            )}
          </Grid>
          <Grid item xs={12}>
            {dora.deploymentFrequency.deployments === 0 ? (
              <EmptyState
                missing="data"
                title="No deployments in this range"
                description={
                  <>
                    No successful production deployment of{' '}
                    <ScopeName scope={dora.scope} /> was received for this
                    range.
                  </>
                }
                action={<HowToSendEvents entityRef={scope.entityRef} />}
              />
            ) : (
              <InfoCard
                title="Deployments per day"
                subheader="Successful production deployments, by day in your time zone"
              >
                <DeploymentsChart perDay={dora.perDay} />
              </InfoCard>
            )}
          </Grid>
        </Grid>
      )}
    </Async>
  );
}
