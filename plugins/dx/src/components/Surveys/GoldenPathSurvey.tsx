import { EmptyState, InfoCard, Link } from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/frontend-plugin-api';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { dxApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import { Async } from '../shared/Async';
import { SurveyForm } from './SurveyForm';

/**
 * `/dx/survey/golden-path?taskId=<id>`: the one-question survey about one
 * golden-path run, posted with the run's `taskId`.
 */
export function GoldenPathSurvey(props: { taskId?: string }) {
  const { taskId } = props;
  const api = useApi(dxApiRef);
  const root = useRouteRef(rootRouteRef);
  const state = useAsync(() => api.listSurveys(), [api]);
  const back = root && (
    <Box mt={2}>
      <Link to={`${root()}?tab=surveys`}>← Back to the DX surveys</Link>
    </Box>
  );
  return (
    <Async state={state} what="The golden-path survey">
      {({ items }) => {
        const survey = items.find(s => s.trigger === 'golden-path');
        if (!survey) {
          return (
            <EmptyState
              missing="content"
              title="No golden-path survey is active"
              description="There is nothing to answer about this run."
              action={back || undefined}
            />
          );
        }
        if (!taskId) {
          return (
            <EmptyState
              missing="info"
              title="Which run?"
              description="This survey is about one golden-path run: open it from the end of the run (the link carries its taskId)."
              action={back || undefined}
            />
          );
        }
        return (
          <InfoCard title={survey.title} subheader={`About run ${taskId}`}>
            {survey.description && (
              <Typography variant="body2" paragraph>
                {survey.description}
              </Typography>
            )}
            <SurveyForm survey={survey} taskId={taskId} />
            {back}
          </InfoCard>
        );
      }}
    </Async>
  );
}
