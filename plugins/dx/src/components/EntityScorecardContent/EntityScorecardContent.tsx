import { InfoCard } from '@backstage/core-components';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { dxApiRef } from '../../api';
import { EntityScorecardView } from '../Scorecards/EntityScorecardList';
import { Async } from '../shared/Async';

/** The scorecards of one entity with every check and how to fix it. */
export function EntityScorecards(props: { entityRef: string }) {
  const api = useApi(dxApiRef);
  const state = useAsync(
    () => api.getEntityScorecards(props.entityRef),
    [api, props.entityRef],
  );
  return (
    <InfoCard title="Scorecards">
      <Async state={state} what="Scorecards">
        {items =>
          items.length === 0 ? (
            <Typography variant="body2">
              No scorecard results for this component yet: the DX backend
              evaluates scorecards on a schedule.
            </Typography>
          ) : (
            items.map(s => (
              <EntityScorecardView key={s.scorecardId} scorecard={s} />
            ))
          )
        }
      </Async>
    </InfoCard>
  );
}

/** The Scorecard tab of components: every scorecard with every check. */
export function EntityScorecardContent() {
  const { entity } = useEntity();
  return <EntityScorecards entityRef={stringifyEntityRef(entity)} />;
}
