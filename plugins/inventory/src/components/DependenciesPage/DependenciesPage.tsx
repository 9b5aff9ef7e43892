import { FormEvent, useEffect, useState } from 'react';
import {
  Content,
  InfoCard,
  Progress,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { CompoundEntityRef, parseEntityRef } from '@backstage/catalog-model';
import { useApi, useAppSearchParams } from '@backstage/frontend-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import type { PackageUsage } from '@internal/plugin-inventory-common';
import { ErrorInWords } from '@internal/portal-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { inventoryApiRef } from '../../api';

/**
 * The system of a usage: `spec.system` is a ref that may leave out its kind
 * and namespace (those of the component).
 */
function systemRef(usage: PackageUsage): CompoundEntityRef | undefined {
  if (!usage.system) return undefined;
  try {
    const { namespace } = parseEntityRef(usage.entityRef);
    return parseEntityRef(usage.system, {
      defaultKind: 'system',
      defaultNamespace: namespace,
    });
  } catch {
    return undefined;
  }
}

const columns: TableColumn<PackageUsage>[] = [
  {
    title: 'Component',
    field: 'entityRef',
    highlight: true,
    render: u => <EntityRefLink entityRef={u.entityRef} />,
  },
  {
    title: 'Owner',
    field: 'owner',
    render: u => (u.owner ? <EntityRefLink entityRef={u.owner} /> : '—'),
  },
  {
    title: 'System',
    field: 'system',
    render: u => {
      const ref = systemRef(u);
      if (ref) return <EntityRefLink entityRef={ref} />;
      return u.system ?? '—';
    },
  },
  { title: 'Package', field: 'purl', render: u => <code>{u.purl}</code> },
  { title: 'Version', field: 'version' },
  {
    title: 'Dependency',
    field: 'direct',
    lookup: { true: 'direct', false: 'transitive' },
  },
];

function UsageResults(props: { pkg: string; range?: string }) {
  const { pkg, range } = props;
  const api = useApi(inventoryApiRef);
  const { value, loading, error } = useAsync(
    () => api.listPackageUsages({ package: pkg, range }),
    [api, pkg, range],
  );
  if (loading) return <Progress />;
  if (error) {
    return (
      <ErrorInWords
        error={error}
        what={`Who uses ${range ? `${pkg} ${range}` : pkg} could not be loaded`}
      />
    );
  }
  if (!value) return null;
  const what = range ? `${pkg} ${range}` : pkg;
  return (
    <Table<PackageUsage>
      title={
        <Typography variant="h5" component="span" data-testid="affected">
          {value.components === 1
            ? `1 component uses ${what}`
            : `${value.components} components use ${what}`}
        </Typography>
      }
      data={value.items}
      columns={columns}
      options={{
        paging: value.items.length > 50,
        pageSize: 50,
        padding: 'dense',
      }}
      emptyContent={
        <Box p={2}>
          <Typography variant="body2">
            No component&apos;s SBOM lists {what}.
          </Typography>
        </Box>
      }
    />
  );
}

/**
 * Which components use a package, optionally within a version range: for
 * "who is affected by this advisory" questions. The query lives in the URL
 * (`?package=&range=`), so a result can be shared as a link.
 */
export function DependenciesPage() {
  const [searchParams, setSearchParams] = useAppSearchParams();
  const pkg = searchParams.get('package')?.trim() ?? '';
  const range = searchParams.get('range')?.trim() || undefined;

  const [pkgInput, setPkgInput] = useState(pkg);
  const [rangeInput, setRangeInput] = useState(range ?? '');
  // Follow the URL when it changes underneath (back button, shared link).
  useEffect(() => {
    setPkgInput(pkg);
    setRangeInput(range ?? '');
  }, [pkg, range]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const next: Record<string, string> = {};
    if (pkgInput.trim()) next.package = pkgInput.trim();
    if (rangeInput.trim()) next.range = rangeInput.trim();
    setSearchParams(next);
  };

  return (
    <Content>
      <Grid container spacing={3}>
        <Grid item xs={12}>
          <InfoCard title="Find the components that use a package">
            <form onSubmit={submit} aria-label="Package query">
              <Grid container spacing={2} alignItems="center">
                <Grid item xs={12} md={6}>
                  <TextField
                    id="dependencies-package"
                    label="Package"
                    helperText="A purl without version (pkg:npm/lodash, pkg:maven/org.apache.logging.log4j/log4j-core) or a bare name (lodash)"
                    value={pkgInput}
                    onChange={e => setPkgInput(e.target.value)}
                    fullWidth
                    required
                    variant="outlined"
                    size="small"
                  />
                </Grid>
                <Grid item xs={12} md={4}>
                  <TextField
                    id="dependencies-range"
                    label="Version range"
                    helperText="A semver range, e.g. <4.17.21 or >=2.0.0 <2.15.0; empty for every version"
                    value={rangeInput}
                    onChange={e => setRangeInput(e.target.value)}
                    fullWidth
                    variant="outlined"
                    size="small"
                  />
                </Grid>
                <Grid item xs={12} md={2}>
                  <Button
                    type="submit"
                    variant="contained"
                    color="primary"
                    disabled={!pkgInput.trim()}
                  >
                    Search
                  </Button>
                </Grid>
              </Grid>
            </form>
          </InfoCard>
        </Grid>
        <Grid item xs={12}>
          {pkg ? (
            <UsageResults pkg={pkg} range={range} />
          ) : (
            <Typography variant="body2" color="textSecondary">
              Package usages come from the SBOMs of the components (committed to
              their repositories or uploaded by their builds).
            </Typography>
          )}
        </Grid>
      </Grid>
    </Content>
  );
}
