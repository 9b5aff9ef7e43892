import type { DoraPeriod, DoraResponse } from '@internal/plugin-dx-common';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import {
  formatApproxDuration,
  formatNumber,
  formatPercent,
  formatPerWeek,
  plural,
} from '../shared/format';
import { EntityName } from '../shared/EntityName';
import { DoraLevelChip } from '../shared/LevelChip';
import { DurationPair, MetricTile } from '../shared/MetricTile';
import { Previous } from '../shared/Previous';
import { DEFINITIONS, type DoraDrill } from './definitions';
import { WhyThisNumber } from './WhyThisNumber';

type Previousable = Omit<DoraPeriod, 'perDay'>;

/** Notes of the deployment frequency: what was left out. */
function deploymentNotes(p: DoraPeriod): string[] {
  const { failed, notProduction } = p.deploymentFrequency.excluded;
  const notes: string[] = [];
  if (failed > 0) notes.push(`${plural(failed, 'failed deployment')} left out`);
  if (notProduction > 0)
    notes.push(
      `${plural(notProduction, 'deployment')} not to production left out`,
    );
  return notes;
}

function leadTimeNotes(p: DoraPeriod): string[] {
  const l = p.leadTime;
  const notes: string[] = [];
  if (l.deploymentsWithoutChanges > 0)
    notes.push(
      `${plural(
        l.deploymentsWithoutChanges,
        'deployment',
      )} shipped no change we know of`,
    );
  if (l.notDeployed > 0)
    notes.push(
      `${plural(l.notDeployed, 'change')} landed in the range but not deployed`,
    );
  if (l.withoutCommitTimes > 0)
    notes.push(
      `${plural(
        l.withoutCommitTimes,
        'change',
      )} measured from the merge (no commit times)`,
    );
  return notes;
}

function failureNotes(p: DoraPeriod): string[] {
  const n = p.changeFailureRate.incidentsWithoutDeployment;
  return n > 0
    ? [`${plural(n, 'incident')} followed no deployment (not linked)`]
    : [];
}

function recoveryNotes(p: DoraPeriod): string[] {
  const notes: string[] = [];
  if (p.recoveryTime.stillOpen > 0)
    notes.push(`${plural(p.recoveryTime.stillOpen, 'incident')} still open`);
  if (p.unlinked.resolvedWithoutOpening > 0)
    notes.push(
      `${plural(
        p.unlinked.resolvedWithoutOpening,
        'resolution',
      )} without an opening event (not linked)`,
    );
  return notes;
}

function reworkNotes(p: DoraPeriod): string[] {
  const r = p.reworkRate;
  if (!r)
    return [
      'Not in the daily roll-ups: narrow the range or the scope to compute it from the events',
    ];
  const by = (
    [
      ['label', 'by label'],
      ['branch', 'by branch'],
      ['incident', 'after an incident'],
    ] as const
  )
    .filter(([k]) => r.byReason[k] > 0)
    .map(([k, words]) => `${formatNumber(r.byReason[k])} ${words}`);
  return [
    ...(by.length ? [by.join(', ')] : []),
    'No DORA level: the 2024 report gives none for it',
  ];
}

/**
 * The five keys as tiles: value, level, sample size, previous period, what
 * could not be linked, why the number is what it is, definition; a click
 * opens the rows.
 */
export function DoraTiles(props: {
  dora: DoraPeriod & { previous: Previousable };
  previousLabel: string;
  drill?: string;
  onDrill: (drill: DoraDrill) => void;
}) {
  const { dora, previousLabel, drill, onDrill } = props;
  const prev = dora.previous;
  const df = dora.deploymentFrequency;
  const lt = dora.leadTime;
  const cfr = dora.changeFailureRate;
  const rt = dora.recoveryTime;
  const rw = dora.reworkRate;
  const why = (metric: Parameters<typeof WhyThisNumber>[0]['metric']) => (
    <WhyThisNumber metric={metric} diagnostics={dora.diagnostics} />
  );
  // Five in a row from 1280 px, three (then two) in a row below.
  const size = {
    xs: 12,
    sm: 6,
    md: 4,
    lg: true,
    style: { minWidth: 0 },
  } as const;
  return (
    <Grid container spacing={2}>
      <Grid item {...size}>
        <MetricTile
          title="Deployment frequency"
          testId="dora-deployment-frequency"
          value={formatPerWeek(df.perWeek)}
          chip={<DoraLevelChip level={df.level} />}
          sample={`from ${plural(df.deployments, 'deployment')}`}
          previous={
            <Previous
              label={previousLabel}
              current={df.perWeek}
              previous={prev.deploymentFrequency.perWeek}
              format={formatPerWeek}
              better="higher"
            />
          }
          notes={deploymentNotes(dora)}
          extra={why('deploymentFrequency')}
          definition={DEFINITIONS.deploymentFrequency}
          definitionId="deployment-frequency"
          onOpen={() => onDrill('deployments')}
          open={drill === 'deployments'}
          openLabel="Show the deployments"
        />
      </Grid>
      <Grid item {...size}>
        <MetricTile
          title="Lead time for changes"
          testId="dora-lead-time"
          value={
            <DurationPair
              main={lt.medianMs}
              second={lt.p90Ms}
              label="median · p90"
            />
          }
          chip={<DoraLevelChip level={lt.level} />}
          sample={`from ${plural(lt.changes, 'change')}`}
          previous={
            <>
              <Previous
                label={`${previousLabel}, median`}
                current={lt.medianMs}
                previous={prev.leadTime.medianMs}
                format={formatApproxDuration}
                better="lower"
              />
              <Previous
                label={`${previousLabel}, p90`}
                current={lt.p90Ms}
                previous={prev.leadTime.p90Ms}
                format={formatApproxDuration}
                better="lower"
              />
            </>
          }
          notes={leadTimeNotes(dora)}
          extra={why('leadTime')}
          definition={DEFINITIONS.leadTime}
          definitionId="lead-time"
          onOpen={() => onDrill('lead-time')}
          open={drill === 'lead-time'}
          openLabel="Show the changes"
        />
      </Grid>
      <Grid item {...size}>
        <MetricTile
          title="Change failure rate"
          testId="dora-change-failure-rate"
          value={formatPercent(cfr.rate)}
          chip={<DoraLevelChip level={cfr.level} />}
          sample={`from ${plural(
            cfr.deployments,
            'deployment',
          )}, ${formatNumber(cfr.failed)} failed`}
          previous={
            <Previous
              label={previousLabel}
              current={cfr.rate}
              previous={prev.changeFailureRate.rate}
              format={n => formatPercent(n)}
              formatDelta={d => `${formatNumber(d * 100)} pp`}
              better="lower"
            />
          }
          notes={failureNotes(dora)}
          extra={why('changeFailureRate')}
          definition={DEFINITIONS.changeFailureRate}
          definitionId="change-failure-rate"
          onOpen={() => onDrill('change-failure-rate')}
          open={drill === 'change-failure-rate'}
          openLabel="Show the deployments"
        />
      </Grid>
      <Grid item {...size}>
        <MetricTile
          title="Failed deployment recovery time"
          testId="dora-recovery-time"
          value={
            <>
              {formatApproxDuration(rt.medianMs)}
              <Typography
                component="span"
                variant="body2"
                color="textSecondary"
              >
                {' '}
                median
              </Typography>
            </>
          }
          chip={<DoraLevelChip level={rt.level} />}
          sample={`from ${plural(rt.incidents, 'resolved incident')}`}
          previous={
            <Previous
              label={previousLabel}
              current={rt.medianMs}
              previous={prev.recoveryTime.medianMs}
              format={formatApproxDuration}
              better="lower"
            />
          }
          notes={recoveryNotes(dora)}
          extra={why('recoveryTime')}
          definition={DEFINITIONS.recoveryTime}
          definitionId="recovery-time"
          onOpen={() => onDrill('recovery-time')}
          open={drill === 'recovery-time'}
          openLabel="Show the incidents"
        />
      </Grid>
      <Grid item {...size}>
        <MetricTile
          title="Deployment rework rate"
          testId="dora-rework-rate"
          value={rw ? formatPercent(rw.rate) : '—'}
          sample={
            rw
              ? `from ${plural(rw.deployments, 'deployment')}, ${formatNumber(
                  rw.rework,
                )} rework`
              : undefined
          }
          previous={
            rw && prev.reworkRate ? (
              <Previous
                label={previousLabel}
                current={rw.rate}
                previous={prev.reworkRate.rate}
                format={n => formatPercent(n)}
                formatDelta={d => `${formatNumber(d * 100)} pp`}
                better="lower"
              />
            ) : undefined
          }
          notes={reworkNotes(dora)}
          extra={why('reworkRate')}
          definition={DEFINITIONS.reworkRate}
          definitionId="rework-rate"
        />
      </Grid>
    </Grid>
  );
}

/**
 * The scope of an answer in words: the entity or team by its title or name
 * (its ref on hover), never the raw `kind:namespace/name`.
 */
export function ScopeName(props: { scope: DoraResponse['scope'] }) {
  const { scope } = props;
  if ('entityRef' in scope) {
    return <EntityName entityRef={scope.entityRef} defaultKind="component" />;
  }
  if ('owner' in scope) {
    return (
      <>
        <EntityName entityRef={scope.owner} /> (
        {plural(scope.entities, 'entity', 'entities')})
      </>
    );
  }
  return <>the organisation</>;
}
