import { useApi } from '@backstage/frontend-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { Link, Progress } from '@backstage/core-components';
import { ErrorInWords } from '@internal/portal-react';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';

/** The kinds counted on the home page, with the catalog filter each links to. */
export const glanceKinds = [
  { kind: 'Component', label: 'Components' },
  { kind: 'API', label: 'APIs' },
  { kind: 'System', label: 'Systems' },
  { kind: 'Resource', label: 'Resources' },
  { kind: 'Group', label: 'Groups' },
  { kind: 'Template', label: 'Golden paths' },
];

/** Counts of catalog entities by kind, each a link to the filtered catalog. */
export function CatalogGlance() {
  const catalogApi = useApi(catalogApiRef);
  const { value, loading, error } = useAsync(async () => {
    const { facets } = await catalogApi.getEntityFacets({ facets: ['kind'] });
    const counts = new Map(
      facets.kind.map(f => [f.value.toLocaleLowerCase('en-US'), f.count]),
    );
    return glanceKinds.map(k => ({
      ...k,
      count: counts.get(k.kind.toLocaleLowerCase('en-US')) ?? 0,
    }));
  }, [catalogApi]);

  if (loading) return <Progress />;
  if (error) {
    return (
      <ErrorInWords
        error={error}
        what="The catalog counts could not be loaded"
      />
    );
  }
  return (
    <Grid container spacing={2}>
      {value!.map(({ kind, label, count }) => (
        <Grid item xs={4} key={kind}>
          <Link
            to={`/catalog?filters[kind]=${kind.toLocaleLowerCase('en-US')}`}
          >
            <Typography
              variant="h4"
              component="p"
              data-testid={`glance-${kind}`}
            >
              {count}
            </Typography>
            <Typography variant="body2">{label}</Typography>
          </Link>
        </Grid>
      ))}
    </Grid>
  );
}
