import {
  EmptyState,
  Table,
  type TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import type {
  AdoptionMetrics,
  AdoptionShare,
} from '@internal/plugin-dx-common';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import useAsync from 'react-use/esm/useAsync';
import { dxApiRef, type DxRange } from '../../api';
import { Async } from '../shared/Async';
import {
  formatApproxDuration,
  formatNumber,
  formatPercent,
  plural,
} from '../shared/format';
import { DurationPair, MetricTile } from '../shared/MetricTile';
import { previousRange } from '../shared/params';
import { Previous } from '../shared/Previous';
import { ApiCsvDownload } from '../shared/CsvDownload';
import { EntityName } from '../shared/EntityName';

type Row = NonNullable<AdoptionMetrics['rows']>[number];

const yesNo = (b: boolean) => (b ? 'yes' : 'no');

const columns: TableColumn<Row>[] = [
  {
    title: 'Component',
    render: r => <EntityRefLink entityRef={r.entityRef} />,
  },
  {
    title: 'Owner',
    render: r => (r.owner ? <EntityRefLink entityRef={r.owner} /> : '—'),
  },
  { title: 'Owner exists', render: r => yesNo(r.ownerExists) },
  { title: 'From a golden path', render: r => yesNo(r.goldenPath) },
  { title: 'Template', render: r => r.template ?? '—' },
  {
    title: 'Version (newest)',
    render: r =>
      r.templateVersion
        ? `${r.templateVersion}${
            r.newestVersion ? ` (${r.newestVersion})` : ''
          }`
        : '—',
  },
  { title: 'SLO', render: r => yesNo(r.slo) },
];

const SHARES: Array<{
  key: 'fromGoldenPath' | 'onNewestTemplateVersion' | 'withSlo' | 'withOwner';
  title: string;
  of: string;
  definition: string;
  definitionId: string;
}> = [
  {
    key: 'fromGoldenPath',
    definitionId: 'golden-path-share',
    title: 'From a golden path',
    of: 'components',
    definition:
      'Components made from a golden-path template (annotation portal.dev/template).',
  },
  {
    key: 'onNewestTemplateVersion',
    definitionId: 'newest-template-version',
    title: 'On the newest template version',
    of: 'components made from a template',
    definition:
      'Of the components made from a template, those on its newest version.',
  },
  {
    key: 'withSlo',
    definitionId: 'slo-share',
    title: 'With an SLO',
    of: 'components',
    definition: 'Components with at least one SLO.',
  },
  {
    key: 'withOwner',
    definitionId: 'owner-share',
    title: 'With an owner',
    of: 'components',
    definition:
      'Components whose owner is an existing Group or User of the catalog.',
  },
];

function shareSample(s: AdoptionShare, of: string) {
  return `${formatNumber(s.count, 0)} of ${formatNumber(s.of, 0)} ${of}`;
}

/**
 * Adoption: the shares of components from golden paths, on the newest
 * template version, with an SLO and with an owner; golden gates and
 * provisioning runs over the range, with the previous period; the
 * components counted (drill-down).
 */
export function AdoptionTab(props: {
  owner?: string;
  range: DxRange;
  previousLabel: string;
  drill?: string;
  onDrill: (drill: string | undefined) => void;
}) {
  const { owner, range, previousLabel, drill, onDrill } = props;
  const api = useApi(dxApiRef);
  const state = useAsync(async () => {
    const [current, previous] = await Promise.all([
      api.getAdoption({ owner, ...range }),
      api.getAdoption({ owner, ...previousRange(range) }),
    ]);
    return { current, previous };
  }, [api, owner, range]);
  const open = drill === 'components';
  const rows = useAsync(
    async () =>
      open ? api.getAdoption({ owner, ...range, rows: true }) : undefined,
    [api, owner, range, open],
  );

  return (
    <Async state={state} what="Adoption">
      {({ current, previous }) => {
        if (current.components === 0) {
          return (
            <EmptyState
              missing="data"
              title="No components"
              description={
                owner ? (
                  <>
                    <EntityName entityRef={owner} /> owns no components in the
                    catalog.
                  </>
                ) : (
                  'The catalog has no components yet.'
                )
              }
            />
          );
        }
        const g = current.gates;
        const p = current.provisioning;
        return (
          <Grid container spacing={2}>
            <Grid item xs={12}>
              <ApiCsvDownload
                path="/metrics/adoption.csv"
                query={{
                  owner,
                  from: range.from.toISOString(),
                  to: range.to.toISOString(),
                }}
                what="adoption"
              />
            </Grid>
            {SHARES.map(s => (
              <Grid item xs={12} sm={6} lg={3} key={s.key}>
                <MetricTile
                  title={s.title}
                  testId={`adoption-${s.key}`}
                  value={formatPercent(current[s.key].share)}
                  sample={shareSample(current[s.key], s.of)}
                  definition={s.definition}
                  definitionId={s.definitionId}
                  onOpen={() => onDrill(open ? undefined : 'components')}
                  open={open}
                  openLabel="Show the components"
                />
              </Grid>
            ))}
            <Grid item xs={12} sm={6} lg={3}>
              <MetricTile
                title="Golden gate requests"
                testId="adoption-gates"
                value={formatNumber(g.requested, 0)}
                sample={`${g.approved} approved, ${g.rejected} rejected, ${g.pending} pending`}
                previous={
                  <Previous
                    label={previousLabel}
                    current={g.requested}
                    previous={previous.gates.requested}
                    format={n => formatNumber(n, 0)}
                    better="lower"
                  />
                }
                definition="Gate requests created in the range, by their status now."
                definitionId="gates"
              />
            </Grid>
            <Grid item xs={12} sm={6} lg={3}>
              <MetricTile
                title="Gate waits"
                testId="adoption-gate-waits"
                value={
                  <DurationPair
                    main={g.medianWaitMs}
                    second={g.p90WaitMs}
                    label="median · p90"
                  />
                }
                sample={`from ${plural(
                  g.approved + g.rejected,
                  'decided request',
                )}`}
                previous={
                  <Previous
                    label={`${previousLabel}, median`}
                    current={g.medianWaitMs}
                    previous={previous.gates.medianWaitMs}
                    format={formatApproxDuration}
                    better="lower"
                  />
                }
                definition="From request to decision of the decided requests; pending ones have no wait yet."
                definitionId="gates"
              />
            </Grid>
            <Grid item xs={12} sm={6} lg={3}>
              <MetricTile
                title="Provisioning runs"
                testId="adoption-provisioning"
                value={formatNumber(p.runs, 0)}
                sample={`${p.completed} completed, ${p.failed} failed`}
                previous={
                  <>
                    <Previous
                      label={`${previousLabel}, completed`}
                      current={p.completed}
                      previous={previous.provisioning.completed}
                      format={n => formatNumber(n, 0)}
                      better="higher"
                    />
                    <Previous
                      label={`${previousLabel}, failed`}
                      current={p.failed}
                      previous={previous.provisioning.failed}
                      format={n => formatNumber(n, 0)}
                      better="lower"
                    />
                  </>
                }
                definition="Golden-path runs in the range; more completed runs is better, more failed ones worse."
                definitionId="provisioning"
              />
            </Grid>
            <Grid item xs={12} sm={6} lg={3}>
              <MetricTile
                title="Provisioning time"
                testId="adoption-provisioning-time"
                value={
                  <DurationPair
                    main={p.medianMs}
                    second={p.p95Ms}
                    label="p50 · p95"
                  />
                }
                sample={`from ${plural(p.completed, 'completed run')}`}
                previous={
                  <Previous
                    label={`${previousLabel}, p50`}
                    current={p.medianMs}
                    previous={previous.provisioning.medianMs}
                    format={formatApproxDuration}
                    better="lower"
                  />
                }
                definition="Duration of the completed golden-path runs."
                definitionId="provisioning"
              />
            </Grid>
            {open && (
              <Grid item xs={12}>
                <Box data-testid="adoption-drill-down">
                  <Async state={rows} what="The components">
                    {value => (
                      <Table<Row>
                        title={`Components counted (${plural(
                          value?.rows?.length ?? 0,
                          'row',
                        )})`}
                        data={value?.rows ?? []}
                        columns={columns}
                        options={{
                          paging: (value?.rows?.length ?? 0) > 20,
                          pageSize: 20,
                          padding: 'dense',
                        }}
                      />
                    )}
                  </Async>
                </Box>
              </Grid>
            )}
          </Grid>
        );
      }}
    </Async>
  );
}
