import {
  changeFailureRate,
  DEFAULT_DORA_OPTIONS,
  deploymentFrequency,
  deploymentsPerDay,
  doraDiagnostics,
  FUTURE_TOLERANCE_MS,
  leadTime,
  overallLevel,
  recoveryTime,
  reworkRate,
  type ChangeRecord,
  type DeploymentRecord,
  type DoraDiagnostic,
  type DoraDiagnosticsInput,
  type DoraMetricKey,
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
): Promise<LoadedDoraRecords> {
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
      'labels',
      'branch',
      'received_at',
    );
  if (scope.entityRefs) q.whereIn('entity_ref', scope.entityRefs);
  if (scope.excludeEntityRefs?.length)
    q.whereNotIn('entity_ref', scope.excludeEntityRefs);
  const rows = await q;

  const deployments: DeploymentRecord[] = [];
  const rollbacks: RollbackRecord[] = [];
  const changesByCommit = new Map<string, ChangeRecord>();
  const incidents = new Map<string, IncidentRecord>();
  const received: LoadedDoraRecords['received'] = [];
  const iso = (v: unknown) => new Date(v as string).toISOString();
  const jsonOf = <T>(v: unknown): T | undefined =>
    v === null || v === undefined
      ? undefined
      : ((typeof v === 'string' ? JSON.parse(v) : v) as T);
  for (const r of rows) {
    const at = iso(r.occurred_at);
    const env = r.environment ?? undefined;
    const receivedAt = r.received_at ? iso(r.received_at) : undefined;
    if (
      receivedAt &&
      Date.parse(at) > Date.parse(receivedAt) + FUTURE_TOLERANCE_MS
    )
      received.push({ id: r.key, occurredAt: at, receivedAt });
    const labels = jsonOf<string[]>(r.labels);
    const marks = {
      ...(labels?.length ? { labels } : {}),
      ...(r.branch ? { branch: r.branch as string } : {}),
    };
    if (r.kind === 'deployment') {
      if (r.action === 'deployed' || r.action === 'upgraded')
        deployments.push({
          id: r.key,
          entityRef: r.entity_ref,
          at,
          environment: env,
          outcome: r.outcome ?? undefined,
          ...(r.commit_sha ? { commitSha: r.commit_sha.toLowerCase() } : {}),
          ...marks,
        });
      else if (r.action === 'rolledback')
        rollbacks.push({ entityRef: r.entity_ref, at, environment: env });
    } else if (r.kind === 'change' && r.action === 'merged') {
      const commits: Array<{ sha: string; at?: string }> =
        jsonOf(r.commits) ?? [];
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
      const shas = [
        ...new Set(
          [
            ...(before?.commitShas ?? []),
            r.commit_sha,
            ...commits.map(c => c.sha),
          ]
            .filter((x): x is string => typeof x === 'string' && x !== '')
            .map(x => x.toLowerCase()),
        ),
      ];
      const allLabels = [
        ...new Set([...(before?.labels ?? []), ...(labels ?? [])]),
      ];
      const branch = before?.branch ?? r.branch ?? undefined;
      const incidentId = before?.incidentId ?? r.incident_id ?? undefined;
      changesByCommit.set(id, {
        id: before?.id ?? r.key,
        entityRef: r.entity_ref,
        mergedAt:
          before && Date.parse(before.mergedAt) < Date.parse(at)
            ? before.mergedAt
            : at,
        ...(firsts.length ? { firstCommitAt: firsts.sort()[0] } : {}),
        ...(shas.length ? { commitShas: shas } : {}),
        ...(allLabels.length ? { labels: allLabels } : {}),
        ...(branch ? { branch } : {}),
        ...(incidentId ? { incidentId } : {}),
      });
    } else if (r.kind === 'incident') {
      const id = `${r.entity_ref}\u0000${r.incident_id ?? r.key}`;
      const i: IncidentRecord = incidents.get(id) ?? {
        id: r.incident_id ? `${r.entity_ref}#${r.incident_id}` : r.key,
        entityRef: r.entity_ref,
        openedAt: '',
        ...(r.incident_id ? { sourceId: r.incident_id } : {}),
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
  const resolvedWithoutOpening: LoadedDoraRecords['resolvedWithoutOpening'] =
    [];
  for (const i of incidents.values()) {
    if (i.openedAt) known.push(i);
    else if (i.resolvedAt)
      resolvedWithoutOpening.push({
        entityRef: i.entityRef,
        at: i.resolvedAt,
        id: i.id,
      });
  }
  return {
    deployments,
    rollbacks,
    changes: [...changesByCommit.values()],
    incidents: known,
    resolvedWithoutOpening,
    received,
  };
}

/** The records, with what the diagnostics read besides. */
export interface LoadedDoraRecords extends DoraRecords {
  resolvedWithoutOpening: Array<{ entityRef: string; at: string; id: string }>;
  /** Events that say they happened after they were received (clock skew). */
  received: Array<{ id: string; occurredAt: string; receivedAt: string }>;
}

/** At most this many deployed commits are looked up off the default branch. */
const MAX_LOOKED_UP = 1000;

/**
 * Commits of `shas` seen on change events that did not land on the
 * default branch: pull request heads (created, updated), pushes to other
 * branches and pull requests merged into another branch (kind `other`).
 */
async function unlandedCommits(
  knex: Knex,
  shas: string[],
): Promise<Set<string>> {
  const found = new Set<string>();
  const wanted = [...new Set(shas)].slice(0, MAX_LOOKED_UP);
  for (let i = 0; i < wanted.length; i += 500) {
    const rows = await knex('dx_events')
      .whereIn('commit_sha', wanted.slice(i, i + 500))
      .andWhere(q =>
        q
          .where('kind', 'other')
          .orWhere(q2 =>
            q2.where('kind', 'change').andWhereNot('action', 'merged'),
          ),
      )
      .distinct('commit_sha');
    for (const r of rows) found.add(String(r.commit_sha).toLowerCase());
  }
  return found;
}

/** Delivery events of [from, to) that map to no entity: count, examples, reasons. */
export async function unmappedEvents(
  knex: Knex,
  range: Range,
): Promise<NonNullable<DoraDiagnosticsInput['unmapped']>> {
  const base = () =>
    knex('dx_events')
      .whereNull('entity_ref')
      .whereIn('kind', ['deployment', 'change', 'incident'])
      .andWhere('occurred_at', '>=', new Date(range.from))
      .andWhere('occurred_at', '<', new Date(range.to));
  const [reasons, examples] = await Promise.all([
    base()
      .groupBy('unmapped_reason')
      .select('unmapped_reason as reason')
      .count({ events: '*' })
      .orderBy('events', 'desc'),
    base().orderBy('occurred_at', 'desc').limit(5).select('key'),
  ]);
  const list = reasons.map((r: any) => ({
    reason: r.reason ?? 'unknown',
    events: Number(r.events),
  }));
  return {
    count: list.reduce((a, r) => a + r.events, 0),
    examples: examples.map((r: any) => r.key),
    reasons: list.slice(0, 3),
  };
}

/**
 * The five keys for a set of entities over a range, with the diagnostics
 * of each number (unmapped events only with `unmapped`: they belong to no
 * entity, so only the organisation's numbers show them).
 */
export async function doraMetrics(
  knex: Knex,
  scope: { entityRefs?: string[]; excludeEntityRefs?: string[] },
  range: Range,
  options: {
    timeZone: string;
    rows: boolean;
    dora?: DoraOptions;
    unmapped?: boolean;
  },
): Promise<DoraPeriod> {
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
  const rework = reworkRate(deployments, changes, knownIncidents, range, dora);
  const strip = <T extends { rows: unknown[] }>(m: T) =>
    options.rows ? m : { ...m, rows: undefined, incidentRows: undefined };
  // Deployed commits that no merged change carries: were they seen off
  // the default branch?
  const merged = new Set(changes.flatMap(c => c.commitShas ?? []));
  const lookUp = deployments
    .filter(
      d =>
        d.commitSha &&
        !merged.has(d.commitSha) &&
        Date.parse(d.at) >= Date.parse(range.from) &&
        Date.parse(d.at) < Date.parse(range.to),
    )
    .map(d => d.commitSha!);
  const [unlanded, unmapped] = await Promise.all([
    lookUp.length ? unlandedCommits(knex, lookUp) : new Set<string>(),
    options.unmapped ? unmappedEvents(knex, range) : undefined,
  ]);
  const diagnostics: DoraDiagnostic[] = doraDiagnostics(
    {
      deployments,
      changes,
      incidents: knownIncidents,
      resolvedWithoutOpening: records.resolvedWithoutOpening,
      // Of the range, or after it (from the future).
      received: records.received.filter(
        e => Date.parse(e.occurredAt) >= Date.parse(range.from),
      ),
      unlandedCommits: unlanded,
      unmapped,
    },
    range,
    dora,
  );
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
    reworkRate: options.rows ? rework : { ...rework, rows: undefined },
    diagnostics,
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
  [
    'rework_rate',
    'share of deployments',
    d => (d.reworkRate ? num(d.reworkRate.rate) : ''),
    d => (d.reworkRate ? num(d.reworkRate.deployments) : ''),
    () => '',
  ],
  ['overall_level', '', d => d.level ?? '', () => '', d => d.level ?? ''],
];

/** The CSV names of the numbers a diagnostic touches. */
const CSV_NAMES: Record<DoraMetricKey, string> = {
  deploymentFrequency: 'deployment_frequency',
  leadTime: 'lead_time',
  changeFailureRate: 'change_failure_rate',
  recoveryTime: 'recovery_time',
  reworkRate: 'rework_rate',
};

/**
 * The five keys as CSV, one line per number: value, unit, sample size,
 * level, and the previous period's value; then one line per diagnostic
 * (`diagnostic:<kind>`): its count (and the previous period's), the
 * numbers it touches, what is missing, the fix and a few example ids.
 */
export function doraCsv(current: Dora, previous: Dora): string {
  const before = new Map(
    (previous.diagnostics ?? []).map(d => [d.kind, d.count]),
  );
  return toCsv([
    [
      'metric',
      'value',
      'unit',
      'sample',
      'level',
      'previous',
      'affects',
      'problem',
      'fix',
      'examples',
    ],
    ...CSV_METRICS.map(([name, unit, value, sample, level]) => [
      name,
      value(current),
      unit,
      sample(current),
      level(current),
      value(previous),
      '',
      '',
      '',
      '',
    ]),
    ...(current.diagnostics ?? []).map(d => [
      `diagnostic:${d.kind}`,
      d.count,
      'count',
      '',
      '',
      before.get(d.kind) ?? 0,
      d.metrics.map(m => CSV_NAMES[m]).join(' '),
      d.problem,
      d.fix,
      d.examples.join(' '),
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
