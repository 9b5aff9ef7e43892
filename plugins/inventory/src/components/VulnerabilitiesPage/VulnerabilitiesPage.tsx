import {
  Content,
  EmptyState,
  Header,
  Page,
  Progress,
  Table,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import type { Vulnerability } from '@internal/plugin-inventory-common';
import { ErrorInWords } from '@internal/portal-react';
import Grid from '@material-ui/core/Grid';
import useAsync from 'react-use/esm/useAsync';
import { inventoryApiRef } from '../../api';
import {
  AdvisoryIds,
  bySeverity,
  formatDay,
  HiddenByVex,
  packageOf,
  severityRank,
  SeverityChip,
  VexChip,
} from '../Vulnerabilities/parts';

/** One vulnerability (its advisories share a key) and what it hits. */
interface VulnerabilityRow {
  vulnKey: string;
  first: Vulnerability;
  packages: string[];
  components: string[];
  /** The VEX statement of a component's match, when one leaves it shown. */
  vex: Map<string, Vulnerability['vex']>;
  owners: string[];
  fixedIn: string[];
  since: string;
}

const unique = (values: Array<string | undefined>) =>
  [...new Set(values.filter((v): v is string => Boolean(v)))].sort();

/** One component and the vulnerabilities that hit it. */
interface ComponentRow {
  entityRef: string;
  owner?: string;
  worst?: string;
  vulnerabilities: number;
  packages: string[];
  fixable: number;
}

export function byComponent(items: Vulnerability[]): ComponentRow[] {
  const groups = new Map<string, Vulnerability[]>();
  for (const v of [...items].sort(bySeverity))
    groups.set(v.entityRef, [...(groups.get(v.entityRef) ?? []), v]);
  return [...groups.entries()]
    .map(([entityRef, list]) => ({
      entityRef,
      owner: list[0].owner,
      worst: list[0].advisory.severity,
      vulnerabilities: new Set(list.map(v => v.vulnKey)).size,
      packages: unique(list.map(v => packageOf(v.purl))),
      fixable: new Set(list.filter(v => v.fixedIn).map(v => v.vulnKey)).size,
    }))
    .sort(
      (a, b) =>
        severityRank(a.worst) - severityRank(b.worst) ||
        b.vulnerabilities - a.vulnerabilities ||
        a.entityRef.localeCompare(b.entityRef),
    );
}

/** One team and the vulnerable components it owns. */
interface TeamRow {
  owner: string;
  components: number;
  vulnerabilities: number;
  critical: number;
  high: number;
}

export function byVulnerability(items: Vulnerability[]): VulnerabilityRow[] {
  const groups = new Map<string, Vulnerability[]>();
  for (const v of [...items].sort(bySeverity)) {
    const list = groups.get(v.vulnKey) ?? [];
    list.push(v);
    groups.set(v.vulnKey, list);
  }
  return [...groups.entries()].map(([vulnKey, list]) => ({
    vulnKey,
    first: list[0],
    packages: unique(list.map(v => packageOf(v.purl))),
    components: unique(list.map(v => v.entityRef)),
    vex: new Map(list.filter(v => v.vex).map(v => [v.entityRef, v.vex])),
    owners: unique(list.map(v => v.owner)),
    fixedIn: unique(list.map(v => v.fixedIn)),
    since: list.map(v => v.firstSeenAt).sort()[0],
  }));
}

export function byTeam(items: Vulnerability[]): TeamRow[] {
  const teams = new Map<string, Vulnerability[]>();
  for (const v of items) {
    const owner = v.owner ?? 'no owner';
    teams.set(owner, [...(teams.get(owner) ?? []), v]);
  }
  return [...teams.entries()]
    .map(([owner, list]) => {
      const keys = (severity: string) =>
        new Set(
          list
            .filter(v => v.advisory.severity === severity)
            .map(v => v.vulnKey),
        ).size;
      return {
        owner,
        components: new Set(list.map(v => v.entityRef)).size,
        vulnerabilities: new Set(list.map(v => v.vulnKey)).size,
        critical: keys('critical'),
        high: keys('high'),
      };
    })
    .sort(
      (a, b) =>
        b.critical - a.critical ||
        b.high - a.high ||
        b.vulnerabilities - a.vulnerabilities,
    );
}

const refList = (refs: string[], defaultKind: string) =>
  refs.map(ref => (
    <div key={ref}>
      <EntityRefLink entityRef={ref} defaultKind={defaultKind} />
    </div>
  ));

/**
 * `/vulnerabilities`: which components use a package an advisory affects,
 * by vulnerability and by team, with owners, fixing versions and since when.
 */
export function VulnerabilitiesPage() {
  const api = useApi(inventoryApiRef);
  const { value, loading, error } = useAsync(
    () => api.listVulnerabilities(),
    [api],
  );
  const items = value?.items ?? [];
  const hidden = value?.suppressed ?? [];
  return (
    <Page themeId="tool">
      <Header
        title="Vulnerabilities"
        subtitle="Advisories (OSV) matched against the packages of every component's SBOMs"
      />
      <Content>
        {loading && <Progress />}
        {error && (
          <ErrorInWords
            error={error}
            what="The vulnerabilities could not be loaded"
          />
        )}
        {!loading && !error && items.length === 0 && (
          <EmptyState
            missing="data"
            title="No component is hit by a known advisory"
            description={`Advisories are read from catalog.ingestion.advisories.sources (directories, zip archives or URLs of OSV files) and matched against the SBOMs of the components; the Dependencies page shows which SBOMs are stored.${
              hidden.length
                ? ` ${hidden.length} matches are hidden by VEX statements (below).`
                : ''
            }`}
          />
        )}
        {items.length > 0 && (
          <Grid container spacing={3}>
            <Grid item xs={12}>
              <Table<VulnerabilityRow>
                title="By vulnerability"
                data={byVulnerability(items)}
                options={{
                  paging: false,
                  padding: 'dense',
                  search: false,
                }}
                columns={[
                  {
                    title: 'Advisory',
                    render: r => (
                      <>
                        <SeverityChip severity={r.first.advisory.severity} />
                        <div>
                          <AdvisoryIds advisory={r.first.advisory} />
                        </div>
                      </>
                    ),
                    customSort: (a, b) =>
                      severityRank(a.first.advisory.severity) -
                      severityRank(b.first.advisory.severity),
                  },
                  {
                    title: 'Summary',
                    render: r => r.first.advisory.summary ?? '—',
                  },
                  {
                    title: 'Package',
                    render: r => (
                      <>
                        {r.packages.join(', ')}
                        <div style={{ fontSize: '0.8em', opacity: 0.8 }}>
                          {r.fixedIn.length
                            ? `fixed in ${r.fixedIn.join(', ')}`
                            : 'no fix yet'}
                        </div>
                      </>
                    ),
                  },
                  {
                    title: 'Components',
                    render: r =>
                      r.components.map(ref => (
                        <div key={ref}>
                          <EntityRefLink
                            entityRef={ref}
                            defaultKind="component"
                          />{' '}
                          <VexChip vex={r.vex.get(ref)} />
                        </div>
                      )),
                  },
                  { title: 'Owners', render: r => refList(r.owners, 'group') },
                  { title: 'Since', render: r => formatDay(r.since) },
                ]}
              />
            </Grid>
            <Grid item xs={12}>
              <Table<ComponentRow>
                title="By component"
                data={byComponent(items)}
                options={{
                  paging: false,
                  padding: 'dense',
                  search: false,
                }}
                columns={[
                  {
                    title: 'Component',
                    render: r => (
                      <EntityRefLink
                        entityRef={r.entityRef}
                        defaultKind="component"
                      />
                    ),
                  },
                  {
                    title: 'Worst',
                    render: r => <SeverityChip severity={r.worst} />,
                  },
                  {
                    title: 'Vulnerabilities',
                    field: 'vulnerabilities',
                    type: 'numeric',
                  },
                  {
                    title: 'With a fix',
                    field: 'fixable',
                    type: 'numeric',
                  },
                  {
                    title: 'Packages',
                    render: r => r.packages.join(', '),
                  },
                  {
                    title: 'Owner',
                    render: r =>
                      r.owner ? (
                        <EntityRefLink
                          entityRef={r.owner}
                          defaultKind="group"
                        />
                      ) : (
                        'no owner'
                      ),
                  },
                ]}
              />
            </Grid>
            <Grid item xs={12}>
              <Table<TeamRow>
                title="By team"
                data={byTeam(items)}
                options={{ paging: false, padding: 'dense', search: false }}
                columns={[
                  {
                    title: 'Team',
                    render: r =>
                      r.owner === 'no owner' ? (
                        'no owner'
                      ) : (
                        <EntityRefLink
                          entityRef={r.owner}
                          defaultKind="group"
                        />
                      ),
                  },
                  { title: 'Components', field: 'components', type: 'numeric' },
                  {
                    title: 'Vulnerabilities',
                    field: 'vulnerabilities',
                    type: 'numeric',
                  },
                  { title: 'Critical', field: 'critical', type: 'numeric' },
                  { title: 'High', field: 'high', type: 'numeric' },
                ]}
              />
            </Grid>
          </Grid>
        )}
        {hidden.length > 0 && (
          <div style={{ marginTop: 24 }}>
            <HiddenByVex items={hidden} showComponent />
          </div>
        )}
      </Content>
    </Page>
  );
}
