import { useState } from 'react';
import { EmptyState, InfoCard } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import Chip from '@material-ui/core/Chip';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { dxApiRef } from '../../api';
import { Async } from '../shared/Async';
import { SurveyForm } from './SurveyForm';
import { SurveyResultsView } from './SurveyResultsView';

/**
 * Surveys: the active portal surveys to answer (once per period), and the
 * results of every survey for the selected team or the organisation.
 */
export function SurveysTab(props: { owner?: string }) {
  const { owner } = props;
  const api = useApi(dxApiRef);
  const state = useAsync(() => api.listSurveys(), [api]);
  const [justAnswered, setJustAnswered] = useState<string[]>([]);
  return (
    <Async state={state} what="Surveys">
      {({ items, minGroupSize }) => {
        if (items.length === 0) {
          return (
            <EmptyState
              missing="content"
              title="No active surveys"
              description="Surveys are defined in the DX backend's configuration; none is active right now."
            />
          );
        }
        const portal = items.filter(s => s.trigger === 'portal');
        return (
          <Grid container spacing={3}>
            {portal.map(s => (
              <Grid item xs={12} md={6} key={s.id}>
                <InfoCard
                  title={s.title}
                  subheader={s.description}
                  action={
                    s.answeredThisPeriod && !justAnswered.includes(s.id) ? (
                      <Chip size="small" label="Answered" />
                    ) : undefined
                  }
                >
                  {s.answeredThisPeriod && !justAnswered.includes(s.id) ? (
                    <Typography variant="body2">
                      You answered this survey this period.
                    </Typography>
                  ) : (
                    <SurveyForm
                      survey={s}
                      onSubmitted={() =>
                        setJustAnswered(list => [...list, s.id])
                      }
                    />
                  )}
                </InfoCard>
              </Grid>
            ))}
            <Grid item xs={12}>
              <Typography variant="body2" color="textSecondary">
                Results are shown for whole periods and groups of at least{' '}
                {minGroupSize} respondents (smaller weeks or buckets merged with
                their neighbours), so no answer can be traced to a person.
              </Typography>
            </Grid>
            {items.map(s => (
              <Grid item xs={12} md={6} key={`results-${s.id}`}>
                <SurveyResultsView
                  survey={s}
                  owner={owner}
                  refreshKey={justAnswered.length}
                />
              </Grid>
            ))}
          </Grid>
        );
      }}
    </Async>
  );
}
