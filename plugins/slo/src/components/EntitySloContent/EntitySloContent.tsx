import { useState } from 'react';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { EmptyState, InfoCard, Progress } from '@backstage/core-components';
import { useApi, useAppSearchParams } from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import type { SloSummary } from '@internal/plugin-slo-common';
import { ErrorInWords } from '@internal/portal-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { sloApiRef } from '../../api';
import { SloDetailView } from '../SloDetail';
import { BudgetBar } from '../shared/BudgetBar';
import { formatPercent, formatTarget, formatWindow } from '../shared/format';
import { HowToAddSlo } from '../shared/HowToAddSlo';
import { SloStateChip } from '../shared/SloStateChip';
import { CreateSloDialog } from './CreateSloDialog';

/** The entity's SLOs; a click on a row opens one below. */
function SloList(props: {
  slos: SloSummary[];
  selectedId: string;
  onSelect: (id: string) => void;
}) {
  const { slos, selectedId, onSelect } = props;
  return (
    <Table size="small" aria-label="SLOs of the entity">
      <TableHead>
        <TableRow>
          <TableCell>SLO</TableCell>
          <TableCell>State</TableCell>
          <TableCell align="right">SLI</TableCell>
          <TableCell align="right">Target</TableCell>
          <TableCell>Window</TableCell>
          <TableCell style={{ minWidth: 200 }}>Budget remaining</TableCell>
          <TableCell align="right">Firing alerts</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {slos.map(s => (
          <TableRow
            key={s.id}
            hover
            selected={s.id === selectedId}
            onClick={() => onSelect(s.id)}
            style={{ cursor: 'pointer' }}
          >
            <TableCell>
              <Button
                size="small"
                color="primary"
                aria-pressed={s.id === selectedId}
                onClick={e => {
                  e.stopPropagation();
                  onSelect(s.id);
                }}
              >
                {s.displayName ?? s.name}
              </Button>
            </TableCell>
            <TableCell>
              <SloStateChip state={s.state} />
            </TableCell>
            <TableCell align="right">{formatPercent(s.budget?.sli)}</TableCell>
            <TableCell align="right">{formatTarget(s.target)}</TableCell>
            <TableCell>{formatWindow(s.window)}</TableCell>
            <TableCell>
              <BudgetBar remaining={s.budget?.remaining} />
            </TableCell>
            <TableCell align="right">{s.firingAlerts}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

/**
 * The SLOs tab of components, resources and systems: the entity's SLOs with
 * the one selected (`?slo=<id>`) in full, a Create SLO button for owners,
 * and how to add an SLO when there is none.
 */
export function EntitySloContent() {
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity);
  const api = useApi(sloApiRef);
  const [searchParams, setSearchParams] = useAppSearchParams();
  const [creating, setCreating] = useState(false);
  const { value, loading, error, retry } = useAsyncRetry(
    () => api.listSlos({ entityRef }),
    [api, entityRef],
  );

  const select = (id: string | undefined) =>
    setSearchParams(previous => {
      const next = new URLSearchParams(previous);
      if (id) next.set('slo', id);
      else next.delete('slo');
      return next;
    });

  const createButton = (
    <Button
      variant="contained"
      color="primary"
      onClick={() => setCreating(true)}
    >
      Create SLO
    </Button>
  );
  const dialog = (
    <CreateSloDialog
      entity={entity}
      open={creating}
      onClose={() => setCreating(false)}
      onCreated={slos => {
        retry();
        select(slos[0]?.id);
      }}
    />
  );

  if (error) {
    return (
      <ErrorInWords
        error={error}
        what="The SLOs of this entity could not be loaded"
      />
    );
  }
  if (!value) return loading ? <Progress /> : null;
  if (value.length === 0) {
    return (
      <>
        <EmptyState
          missing="content"
          title={`${entity.metadata.title ?? entity.metadata.name} has no SLOs`}
          description="An SLO (service level objective) says how reliable the entity should be, for example 99.5 % of requests succeed over 28 days. The portal tracks its error budget and alerts the owners when it burns too fast."
          action={
            <>
              <Box mb={2}>{createButton}</Box>
              <HowToAddSlo service={entity.metadata.name} />
            </>
          }
        />
        {dialog}
      </>
    );
  }

  const selected =
    value.find(s => s.id === searchParams.get('slo')) ?? value[0];
  return (
    <>
      <Grid container spacing={3}>
        <Grid item xs={12}>
          <InfoCard
            title="SLOs"
            subheader={`${value.length} SLO${
              value.length === 1 ? '' : 's'
            } of ${entity.metadata.title ?? entity.metadata.name}`}
            action={<Box mt={1}>{createButton}</Box>}
          >
            <SloList slos={value} selectedId={selected.id} onSelect={select} />
          </InfoCard>
        </Grid>
        <Grid item xs={12}>
          <SloDetailView
            id={selected.id}
            onDeleted={() => {
              select(undefined);
              retry();
            }}
          />
        </Grid>
      </Grid>
      {dialog}
    </>
  );
}
