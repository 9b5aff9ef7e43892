import {
  CodeSnippet,
  EmptyState,
  Progress,
  Table,
  TableColumn,
  WarningPanel,
} from '@backstage/core-components';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import type {
  ComponentPackage,
  StoredSbom,
} from '@internal/plugin-inventory-common';
import { ErrorInWords } from '@internal/portal-react';
import Grid from '@material-ui/core/Grid';
import { DateTime } from 'luxon';
import useAsync from 'react-use/esm/useAsync';
import { inventoryApiRef } from '../../api';

const packageColumns: TableColumn<ComponentPackage>[] = [
  {
    title: 'Package',
    field: 'name',
    highlight: true,
    render: p => (p.namespace ? `${p.namespace}/${p.name}` : p.name),
  },
  { title: 'Version', field: 'version' },
  { title: 'Type', field: 'type' },
  {
    title: 'Dependency',
    field: 'direct',
    lookup: { true: 'direct', false: 'transitive' },
  },
  {
    title: 'Licenses',
    render: p => p.licenses?.join(', ') || '—',
    customFilterAndSearch: (term: string, p) =>
      (p.licenses ?? []).some(l =>
        l.toLocaleLowerCase().includes(String(term).toLocaleLowerCase()),
      ),
  },
  { title: 'purl', field: 'purl', render: p => <code>{p.purl}</code> },
];

const sbomColumns: TableColumn<StoredSbom>[] = [
  { title: 'Origin', field: 'origin' },
  { title: 'Format', field: 'format' },
  { title: 'Packages', field: 'packages', type: 'numeric' },
  {
    title: 'Schema',
    render: s =>
      s.problems?.length
        ? `${s.problems.length} problem${s.problems.length === 1 ? '' : 's'}`
        : 'valid',
  },
  {
    title: 'Stored at',
    field: 'storedAt',
    render: s =>
      DateTime.fromISO(s.storedAt).toLocaleString(DateTime.DATETIME_MED),
  },
];

/** The file of a repository origin, or "The uploaded SBOM". */
const sourceFile = (origin: string) =>
  origin === 'upload'
    ? 'The uploaded SBOM'
    : origin.replace(/^repository:[^:]*:/, '');

function NoSbomEmptyState(props: { entityRef: string }) {
  // One option a line, so the command fits its column; a long entity
  // reference wraps rather than scrolls.
  const upload = `curl -X POST \\
  -H "Authorization: Bearer $TOKEN" \\
  -H "Content-Type: application/json" \\
  --data-binary @bom.json \\
  --url-query "entityRef=${props.entityRef}" \\
  "$BACKEND/api/catalog/ingestion/dependencies/sbom"`;
  return (
    <EmptyState
      missing="data"
      title="No SBOM for this component"
      description={
        <>
          The dependency list comes from a software bill of materials. Commit a
          CycloneDX <code>bom.json</code> or <code>sbom.cdx.json</code>, or an
          SPDX <code>*.spdx.json</code>, to the component&apos;s repository: it
          is read at the next ingestion run. Or send it from your build to{' '}
          <code>POST /api/catalog/ingestion/dependencies/sbom?entityRef=…</code>
          :
        </>
      }
      action={<CodeSnippet language="bash" text={upload} wrapLongLines />}
    />
  );
}

/** The component's packages (from its SBOMs) and the SBOMs stored. */
export function EntityDependenciesContent() {
  const { entity } = useEntity();
  const api = useApi(inventoryApiRef);
  const entityRef = stringifyEntityRef(entity);
  const { value, loading, error } = useAsync(
    () => api.getEntityDependencies(entityRef),
    [api, entityRef],
  );

  if (loading) return <Progress />;
  if (error) {
    return (
      <ErrorInWords
        error={error}
        what="The dependencies of this component could not be loaded"
      />
    );
  }
  if (!value || value.sboms.length === 0) {
    return <NoSbomEmptyState entityRef={entityRef} />;
  }
  const direct = value.packages.filter(p => p.direct).length;
  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <Table<ComponentPackage>
          title="Packages"
          subtitle={`${value.packages.length} packages, ${direct} direct`}
          data={value.packages}
          columns={packageColumns}
          options={{
            paging: value.packages.length > 50,
            pageSize: 50,
            padding: 'dense',
          }}
        />
      </Grid>
      <Grid item xs={12}>
        <Table<StoredSbom>
          title="SBOMs"
          data={value.sboms}
          columns={sbomColumns}
          options={{ paging: false, search: false, padding: 'dense' }}
        />
      </Grid>
      {value.sboms
        .filter(sbom => sbom.problems?.length)
        .map(sbom => (
          <Grid item xs={12} key={sbom.id}>
            <WarningPanel
              severity="warning"
              title={`${sourceFile(sbom.origin)} leaves its schema (${
                sbom.problems!.length
              } problem${sbom.problems!.length === 1 ? '' : 's'})`}
              message="It was stored because its packages could be read; fix the tool or file that wrote it."
            >
              <ul style={{ margin: 0 }}>
                {sbom.problems!.map((problem, i) => (
                  <li key={i}>{problem}</li>
                ))}
              </ul>
            </WarningPanel>
          </Grid>
        ))}
    </Grid>
  );
}
