import { EmptyState, Progress, Table } from '@backstage/core-components';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import type { Vulnerability } from '@internal/plugin-inventory-common';
import { ErrorInWords } from '@internal/portal-react';
import useAsync from 'react-use/esm/useAsync';
import { inventoryApiRef } from '../../api';
import {
  AdvisoryIds,
  bySeverity,
  formatDay,
  HiddenByVex,
  packageOf,
  SeverityChip,
  VexChip,
} from '../Vulnerabilities/parts';
import Grid from '@material-ui/core/Grid';

function VulnerableTable(props: { items: Vulnerability[] }) {
  const { items } = props;
  return (
    <Table<Vulnerability>
      title={`${items.length} vulnerable package${
        items.length === 1 ? '' : 's'
      }`}
      data={items}
      options={{
        paging: items.length > 50,
        pageSize: 50,
        padding: 'dense',
        search: false,
      }}
      columns={[
        {
          title: 'Severity',
          render: v => <SeverityChip severity={v.advisory.severity} />,
        },
        {
          title: 'Advisory',
          render: v => <AdvisoryIds advisory={v.advisory} />,
        },
        { title: 'Summary', render: v => v.advisory.summary ?? '—' },
        { title: 'Package', render: v => packageOf(v.purl) },
        { title: 'Fixed in', render: v => v.fixedIn ?? 'no fix yet' },
        { title: 'Since', render: v => formatDay(v.firstSeenAt) },
        { title: 'VEX', render: v => (v.vex ? <VexChip vex={v.vex} /> : '—') },
      ]}
    />
  );
}

/** The Vulnerabilities tab: the advisories that hit this component's packages. */
export function EntityVulnerabilitiesContent() {
  const { entity } = useEntity();
  const api = useApi(inventoryApiRef);
  const entityRef = stringifyEntityRef(entity);
  const { value, loading, error } = useAsync(
    () => api.listVulnerabilities({ entityRef }),
    [api, entityRef],
  );
  if (loading) return <Progress />;
  if (error)
    return (
      <ErrorInWords
        error={error}
        what="The vulnerabilities could not be loaded"
      />
    );
  const items = [...(value?.items ?? [])].sort(bySeverity);
  const hidden = [...(value?.suppressed ?? [])].sort(bySeverity);
  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        {items.length === 0 ? (
          <EmptyState
            missing="data"
            title="No known vulnerability"
            description={
              hidden.length > 0
                ? 'Every advisory that hits a package of this component is one its owners stated does not affect it (below).'
                : "No advisory the portal has read affects a package in this component's SBOMs. Without an SBOM (Dependencies tab) nothing can be matched."
            }
          />
        ) : (
          <VulnerableTable items={items} />
        )}
      </Grid>
      {hidden.length > 0 && (
        <Grid item xs={12}>
          <HiddenByVex items={hidden} />
        </Grid>
      )}
    </Grid>
  );
}
