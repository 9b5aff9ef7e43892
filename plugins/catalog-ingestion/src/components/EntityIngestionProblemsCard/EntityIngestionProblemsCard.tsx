import { InfoCard, Progress, StatusOK } from '@backstage/core-components';
import { ErrorInWords } from '@internal/portal-react';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import useAsync from 'react-use/esm/useAsync';
import { catalogIngestionApiRef } from '../../api';
import { ANNOTATION_INGESTION_REPOSITORY } from '../../annotations';
import { formatLocation } from '../shared/format';

/**
 * Problems the ingestion module found in the entity's descriptor or in the
 * other files of the repository it was discovered in.
 */
export function EntityIngestionProblemsCard() {
  const { entity } = useEntity();
  const api = useApi(catalogIngestionApiRef);
  const entityRef = stringifyEntityRef(entity);
  const repository =
    entity.metadata.annotations?.[ANNOTATION_INGESTION_REPOSITORY];
  const { value, loading, error } = useAsync(
    () => api.getProblems({ entityRef }),
    [api, entityRef],
  );

  let content: JSX.Element;
  if (loading) content = <Progress />;
  else if (error)
    content = (
      <ErrorInWords
        error={error}
        what="Ingestion problems could not be loaded"
      />
    );
  else if (!value || value.length === 0)
    content = <StatusOK>No ingestion problems</StatusOK>;
  else
    content = (
      <List dense disablePadding>
        {value.map((problem, i) => (
          <ListItem key={i} disableGutters>
            <ListItemText
              primary={problem.message}
              secondary={
                <code>
                  {problem.repository ? `${problem.repository}: ` : ''}
                  {formatLocation(problem)}
                </code>
              }
            />
          </ListItem>
        ))}
      </List>
    );

  return (
    <InfoCard
      title="Ingestion problems"
      subheader={repository ? `Discovered in ${repository}` : undefined}
    >
      {content}
    </InfoCard>
  );
}
