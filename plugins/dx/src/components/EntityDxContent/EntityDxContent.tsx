import { InfoCard } from '@backstage/core-components';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import type { DxEventKind } from '@internal/plugin-dx-common';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { dxApiRef, type DxRange } from '../../api';
import { DoraSection } from '../Dora/DoraSection';
import { EntityScorecards } from '../EntityScorecardContent/EntityScorecardContent';
import { Async } from '../shared/Async';
import { formatTime } from '../shared/format';
import { HowToSendEvents } from '../shared/HowToSendEvents';
import { useDxParams } from '../shared/params';
import { RangeSelect } from '../shared/RangeSelect';

const RECENT = 20;

/** The newest events of one kind of the entity, in the range. */
function RecentEvents(props: {
  entityRef: string;
  kind: DxEventKind;
  title: string;
  range: DxRange;
}) {
  const { entityRef, kind, range } = props;
  const api = useApi(dxApiRef);
  const state = useAsync(
    () => api.listEvents({ entityRef, kind, ...range, limit: RECENT }),
    [api, entityRef, kind, range],
  );
  return (
    <InfoCard
      title={props.title}
      subheader={`The newest ${RECENT} in the range`}
    >
      <Async state={state} what={props.title}>
        {events =>
          events.length === 0 ? (
            <Typography variant="body2">None in this range.</Typography>
          ) : (
            <Table size="small" aria-label={props.title}>
              <TableHead>
                <TableRow>
                  <TableCell>When</TableCell>
                  <TableCell>Action</TableCell>
                  <TableCell>Environment</TableCell>
                  <TableCell>Outcome</TableCell>
                  <TableCell>Title</TableCell>
                  <TableCell>By</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {events.map(e => (
                  <TableRow key={e.id}>
                    <TableCell>{formatTime(e.occurredAt)}</TableCell>
                    <TableCell>{e.action}</TableCell>
                    <TableCell>{e.environment ?? '—'}</TableCell>
                    <TableCell>{e.outcome ?? '—'}</TableCell>
                    <TableCell>
                      {e.title ?? e.commitSha?.slice(0, 12) ?? '—'}
                    </TableCell>
                    <TableCell>{e.actor ?? '—'}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )
        }
      </Async>
    </InfoCard>
  );
}

/**
 * The DX tab of components: DORA of the component (range in `?days=`, the
 * previous period beside it, CSV, drill-down in `?drill=`), its scorecards
 * with every check, and its recent deployments and incidents.
 */
export function EntityDxContent() {
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity);
  const params = useDxParams();
  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <Box display="flex" justifyContent="flex-end">
          <RangeSelect days={params.days} onChange={params.setDays} />
        </Box>
      </Grid>
      <Grid item xs={12}>
        <DoraSection
          scope={{ entityRef }}
          range={params.range}
          previousLabel={params.previousLabel}
          drill={params.drill}
          onDrill={params.setDrill}
        />
      </Grid>
      <Grid item xs={12}>
        <EntityScorecards entityRef={entityRef} />
      </Grid>
      <Grid item xs={12} md={6}>
        <RecentEvents
          entityRef={entityRef}
          kind="deployment"
          title="Recent deployments"
          range={params.range}
        />
      </Grid>
      <Grid item xs={12} md={6}>
        <RecentEvents
          entityRef={entityRef}
          kind="incident"
          title="Recent incidents"
          range={params.range}
        />
      </Grid>
      <Grid item xs={12}>
        <InfoCard title="Sending events for this component">
          <HowToSendEvents entityRef={entityRef} />
        </InfoCard>
      </Grid>
    </Grid>
  );
}
