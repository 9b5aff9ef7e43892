import { median as medianOf, percentile } from '@internal/portal-common';
import { DateTime } from 'luxon';
import type { DxOutcome } from './events/types';

/**
 * The DORA keys (the four of 2013-2023 and 2024's deployment rework rate),
 * computed from deployments, changes and incidents already mapped to
 * catalog entities. Every number comes with its sample
 * size and what could not be linked; the definitions are written out in
 * docs/metrics.md and next to each function.
 */

export interface DeploymentRecord {
  id: string;
  entityRef: string;
  /** When it finished (ISO). */
  at: string;
  environment?: string;
  outcome?: DxOutcome;
  /** The commit deployed, when the source said (lower case). */
  commitSha?: string;
  /** Labels the deployment event carried (e.g. `rework`). */
  labels?: string[];
  /** The branch deployed, when the source said. */
  branch?: string;
}

export interface ChangeRecord {
  id: string;
  entityRef: string;
  /** When it landed on the main line (merged, or pushed to the default branch). */
  mergedAt: string;
  /** Its earliest commit; absent when the source did not say. */
  firstCommitAt?: string;
  /** The commits it carries (the merge or head commit first), lower case. */
  commitShas?: string[];
  /** Labels of the change (pull request labels). */
  labels?: string[];
  /** Its head branch, when the source said (e.g. `hotfix/login`). */
  branch?: string;
  /** The incident it says it fixes (the incident's own id, e.g. `12`). */
  incidentId?: string;
}

export interface IncidentRecord {
  id: string;
  entityRef: string;
  openedAt: string;
  resolvedAt?: string;
  environment?: string;
  /** The incident's own id as the source gave it (e.g. the issue number). */
  sourceId?: string;
}

export interface RollbackRecord {
  entityRef: string;
  at: string;
  environment?: string;
}

export type DoraLevel = 'elite' | 'high' | 'medium' | 'low';

export interface DoraOptions {
  /** Environments that are production (compared without case). */
  productionEnvironments: string[];
  /**
   * How long after a deployment an incident or rollback still counts as
   * caused by it, when no later deployment came first (default 7 days).
   */
  failureWindowMs: number;
  /** What marks a deployment as rework (default `DEFAULT_REWORK_OPTIONS`). */
  rework?: ReworkOptions;
}

/**
 * What marks a production deployment as rework (`dx.dora.rework`). Any one
 * of them is enough.
 */
export interface ReworkOptions {
  /**
   * Labels (compared without case) that mark the deployment, or a change
   * it shipped, as rework.
   */
  labels: string[];
  /**
   * A regular expression (without case) that the deployed branch, or the
   * head branch of a change it shipped, matches for rework; empty: none.
   */
  branchPattern?: string;
  /**
   * Whether a deployment linked to a production incident is rework: the
   * first production deployment of the entity after the incident opened
   * (within the failure window, the incident still open), or one that
   * shipped a change naming the incident.
   */
  linkedIncidents: boolean;
}

export const DEFAULT_REWORK_OPTIONS: ReworkOptions = {
  labels: ['rework', 'hotfix'],
  branchPattern: '^hotfix[/-]',
  linkedIncidents: true,
};

export const DEFAULT_DORA_OPTIONS: DoraOptions = {
  productionEnvironments: ['production', 'prod'],
  failureWindowMs: 7 * 86_400_000,
  rework: DEFAULT_REWORK_OPTIONS,
};

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * Level boundaries: the values the 2023 Accelerate State of DevOps Report
 * gives for its elite, high and medium clusters, used as upper (or lower)
 * bounds: a team at or better than a level's value is in that level.
 */
export const DORA_LEVELS = {
  /** Successful production deployments per day. */
  deploymentFrequency: { elite: 1, high: 1 / 7, medium: 1 / 30 },
  /** Median lead time, ms. */
  leadTime: { elite: DAY, high: 7 * DAY, medium: 30 * DAY },
  /** Change failure rate. */
  changeFailureRate: { elite: 0.05, high: 0.1, medium: 0.15 },
  /** Median failed deployment recovery time, ms. */
  recoveryTime: { elite: HOUR, high: DAY, medium: 7 * DAY },
};

const t = (iso: string) => Date.parse(iso);

export interface Range {
  /** Inclusive start (ISO). */
  from: string;
  /** Exclusive end (ISO). */
  to: string;
}

const inRange = (iso: string, r: Range) =>
  t(iso) >= t(r.from) && t(iso) < t(r.to);

/** Whether an environment is one of the production environments (without case). */
export function isProduction(
  env: string | undefined,
  o: DoraOptions = DEFAULT_DORA_OPTIONS,
) {
  return (
    env !== undefined &&
    o.productionEnvironments.some(
      p => p.toLocaleLowerCase('en-US') === env.toLocaleLowerCase('en-US'),
    )
  );
}

/** Items by entity, each list sorted by `time`. */
function byEntityInOrder<T extends { entityRef: string }>(
  items: T[],
  time: (x: T) => number,
): Map<string, Array<{ item: T; at: number }>> {
  const m = new Map<string, Array<{ item: T; at: number }>>();
  for (const item of items) {
    const list = m.get(item.entityRef) ?? [];
    list.push({ item, at: time(item) });
    m.set(item.entityRef, list);
  }
  for (const list of m.values()) list.sort((a, b) => a.at - b.at);
  return m;
}

/** The items of a sorted list with from <= time < to, in order. */
function between<T>(
  list: Array<{ item: T; at: number }> | undefined,
  from: number,
  to: number,
): T[] {
  if (!list) return [];
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid].at < from) lo = mid + 1;
    else hi = mid;
  }
  const out: T[] = [];
  for (let i = lo; i < list.length && list[i].at < to; i++)
    out.push(list[i].item);
  return out;
}

/** The first deployment of a time-ordered list at or after `time`. */
function firstAtOrAfter(
  ds: DeploymentRecord[],
  time: number,
): DeploymentRecord | undefined {
  let lo = 0;
  let hi = ds.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (t(ds[mid].at) < time) lo = mid + 1;
    else hi = mid;
  }
  return ds[lo];
}

/** Successful production deployments, by entity, in time order. */
function productionDeploys(deployments: DeploymentRecord[], o: DoraOptions) {
  const byEntity = new Map<string, DeploymentRecord[]>();
  for (const d of deployments) {
    if (d.outcome !== undefined && d.outcome !== 'success') continue;
    if (!isProduction(d.environment, o)) continue;
    const list = byEntity.get(d.entityRef) ?? [];
    list.push(d);
    byEntity.set(d.entityRef, list);
  }
  for (const list of byEntity.values()) list.sort((a, b) => t(a.at) - t(b.at));
  return byEntity;
}

export function levelAtLeast(
  value: number,
  bounds: { elite: number; high: number; medium: number },
): DoraLevel {
  if (value >= bounds.elite) return 'elite';
  if (value >= bounds.high) return 'high';
  if (value >= bounds.medium) return 'medium';
  return 'low';
}

export function levelAtMost(
  value: number,
  bounds: { elite: number; high: number; medium: number },
): DoraLevel {
  if (value <= bounds.elite) return 'elite';
  if (value <= bounds.high) return 'high';
  if (value <= bounds.medium) return 'medium';
  return 'low';
}

export interface DeploymentFrequency {
  /** Successful production deployments in the range. */
  deployments: number;
  days: number;
  perDay: number;
  perWeek: number;
  /** Deployments left out: failed, or not to a production environment. */
  excluded: { failed: number; notProduction: number };
  level: DoraLevel | null;
}

/**
 * **Deployment frequency**: successful deployments to a production
 * environment that finished in [from, to), per day and per week of the
 * range. No deployments: 0 per day and no level.
 */
export function deploymentFrequency(
  deployments: DeploymentRecord[],
  range: Range,
  options: DoraOptions = DEFAULT_DORA_OPTIONS,
): DeploymentFrequency {
  const days = (t(range.to) - t(range.from)) / DAY;
  const inside = deployments.filter(d => inRange(d.at, range));
  const failed = inside.filter(
    d => d.outcome !== undefined && d.outcome !== 'success',
  ).length;
  const notProduction = inside.filter(
    d =>
      (d.outcome === undefined || d.outcome === 'success') &&
      !isProduction(d.environment, options),
  ).length;
  const count = inside.length - failed - notProduction;
  const perDay = days > 0 ? count / days : 0;
  return {
    deployments: count,
    days,
    perDay,
    perWeek: perDay * 7,
    excluded: { failed, notProduction },
    level:
      count > 0 ? levelAtLeast(perDay, DORA_LEVELS.deploymentFrequency) : null,
  };
}

export interface LeadTime {
  /** Changes deployed in the range (the sample). */
  changes: number;
  medianMs: number | null;
  p90Ms: number | null;
  /** Deployments in the range that shipped no change we know of. */
  deploymentsWithoutChanges: number;
  /** Changes merged in the range and not deployed (yet). */
  notDeployed: number;
  /** Changes measured from their merge, as their commits had no times. */
  withoutCommitTimes: number;
  level: DoraLevel | null;
  /** Each change with the deployment that shipped it, for drill-down. */
  rows: Array<{
    changeId: string;
    entityRef: string;
    deploymentId: string;
    startedAt: string;
    deployedAt: string;
    leadTimeMs: number;
  }>;
}

/**
 * **Lead time for changes**: for each change, from its first commit (or,
 * without commit times, its merge) to the first successful production
 * deployment of the same entity at or after its merge. Counted for the
 * deployments that finished in [from, to); median (mean of the middle two)
 * and p90 (nearest rank).
 */
export function leadTime(
  deployments: DeploymentRecord[],
  changes: ChangeRecord[],
  range: Range,
  options: DoraOptions = DEFAULT_DORA_OPTIONS,
): LeadTime {
  const deploys = productionDeploys(deployments, options);
  const rows: LeadTime['rows'] = [];
  const shipped = new Set<ChangeRecord>();
  const usedDeploys = new Set<string>();
  const byEntity = new Map<string, ChangeRecord[]>();
  for (const c of changes) {
    const list = byEntity.get(c.entityRef) ?? [];
    list.push(c);
    byEntity.set(c.entityRef, list);
  }
  for (const [entityRef, list] of byEntity) {
    const ds = deploys.get(entityRef) ?? [];
    for (const c of list) {
      const d = firstAtOrAfter(ds, t(c.mergedAt));
      if (!d) continue;
      shipped.add(c);
      if (!inRange(d.at, range)) continue;
      usedDeploys.add(d.id);
      const startedAt = c.firstCommitAt ?? c.mergedAt;
      rows.push({
        changeId: c.id,
        entityRef,
        deploymentId: d.id,
        startedAt,
        deployedAt: d.at,
        leadTimeMs: Math.max(0, t(d.at) - t(startedAt)),
      });
    }
  }
  const byId = new Map(changes.map(c => [c.id, c]));
  const durations = rows.map(r => r.leadTimeMs);
  const deploysInRange = [...deploys.values()]
    .flat()
    .filter(d => inRange(d.at, range));
  const m = medianOf(durations) ?? null;
  return {
    changes: rows.length,
    medianMs: m,
    p90Ms: percentile(durations, 90) ?? null,
    deploymentsWithoutChanges: deploysInRange.filter(
      d => !usedDeploys.has(d.id),
    ).length,
    notDeployed: changes.filter(
      c => inRange(c.mergedAt, range) && !shipped.has(c),
    ).length,
    withoutCommitTimes: rows.filter(r => !byId.get(r.changeId)?.firstCommitAt)
      .length,
    level: m === null ? null : levelAtMost(m, DORA_LEVELS.leadTime),
    rows: rows.sort((a, b) => t(a.deployedAt) - t(b.deployedAt)),
  };
}

export interface ChangeFailureRate {
  /** Successful production deployments in the range (the sample). */
  deployments: number;
  /** Of those, followed by an incident or a rollback. */
  failed: number;
  rate: number | null;
  /** Production incidents in the range with no deployment before them. */
  incidentsWithoutDeployment: number;
  level: DoraLevel | null;
  rows: Array<{
    deploymentId: string;
    entityRef: string;
    deployedAt: string;
    failedBy?: { kind: 'incident' | 'rollback'; id?: string; at: string };
  }>;
  /** The incidents counted in incidentsWithoutDeployment, for drill-down. */
  incidentRows: Array<{
    incidentId: string;
    entityRef: string;
    openedAt: string;
  }>;
}

/**
 * **Change failure rate**: of the successful production deployments that
 * finished in [from, to), the share followed by a production incident or a
 * rollback of the same entity before its next production deployment (and
 * within `failureWindowMs`). Incidents without an environment count as
 * production. Divided by deployments (as DORA and DevLake do), not by
 * changes (as Four Keys does).
 */
export function changeFailureRate(
  deployments: DeploymentRecord[],
  incidents: IncidentRecord[],
  rollbacks: RollbackRecord[],
  range: Range,
  options: DoraOptions = DEFAULT_DORA_OPTIONS,
): ChangeFailureRate {
  const deploys = productionDeploys(deployments, options);
  const prodIncidents = incidents.filter(
    i => i.environment === undefined || isProduction(i.environment, options),
  );
  const prodRollbacks = rollbacks.filter(
    r => r.environment === undefined || isProduction(r.environment, options),
  );
  // By entity and in time order, so each deployment looks only at its own
  // entity's, from the first at or after it.
  const incidentsOf = byEntityInOrder(prodIncidents, i => t(i.openedAt));
  const rollbacksOf = byEntityInOrder(prodRollbacks, r => t(r.at));
  const rows: ChangeFailureRate['rows'] = [];
  const explained = new Set<string>();
  for (const [entityRef, ds] of deploys) {
    ds.forEach((d, i) => {
      const next = ds[i + 1];
      const end = Math.min(
        next ? t(next.at) : Infinity,
        t(d.at) + options.failureWindowMs,
      );
      const after = between(incidentsOf.get(entityRef), t(d.at), end);
      for (const x of after) explained.add(x.id);
      const incident = after[0];
      const rollback = between(rollbacksOf.get(entityRef), t(d.at), end)[0];
      if (!inRange(d.at, range)) return;
      let failedBy:
        | NonNullable<ChangeFailureRate['rows'][number]['failedBy']>
        | undefined;
      if (incident && (!rollback || t(incident.openedAt) <= t(rollback.at)))
        failedBy = { kind: 'incident', id: incident.id, at: incident.openedAt };
      else if (rollback) failedBy = { kind: 'rollback', at: rollback.at };
      rows.push({
        deploymentId: d.id,
        entityRef,
        deployedAt: d.at,
        ...(failedBy ? { failedBy } : {}),
      });
    });
  }
  const failed = rows.filter(r => r.failedBy).length;
  const rate = rows.length > 0 ? failed / rows.length : null;
  const unexplained = prodIncidents.filter(
    i => inRange(i.openedAt, range) && !explained.has(i.id),
  );
  return {
    deployments: rows.length,
    failed,
    rate,
    incidentsWithoutDeployment: unexplained.length,
    level:
      rate === null ? null : levelAtMost(rate, DORA_LEVELS.changeFailureRate),
    rows: rows.sort((a, b) => t(a.deployedAt) - t(b.deployedAt)),
    incidentRows: unexplained
      .map(i => ({
        incidentId: i.id,
        entityRef: i.entityRef,
        openedAt: i.openedAt,
      }))
      .sort((a, b) => t(a.openedAt) - t(b.openedAt)),
  };
}

export interface RecoveryTime {
  /** Production incidents resolved in the range (the sample). */
  incidents: number;
  medianMs: number | null;
  /** Production incidents opened in the range and still open. */
  stillOpen: number;
  level: DoraLevel | null;
  rows: Array<{
    incidentId: string;
    entityRef: string;
    openedAt: string;
    resolvedAt: string;
    durationMs: number;
  }>;
}

/**
 * **Failed deployment recovery time**: for production incidents resolved in
 * [from, to), the time from opened to resolved; median (mean of the middle
 * two).
 */
export function recoveryTime(
  incidents: IncidentRecord[],
  range: Range,
  options: DoraOptions = DEFAULT_DORA_OPTIONS,
): RecoveryTime {
  const prod = incidents.filter(
    i => i.environment === undefined || isProduction(i.environment, options),
  );
  const rows = prod
    .filter(i => i.resolvedAt && inRange(i.resolvedAt, range))
    .map(i => ({
      incidentId: i.id,
      entityRef: i.entityRef,
      openedAt: i.openedAt,
      resolvedAt: i.resolvedAt!,
      durationMs: Math.max(0, t(i.resolvedAt!) - t(i.openedAt)),
    }))
    .sort((a, b) => t(a.resolvedAt) - t(b.resolvedAt));
  const m = medianOf(rows.map(r => r.durationMs)) ?? null;
  return {
    incidents: rows.length,
    medianMs: m,
    stillOpen: prod.filter(i => !i.resolvedAt && inRange(i.openedAt, range))
      .length,
    level: m === null ? null : levelAtMost(m, DORA_LEVELS.recoveryTime),
    rows,
  };
}

/**
 * Successful production deployments by entity, each list in time order
 * (what every key counts).
 */
export function productionDeployments(
  deployments: DeploymentRecord[],
  options: DoraOptions = DEFAULT_DORA_OPTIONS,
): Map<string, DeploymentRecord[]> {
  return productionDeploys(deployments, options);
}

/**
 * The changes each production deployment shipped, by deployment id: a
 * change ships with the first successful production deployment of its
 * entity at or after its merge (as lead time links them).
 */
export function shippedChanges(
  deploys: Map<string, DeploymentRecord[]>,
  changes: ChangeRecord[],
): Map<string, ChangeRecord[]> {
  const out = new Map<string, ChangeRecord[]>();
  for (const c of changes) {
    const d = firstAtOrAfter(deploys.get(c.entityRef) ?? [], t(c.mergedAt));
    if (!d) continue;
    const list = out.get(d.id) ?? [];
    list.push(c);
    out.set(d.id, list);
  }
  return out;
}

export type ReworkReasonKind = 'label' | 'branch' | 'incident';

export interface ReworkReason {
  kind: ReworkReasonKind;
  /** In words: `label hotfix`, `branch hotfix/login of change 42`, ... */
  detail: string;
}

export interface ReworkRate {
  /** Successful production deployments in the range (the sample). */
  deployments: number;
  /** Of those, rework. */
  rework: number;
  rate: number | null;
  /** Rework deployments per reason; one deployment may have several. */
  byReason: Record<ReworkReasonKind, number>;
  /**
   * Deployments of the sample that carry a label or a branch themselves or
   * through a change they shipped: without any, only incidents mark rework.
   */
  withMarkers: number;
  /**
   * Always null: the 2024 Accelerate State of DevOps Report gives rework
   * rate values per cluster, but no elite/high/medium bounds as it does for
   * the four keys; the value is shown without a level and is not part of
   * the overall level.
   */
  level: null;
  rows: Array<{
    deploymentId: string;
    entityRef: string;
    deployedAt: string;
    /** Empty: not rework. */
    reasons: ReworkReason[];
  }>;
}

const lower = (s: string) => s.toLocaleLowerCase('en-US');

/** The branch pattern as a regular expression (without case), or none. */
export function reworkBranchRegExp(pattern: string | undefined) {
  return pattern ? new RegExp(pattern, 'i') : undefined;
}

/**
 * **Deployment rework rate** (DORA, 2024): of the successful production
 * deployments that finished in [from, to), the share that was unplanned
 * and made to fix a user-facing problem in production. A deployment is
 * rework when any of these holds (`options.rework`):
 * - `label`: it, or a change it shipped, carries one of `rework.labels`;
 * - `branch`: its branch, or the head branch of a change it shipped,
 *   matches `rework.branchPattern`;
 * - `incident` (with `rework.linkedIncidents`): a change it shipped names
 *   a known incident of the same entity, or it is the first production
 *   deployment of the entity after a production incident opened, within
 *   `failureWindowMs` of the opening and before the incident was resolved.
 * Deployments that failed or went elsewhere than production are not in
 * the sample.
 */
export function reworkRate(
  deployments: DeploymentRecord[],
  changes: ChangeRecord[],
  incidents: IncidentRecord[],
  range: Range,
  options: DoraOptions = DEFAULT_DORA_OPTIONS,
): ReworkRate {
  const rework = options.rework ?? DEFAULT_REWORK_OPTIONS;
  const labels = new Set(rework.labels.map(lower));
  const branch = reworkBranchRegExp(rework.branchPattern);
  const deploys = productionDeploys(deployments, options);
  const shipped = shippedChanges(deploys, changes);
  const prodIncidents = incidents.filter(
    i => i.environment === undefined || isProduction(i.environment, options),
  );
  const incidentById = new Map(
    prodIncidents
      .filter(i => i.sourceId !== undefined)
      .map(i => [`${i.entityRef}\u0000${i.sourceId}`, i]),
  );
  // The deployment each incident's fix went out with: the first one of the
  // entity after it opened, within the window, before its resolution.
  const fixedBy = new Map<string, IncidentRecord[]>();
  if (rework.linkedIncidents)
    for (const i of prodIncidents) {
      const d = firstAtOrAfter(deploys.get(i.entityRef) ?? [], t(i.openedAt));
      if (!d) continue;
      if (t(d.at) - t(i.openedAt) > options.failureWindowMs) continue;
      if (i.resolvedAt && t(i.resolvedAt) < t(d.at)) continue;
      const list = fixedBy.get(d.id) ?? [];
      list.push(i);
      fixedBy.set(d.id, list);
    }
  const rows: ReworkRate['rows'] = [];
  let withMarkers = 0;
  const byReason: Record<ReworkReasonKind, number> = {
    label: 0,
    branch: 0,
    incident: 0,
  };
  for (const [entityRef, ds] of deploys)
    for (const d of ds) {
      if (!inRange(d.at, range)) continue;
      const cs = shipped.get(d.id) ?? [];
      const reasons: ReworkReason[] = [];
      const label = d.labels?.find(l => labels.has(lower(l)));
      if (label) reasons.push({ kind: 'label', detail: `label ${label}` });
      else
        for (const c of cs) {
          const l = c.labels?.find(x => labels.has(lower(x)));
          if (l) {
            reasons.push({
              kind: 'label',
              detail: `label ${l} of change ${c.id}`,
            });
            break;
          }
        }
      if (branch && d.branch && branch.test(d.branch))
        reasons.push({ kind: 'branch', detail: `branch ${d.branch}` });
      else if (branch)
        for (const c of cs)
          if (c.branch && branch.test(c.branch)) {
            reasons.push({
              kind: 'branch',
              detail: `branch ${c.branch} of change ${c.id}`,
            });
            break;
          }
      if (rework.linkedIncidents) {
        const named = cs
          .map(c =>
            c.incidentId
              ? { c, i: incidentById.get(`${entityRef}\u0000${c.incidentId}`) }
              : undefined,
          )
          .find(x => x?.i);
        const after = fixedBy.get(d.id)?.[0];
        if (named?.i)
          reasons.push({
            kind: 'incident',
            detail: `change ${named.c.id} fixes incident ${named.i.id}`,
          });
        else if (after)
          reasons.push({
            kind: 'incident',
            detail: `first deployment after incident ${after.id} opened`,
          });
      }
      if (
        d.labels?.length ||
        d.branch ||
        cs.some(c => c.labels?.length || c.branch)
      )
        withMarkers += 1;
      for (const r of reasons) byReason[r.kind] += 1;
      rows.push({ deploymentId: d.id, entityRef, deployedAt: d.at, reasons });
    }
  const count = rows.filter(r => r.reasons.length > 0).length;
  return {
    deployments: rows.length,
    rework: count,
    rate: rows.length > 0 ? count / rows.length : null,
    byReason,
    withMarkers,
    level: null,
    rows: rows.sort((a, b) => t(a.deployedAt) - t(b.deployedAt)),
  };
}

const ORDER: DoraLevel[] = ['low', 'medium', 'high', 'elite'];

/**
 * The overall DORA level: the lowest of the four metrics' levels (a team is
 * as fast as its slowest key); null when no metric has data.
 */
export function overallLevel(
  levels: Array<DoraLevel | null>,
): DoraLevel | null {
  const known = levels.filter((l): l is DoraLevel => l !== null);
  if (known.length === 0) return null;
  return ORDER[Math.min(...known.map(l => ORDER.indexOf(l)))];
}

/**
 * Successful production deployments per calendar day in `timeZone`, for
 * charts: every day of [from, to) appears, with 0 when there were none.
 */
export function deploymentsPerDay(
  deployments: DeploymentRecord[],
  range: Range,
  timeZone = 'UTC',
  options: DoraOptions = DEFAULT_DORA_OPTIONS,
): Array<{ day: string; deployments: number }> {
  const counts = new Map<string, number>();
  for (const list of productionDeploys(deployments, options).values())
    for (const d of list) {
      if (!inRange(d.at, range)) continue;
      const day = DateTime.fromISO(d.at, { zone: timeZone }).toISODate()!;
      counts.set(day, (counts.get(day) ?? 0) + 1);
    }
  const days: Array<{ day: string; deployments: number }> = [];
  let day = DateTime.fromISO(range.from, { zone: timeZone }).startOf('day');
  const end = DateTime.fromISO(range.to, { zone: timeZone });
  while (day < end) {
    const key = day.toISODate()!;
    days.push({ day: key, deployments: counts.get(key) ?? 0 });
    day = day.plus({ days: 1 });
  }
  return days;
}
