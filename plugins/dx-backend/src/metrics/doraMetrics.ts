import {
  changeFailureRate,
  DEFAULT_DORA_OPTIONS,
  deploymentFrequency,
  deploymentsPerDay,
  leadTime,
  overallLevel,
  recoveryTime,
  type ChangeRecord,
  type DeploymentRecord,
  type DoraOptions,
  type DoraPeriod,
  type DoraRecords,
  type IncidentRecord,
  type Range,
  type RollbackRecord,
} from '@internal/plugin-dx-common';
import type { Knex } from 'knex';
import { toCsv } from '../service/params';

/** How far before the range changes and deployments are read, for linking. */
export const LOOKBACK_MS = 30 * 86_400_000;

/**
 * The deployments, rollbacks, changes and incidents of a set of entities
 * that the four keys over [from, to) read: events from `LOOKBACK_MS` before
 * the range (for linking) to the failure window after it.
 */
export async function loadDoraRecords(
  knex: Knex,
  scope: { entityRefs?: string[]; excludeEntityRefs?: string[] },
  range: Range,
  dora: DoraOptions = DEFAULT_DORA_OPTIONS,
): Promise<DoraRecords> {
  const q = knex('dx_events')
    .whereIn('kind', ['deployment', 'change', 'incident'])
    .whereNotNull('entity_ref')
    .andWhere(
      'occurred_at',
      '>=',
      new Date(Date.parse(range.from) - LOOKBACK_MS),
    )
    // Incidents after the range can close incidents opened in it; failures
    // are looked for up to the failure window after it.
    .andWhere(
      'occurred_at',
      '<',
      new Date(Date.parse(range.to) + dora.failureWindowMs),
    )
    .select(
      'key',
      'kind',
      'action',
      'occurred_at',
      'entity_ref',
      'environment',
      'outcome',
      'commit_sha',
      'commits',
      'incident_id',
    );
  if (scope.entityRefs) q.whereIn('entity_ref', scope.entityRefs);
  if (scope.excludeEntityRefs?.length)
    q.whereNotIn('entity_ref', scope.excludeEntityRefs);
  const rows = await q;

  const deployments: DeploymentRecord[] = [];
  const rollbacks: RollbackRecord[] = [];
  const changesByCommit = new Map<string, ChangeRecord>();
  const incidents = new Map<string, IncidentRecord>();
  const iso = (v: unknown) => new Date(v as string).toISOString();
  for (const r of rows) {
    const at = iso(r.occurred_at);
    const env = r.environment ?? undefined;
    if (r.kind === 'deployment') {
      if (r.action === 'deployed' || r.action === 'upgraded')
        deployments.push({
          id: r.key,
          entityRef: r.entity_ref,
          at,
          environment: env,
          outcome: r.outcome ?? undefined,
        });
      else if (r.action === 'rolledback')
        rollbacks.push({ entityRef: r.entity_ref, at, environment: env });
    } else if (r.kind === 'change' && r.action === 'merged') {
      const commits: Array<{ sha: string; at?: string }> =
        (typeof r.commits === 'string' ? JSON.parse(r.commits) : r.commits) ??
        [];
      const times = commits
        .map(c => c.at)
        .filter((x): x is string => Boolean(x))
        .map(x => Date.parse(x));
      const first = times.length
        ? new Date(Math.min(...times)).toISOString()
        : undefined;
      // A merged pull request and the push it made are one change.
      const id = `${r.entity_ref}\u0000${r.commit_sha ?? r.key}`;
      const before = changesByCommit.get(id);
      const firsts = [first, before?.firstCommitAt].filter((x): x is string =>
        Boolean(x),
      );
      changesByCommit.set(id, {
        id: before?.id ?? r.key,
        entityRef: r.entity_ref,
        mergedAt:
          before && Date.parse(before.mergedAt) < Date.parse(at)
            ? before.mergedAt
            : at,
        ...(firsts.length ? { firstCommitAt: firsts.sort()[0] } : {}),
      });
    } else if (r.kind === 'incident') {
      const id = `${r.entity_ref}\u0000${r.incident_id ?? r.key}`;
      const i: IncidentRecord = incidents.get(id) ?? {
        id: r.incident_id ? `${r.entity_ref}#${r.incident_id}` : r.key,
        entityRef: r.entity_ref,
        openedAt: '',
      };
      if (r.action === 'resolved') {
        if (!i.resolvedAt || Date.parse(at) < Date.parse(i.resolvedAt))
          i.resolvedAt = at;
      } else if (!i.openedAt || Date.parse(at) < Date.parse(i.openedAt)) {
        i.openedAt = at;
      }
      if (env) i.environment = env;
      incidents.set(id, i);
    }
  }
  // A resolution without an opening we know of cannot be measured.
  const known: IncidentRecord[] = [];
  const resolvedWithoutOpening: DoraRecords['resolvedWithoutOpening'] = [];
  for (const i of incidents.values()) {
    if (i.openedAt) known.push(i);
    else if (i.resolvedAt)
      resolvedWithoutOpening.push({ entityRef: i.entityRef, at: i.resolvedAt });
  }
  return {
    deployments,
    rollbacks,
    changes: [...changesByCommit.values()],
    incidents: known,
    resolvedWithoutOpening,
  };
}

/** The four keys for a set of entities over a range. */
export async function doraMetrics(
  knex: Knex,
  scope: { entityRefs?: string[]; excludeEntityRefs?: string[] },
  range: Range,
  options: { timeZone: string; rows: boolean; dora?: DoraOptions },
) {
  const dora = options.dora ?? DEFAULT_DORA_OPTIONS;
  const records = await loadDoraRecords(knex, scope, range, dora);
  const { deployments, rollbacks, changes } = records;
  const knownIncidents = records.incidents;
  const df = deploymentFrequency(deployments, range, dora);
  const lt = leadTime(deployments, changes, range, dora);
  const cfr = changeFailureRate(
    deployments,
    knownIncidents,
    rollbacks,
    range,
    dora,
  );
  const rt = recoveryTime(knownIncidents, range, dora);
  const strip = <T extends { rows: unknown[] }>(m: T) =>
    options.rows ? m : { ...m, rows: undefined, incidentRows: undefined };
  return {
    from: range.from,
    to: range.to,
    deploymentFrequency: df,
    leadTime: strip(lt),
    changeFailureRate: strip(cfr),
    recoveryTime: strip(rt),
    level: overallLevel([df.level, lt.level, cfr.level, rt.level]),
    perDay: deploymentsPerDay(deployments, range, options.timeZone, dora),
    unlinked: {
      resolvedWithoutOpening: records.resolvedWithoutOpening.filter(
        r =>
          Date.parse(r.at) >= Date.parse(range.from) &&
          Date.parse(r.at) < Date.parse(range.to),
      ).length,
    },
  };
}

type Dora = Omit<DoraPeriod, 'perDay'>;

const hours = (ms: number | null) =>
  ms === null ? '' : String(Math.round((ms / 3_600_000) * 1000) / 1000);
const num = (x: number | null) => (x === null ? '' : String(x));

/** Each CSV line: metric, unit, how to read its value, sample and level. */
const CSV_METRICS: Array<
  [
    string,
    string,
    (d: Dora) => string,
    (d: Dora) => string,
    (d: Dora) => string,
  ]
> = [
  [
    'deployment_frequency',
    'deployments per week',
    d => num(d.deploymentFrequency.perWeek),
    d => num(d.deploymentFrequency.deployments),
    d => d.deploymentFrequency.level ?? '',
  ],
  [
    'lead_time_median',
    'hours',
    d => hours(d.leadTime.medianMs),
    d => num(d.leadTime.changes),
    d => d.leadTime.level ?? '',
  ],
  [
    'lead_time_p90',
    'hours',
    d => hours(d.leadTime.p90Ms),
    d => num(d.leadTime.changes),
    () => '',
  ],
  [
    'change_failure_rate',
    'share of deployments',
    d => num(d.changeFailureRate.rate),
    d => num(d.changeFailureRate.deployments),
    d => d.changeFailureRate.level ?? '',
  ],
  [
    'recovery_time_median',
    'hours',
    d => hours(d.recoveryTime.medianMs),
    d => num(d.recoveryTime.incidents),
    d => d.recoveryTime.level ?? '',
  ],
  ['overall_level', '', d => d.level ?? '', () => '', d => d.level ?? ''],
];

/**
 * The four keys as CSV, one line per number: value, unit, sample size,
 * level, and the previous period's value.
 */
export function doraCsv(current: Dora, previous: Dora): string {
  return toCsv([
    ['metric', 'value', 'unit', 'sample', 'level', 'previous'],
    ...CSV_METRICS.map(([name, unit, value, sample, level]) => [
      name,
      value(current),
      unit,
      sample(current),
      level(current),
      value(previous),
    ]),
  ]);
}

/** Golden paths versus the rest as CSV: each number of both, side by side. */
export function goldenPathsCsv(goldenPath: Dora, others: Dora): string {
  return toCsv([
    [
      'metric',
      'unit',
      'golden_paths',
      'golden_paths_sample',
      'golden_paths_level',
      'others',
      'others_sample',
      'others_level',
    ],
    ...CSV_METRICS.map(([name, unit, value, sample, level]) => [
      name,
      unit,
      value(goldenPath),
      sample(goldenPath),
      level(goldenPath),
      value(others),
      sample(others),
      level(others),
    ]),
  ]);
}
