import { useCallback, useState } from 'react';
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
import type {
  TemplateVersionSummary,
  UpgradeProposal,
  UpgradeState,
} from '@internal/plugin-golden-paths-common';
import { ErrorInWords } from '@internal/portal-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import CircularProgress from '@material-ui/core/CircularProgress';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { goldenPathsApiRef } from '../../api';
import type { UpgradeBatch } from '../../api/GoldenPathsApi';
import { displayRef, errorMessage } from '../shared/format';
import { UpgradeAdoptionCard } from './UpgradeAdoptionCard';
import {
  ChangeRequestLink,
  mergeProposals,
  proposalFor,
  UpgradeStateChip,
} from './UpgradeState';

type Version = TemplateVersionSummary['versions'][number];
type Behind = TemplateVersionSummary['behind'][number];
type BehindRow = Behind & { proposal?: UpgradeProposal };

const versionColumns: TableColumn<Version>[] = [
  { title: 'Version', field: 'version' },
  { title: 'Components', field: 'components', type: 'numeric' },
];

const behindColumns: TableColumn<BehindRow>[] = [
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

/** At most this many services in one "propose for all" (the backend's cap). */
const MAX_BULK = 100;

/** `3 proposed, 1 with conflicts, 1 failed`: what a bulk proposal did. */
export function describeBatch(batch: UpgradeBatch): string {
  const count = (...states: UpgradeState[]) =>
    batch.items.filter(p => states.includes(p.state)).length;
  const parts = [`${count('open', 'conflicts')} proposed`];
  const conflicts = count('conflicts');
  if (conflicts) parts.push(`${conflicts} with conflicts`);
  const upToDate = count('up-to-date');
  if (upToDate) parts.push(`${upToDate} already up to date`);
  const merged = count('merged');
  if (merged) parts.push(`${merged} already merged`);
  const closed = count('closed');
  if (closed) parts.push(`${closed} closed`);
  const failed = count('failed');
  if (failed) parts.push(`${failed} failed`);
  if (batch.skipped)
    parts.push(
      `${batch.skipped} left for the next run (at most ${MAX_BULK} at a time)`,
    );
  return parts.join(', ');
}

function UpgradeCell(props: {
  row: BehindRow;
  loading: boolean;
  busy: boolean;
  error?: unknown;
  onPropose: (entityRef: string) => void;
}) {
  const { row, loading, busy, error, onPropose } = props;
  const { proposal } = row;
  if (loading && !proposal) {
    return (
      <CircularProgress size={16} aria-label="Reading upgrade proposals" />
    );
  }
  const name = displayRef(row.entityRef, 'component');
  const again =
    proposal && (proposal.state === 'failed' || proposal.state === 'closed');
  return (
    <Box display="flex" flexWrap="wrap" alignItems="center" style={{ gap: 8 }}>
      {proposal && <UpgradeStateChip proposal={proposal} />}
      {proposal && <ChangeRequestLink proposal={proposal} />}
      {(!proposal || again) && (
        <Button
          size="small"
          variant={proposal ? 'text' : 'outlined'}
          color="primary"
          disabled={busy}
          aria-label={
            proposal
              ? `Propose upgrade of ${name} again`
              : `Propose upgrade of ${name}`
          }
          onClick={() => onPropose(row.entityRef)}
        >
          {proposal ? 'Try again' : 'Propose upgrade'}
        </Button>
      )}
      {proposal?.state === 'failed' && proposal.error && (
        <Typography variant="caption" color="error" component="p">
          {proposal.error}
        </Typography>
      )}
      {error !== undefined && (
        <Typography variant="caption" color="error" component="p" role="alert">
          Could not propose the upgrade: {errorMessage(error)}
        </Typography>
      )}
    </Box>
  );
}

function TemplateCard(props: {
  summary: TemplateVersionSummary;
  refreshKey: number;
  onProposed: () => void;
}) {
  const { summary, refreshKey, onProposed } = props;
  const api = useApi(goldenPathsApiRef);
  const latest = summary.latestVersion;
  const upgradable = Boolean(latest) && summary.behind.length > 0;
  const upgrades = useAsync(
    async () =>
      upgradable
        ? api.listUpgrades({ templateRef: summary.templateRef, limit: 1000 })
        : [],
    [api, summary.templateRef, upgradable, refreshKey],
  );
  // Proposals just made; the list read after them may not carry them yet.
  const [recent, setRecent] = useState<UpgradeProposal[]>([]);
  const [busy, setBusy] = useState<ReadonlySet<string>>(new Set());
  const [rowErrors, setRowErrors] = useState<Record<string, unknown>>({});
  const [bulk, setBulk] = useState<{
    running: boolean;
    result?: UpgradeBatch;
    error?: unknown;
  }>({ running: false });

  const proposals = mergeProposals(upgrades.value ?? [], recent);
  const rows: BehindRow[] = summary.behind.map(b => ({
    ...b,
    proposal: latest ? proposalFor(proposals, b.entityRef, latest) : undefined,
  }));

  const propose = async (entityRef: string) => {
    setBusy(prev => new Set(prev).add(entityRef));
    setRowErrors(({ [entityRef]: _, ...rest }) => rest);
    try {
      const proposal = await api.proposeUpgrade(entityRef);
      setRecent(prev => [...prev, proposal]);
    } catch (e) {
      setRowErrors(prev => ({ ...prev, [entityRef]: e }));
    } finally {
      setBusy(prev => {
        const next = new Set(prev);
        next.delete(entityRef);
        return next;
      });
      onProposed();
    }
  };

  const proposeAll = async () => {
    setBulk({ running: true });
    try {
      const result = await api.proposeUpgrades(summary.templateRef);
      setRecent(prev => [...prev, ...result.items]);
      setBulk({ running: false, result });
    } catch (e) {
      setBulk({ running: false, error: e });
    }
    onProposed();
  };

  const columns: TableColumn<BehindRow>[] = upgradable
    ? [
        ...behindColumns,
        {
          title: 'Upgrade',
          field: 'proposal',
          sorting: false,
          render: row => (
            <UpgradeCell
              row={row}
              loading={upgrades.loading && !upgrades.value}
              busy={busy.has(row.entityRef) || bulk.running}
              error={rowErrors[row.entityRef]}
              onPropose={propose}
            />
          ),
        },
      ]
    : behindColumns;

  const total = summary.versions.reduce((n, v) => n + v.components, 0);
  const behindCount = summary.behind.length;
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
          {latest
            ? `latest version ${latest}`
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
            {upgradable && (
              <Box mb={1}>
                <Box display="flex" alignItems="center" style={{ gap: 8 }}>
                  <Button
                    variant="contained"
                    color="primary"
                    size="small"
                    disabled={bulk.running}
                    aria-busy={bulk.running}
                    onClick={proposeAll}
                  >
                    {behindCount === 1
                      ? 'Propose the upgrade of the 1 service'
                      : `Propose upgrades for all ${behindCount} services`}
                  </Button>
                  {bulk.running && (
                    <Typography variant="body2" color="textSecondary">
                      Proposing…
                    </Typography>
                  )}
                  {bulk.result && (
                    <Typography variant="body2" role="status">
                      {describeBatch(bulk.result)}
                    </Typography>
                  )}
                </Box>
                <Typography
                  variant="caption"
                  color="textSecondary"
                  component="p"
                >
                  Each proposal is a change request (or a branch of a local
                  repository) with only the template's changes up to {latest};
                  nothing goes to the default branch.
                </Typography>
                {bulk.error !== undefined && (
                  <ErrorInWords
                    error={bulk.error}
                    what="The upgrades could not be proposed"
                  />
                )}
                {upgrades.error && (
                  <ErrorInWords
                    error={upgrades.error}
                    what="Upgrade proposals could not be loaded"
                  />
                )}
              </Box>
            )}
            <Table<BehindRow>
              title={
                latest
                  ? `Behind version ${latest}`
                  : 'Behind the newest version'
              }
              data={rows}
              columns={columns}
              options={{
                paging: rows.length > 10,
                pageSize: 10,
                search: false,
                padding: 'dense',
              }}
              emptyContent={
                <Box p={2}>
                  <Typography variant="body2">
                    {latest
                      ? `Every component is on version ${latest}.`
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
 * each version made, and which components are behind the newest version,
 * each with its upgrade proposal to the newest (state and change request)
 * or a button to propose one; a button proposes them all. Above: upgrade
 * adoption of the last 90 days.
 */
export function TemplatesTab() {
  const api = useApi(goldenPathsApiRef);
  // Bumped after every proposal and check: proposals and metrics read again.
  const [refreshKey, setRefreshKey] = useState(0);
  const refresh = useCallback(() => setRefreshKey(k => k + 1), []);
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
      <Grid item xs={12}>
        <UpgradeAdoptionCard refreshKey={refreshKey} onRefreshed={refresh} />
      </Grid>
      {value.map(summary => (
        <Grid item xs={12} key={summary.templateRef}>
          <TemplateCard
            summary={summary}
            refreshKey={refreshKey}
            onProposed={refresh}
          />
        </Grid>
      ))}
    </Grid>
  );
}
