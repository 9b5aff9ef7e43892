import { useApi } from '@backstage/frontend-plugin-api';
import {
  catalogApiRef,
  humanizeEntityRef,
} from '@backstage/plugin-catalog-react';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { Progress } from '@backstage/core-components';
import { ErrorInWords } from '@internal/portal-react';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { useNavigate } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';

/** The catalog graph page opened on one entity, two relations deep. */
export function graphUrl(entityRef: string) {
  const query = new URLSearchParams();
  query.append('rootEntityRefs[]', entityRef);
  query.set('maxDepth', '2');
  return `/catalog-graph?${query}`;
}

/**
 * Where the dependency graph starts: a system or a team, so the graph page
 * opens on something instead of an empty canvas.
 */
export function GraphStart() {
  const catalogApi = useApi(catalogApiRef);
  const navigate = useNavigate();
  const { value, loading, error } = useAsync(async () => {
    const { items } = await catalogApi.getEntities({
      filter: { kind: ['System', 'Group'] },
      fields: ['kind', 'metadata.name', 'metadata.namespace', 'metadata.title'],
    });
    return items
      .map(e => ({
        ref: stringifyEntityRef(e),
        label: `${
          e.metadata.title ?? humanizeEntityRef(e)
        } (${e.kind.toLocaleLowerCase('en-US')})`,
      }))
      .sort((a, b) => a.label.localeCompare(b.label));
  }, [catalogApi]);

  if (loading) return <Progress />;
  if (error)
    return (
      <ErrorInWords
        error={error}
        what="Systems and teams could not be loaded"
      />
    );
  if (!value?.length)
    return (
      <Typography variant="body2">
        No systems or teams in the catalog yet: the graph starts from an entity
        page (its Relations card).
      </Typography>
    );
  return (
    <TextField
      select
      id="graph-start"
      fullWidth
      variant="outlined"
      label="Show the graph of"
      value=""
      onChange={e => navigate(graphUrl(e.target.value))}
      helperText="Relations two steps deep; the graph page changes depth and kinds"
    >
      {value.map(o => (
        <MenuItem key={o.ref} value={o.ref}>
          {o.label}
        </MenuItem>
      ))}
    </TextField>
  );
}
