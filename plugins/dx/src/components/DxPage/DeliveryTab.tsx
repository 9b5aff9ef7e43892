import { InfoCard } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import Box from '@material-ui/core/Box';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { dxApiRef, type DxRange } from '../../api';
import { DoraSection } from '../Dora/DoraSection';
import { Async } from '../shared/Async';
import { BackfillProgress } from './BackfillProgress';

/** Events no entity could be found for, by reason. */
function UnmappedEvents() {
  const api = useApi(dxApiRef);
  const state = useAsync(() => api.getUnmappedEvents(), [api]);
  return (
    <InfoCard
      title="Events not linked to an entity"
      subheader="Not counted in any metric until their repository, service or entityRef matches a catalog entity"
    >
      <Async state={state} what="Unmapped events">
        {reasons =>
          reasons.length === 0 ? (
            <Typography variant="body2">
              Every event received was mapped to a catalog entity.
            </Typography>
          ) : (
            <Table size="small" aria-label="Unmapped events">
              <TableHead>
                <TableRow>
                  <TableCell>Reason</TableCell>
                  <TableCell>Kind</TableCell>
                  <TableCell align="right">Events</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {reasons.map(r => (
                  <TableRow key={`${r.reason} ${r.kind}`}>
                    <TableCell>{r.reason}</TableCell>
                    <TableCell>{r.kind}</TableCell>
                    <TableCell align="right">{r.events}</TableCell>
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

/** Delivery (DORA) of a team or the organisation; unmapped events for the organisation. */
export function DeliveryTab(props: {
  owner?: string;
  range: DxRange;
  previousLabel: string;
  drill?: string;
  onDrill: (drill: string | undefined) => void;
}) {
  return (
    <>
      <DoraSection
        scope={{ owner: props.owner }}
        range={props.range}
        previousLabel={props.previousLabel}
        drill={props.drill}
        onDrill={props.onDrill}
      />
      {!props.owner && (
        <Box mt={3}>
          <UnmappedEvents />
        </Box>
      )}
      {!props.owner && (
        <Box mt={3}>
          <BackfillProgress />
        </Box>
      )}
    </>
  );
}
