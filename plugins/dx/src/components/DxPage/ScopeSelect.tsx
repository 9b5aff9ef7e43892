import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import { useApiHolder } from '@backstage/frontend-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import TextField from '@material-ui/core/TextField';
import { errorInWords } from '@internal/portal-react';
import useAsync from 'react-use/esm/useAsync';
import { refName } from '../shared/format';

function groupName(g: Entity): string {
  const profile = (g.spec?.profile ?? {}) as { displayName?: string };
  return profile.displayName ?? g.metadata.title ?? g.metadata.name;
}

/**
 * Organisation, or one team: a Group of the catalog (`owner=group:…`).
 * Without the catalog only the organisation is offered.
 */
export function ScopeSelect(props: {
  owner?: string;
  onChange: (owner: string | undefined) => void;
}) {
  const { owner, onChange } = props;
  const catalogApi = useApiHolder().get(catalogApiRef);
  const { value: groups, error } = useAsync(async () => {
    if (!catalogApi) return [];
    const { items } = await catalogApi.getEntities({
      filter: { kind: 'Group' },
      fields: [
        'kind',
        'metadata.name',
        'metadata.namespace',
        'metadata.title',
        'spec.profile.displayName',
      ],
    });
    return items
      .map(g => ({ ref: stringifyEntityRef(g), name: groupName(g) }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }, [catalogApi]);

  const options = groups ?? [];
  const known = owner === undefined || options.some(g => g.ref === owner);
  return (
    <TextField
      select
      id="dx-scope"
      label="Scope"
      value={owner ?? ''}
      onChange={e => onChange(e.target.value || undefined)}
      SelectProps={{ native: true }}
      // "Organisation" is the empty value: keep the label above it.
      InputLabelProps={{ shrink: true }}
      variant="outlined"
      size="small"
      style={{ minWidth: 240 }}
      helperText={
        error ? `Teams could not be loaded: ${errorInWords(error)}` : undefined
      }
      error={Boolean(error)}
    >
      <option value="">Organisation</option>
      {!known && owner && <option value={owner}>Team {refName(owner)}</option>}
      {options.map(g => (
        <option key={g.ref} value={g.ref}>
          Team {g.name}
        </option>
      ))}
    </TextField>
  );
}
