import { InfoCard } from '@backstage/core-components';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/frontend-plugin-api';
import { useEntity, useEntityRefLink } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { dxApiRef } from '../../api';
import { Async } from '../shared/Async';
import { formatPercent } from '../shared/format';
import { ScorecardLevelChip } from '../shared/LevelChip';

/**
 * The Scorecard card of a component's overview: per scorecard its level
 * and score, and the failing checks with how to fix them.
 */
export function EntityScorecardCard() {
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity);
  const entityLink = useEntityRefLink();
  const api = useApi(dxApiRef);
  const state = useAsync(
    () => api.getEntityScorecards(entityRef),
    [api, entityRef],
  );
  return (
    <InfoCard
      title="Scorecard"
      deepLink={{
        link: `${entityLink(entity).replace(/\/+$/, '')}/scorecard`,
        title: 'Every check',
      }}
    >
      <Async state={state} what="Scorecards">
        {items =>
          items.length === 0 ? (
            <Typography variant="body2">
              No scorecard results for this component yet.
            </Typography>
          ) : (
            items.map(s => {
              const failing = s.checks.filter(c => c.status === 'fail');
              return (
                <Box
                  key={s.scorecardId}
                  mb={2}
                  role="region"
                  aria-label={s.title}
                >
                  <Box display="flex" alignItems="center" style={{ gap: 8 }}>
                    <Typography variant="subtitle1" component="h3">
                      {s.title}
                    </Typography>
                    <ScorecardLevelChip level={s.level} levels={s.levels} />
                    <Typography variant="body2" color="textSecondary">
                      score {formatPercent(s.score, 0)}
                    </Typography>
                  </Box>
                  {failing.length === 0 ? (
                    <Typography variant="body2">Every check passes.</Typography>
                  ) : (
                    <Box component="ul" pl={2} my={0}>
                      {failing.map(c => (
                        <Typography component="li" variant="body2" key={c.id}>
                          <strong>{c.title}</strong>: {c.detail}
                          {c.fix && (
                            <>
                              {' '}
                              <em>Fix: {c.fix}</em>
                            </>
                          )}
                        </Typography>
                      ))}
                    </Box>
                  )}
                </Box>
              );
            })
          )
        }
      </Async>
    </InfoCard>
  );
}
