import {
  EmptyState,
  InfoCard,
  Link,
  Progress,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import type { TemplateVersionSummary } from '@internal/plugin-golden-paths-common';
import { ErrorInWords } from '@internal/portal-react';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { goldenPathsApiRef } from '../../api';
import { displayRef } from '../shared/format';

type Version = TemplateVersionSummary['versions'][number];
type Behind = TemplateVersionSummary['behind'][number];

const versionColumns: TableColumn<Version>[] = [
  { title: 'Version', field: 'version' },
  { title: 'Components', field: 'components', type: 'numeric' },
];

const behindColumns: TableColumn<Behind>[] = [
  {
    title: 'Component',
    field: 'entityRef',
    render: b => (
      <EntityRefLink entityRef={b.entityRef} defaultKind="component" />
    ),
  },
  { title: 'Made with version', field: 'version' },
  {
    title: 'Owner',
    field: 'owner',
    render: b =>
      b.owner ? <EntityRefLink entityRef={b.owner} defaultKind="group" /> : '—',
  },
];

function TemplateCard(props: { summary: TemplateVersionSummary }) {
  const { summary } = props;
  const total = summary.versions.reduce((n, v) => n + v.components, 0);
  return (
    <InfoCard
      title={summary.title ?? displayRef(summary.templateRef, 'template')}
      subheader={
        <>
          <EntityRefLink
            entityRef={summary.templateRef}
            defaultKind="template"
          />
          {' · '}
          {summary.latestVersion
            ? `latest version ${summary.latestVersion}`
            : 'no version annotation (portal.dev/template-version)'}
          {' · '}
          {total === 1 ? '1 component' : `${total} components`}
        </>
      }
    >
      {summary.versions.length === 0 ? (
        <Typography variant="body2">
          No component was made with this template yet: create one from{' '}
          <Link to="/create">Golden paths (/create)</Link>.
        </Typography>
      ) : (
        <Grid container spacing={2}>
          <Grid item xs={12} md={4}>
            <Table<Version>
              title="Components per version"
              data={summary.versions}
              columns={versionColumns}
              options={{
                paging: false,
                search: false,
                padding: 'dense',
                toolbar: true,
              }}
            />
          </Grid>
          <Grid item xs={12} md={8}>
            <Table<Behind>
              title={
                summary.latestVersion
                  ? `Behind version ${summary.latestVersion}`
                  : 'Behind the newest version'
              }
              data={summary.behind}
              columns={behindColumns}
              options={{
                paging: summary.behind.length > 10,
                pageSize: 10,
                search: false,
                padding: 'dense',
              }}
              emptyContent={
                <Box p={2}>
                  <Typography variant="body2">
                    {summary.latestVersion
                      ? `Every component is on version ${summary.latestVersion}.`
                      : 'Give the template a portal.dev/template-version annotation to see which components are behind.'}
                  </Typography>
                </Box>
              }
            />
          </Grid>
        </Grid>
      )}
    </InfoCard>
  );
}

/**
 * Template versions: per template its newest version, how many components
 * each version made, and which components are behind the newest version.
 */
export function TemplatesTab() {
  const api = useApi(goldenPathsApiRef);
  const { value, loading, error } = useAsync(
    () => api.getTemplateVersions(),
    [api],
  );
  if (loading) return <Progress />;
  if (error) {
    return (
      <ErrorInWords
        error={error}
        what="Template versions could not be loaded"
      />
    );
  }
  if (!value) return null;
  const made = value.some(s => s.versions.length > 0);
  if (value.length === 0 || !made) {
    return (
      <EmptyState
        missing="data"
        title="No template has created a component yet"
        description={
          <>
            Create one from <Link to="/create">Golden paths (/create)</Link>.
            Components made by a template carry the annotations{' '}
            <code>portal.dev/template</code> and{' '}
            <code>portal.dev/template-version</code>; they are counted here per
            template version.
          </>
        }
      />
    );
  }
  return (
    <Grid container spacing={3}>
      {value.map(summary => (
        <Grid item xs={12} key={summary.templateRef}>
          <TemplateCard summary={summary} />
        </Grid>
      ))}
    </Grid>
  );
}
