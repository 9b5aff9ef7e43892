import {
  DEFAULT_DORA_OPTIONS,
  DEFAULT_REWORK_OPTIONS,
  isProduction,
  productionDeployments,
  shippedChanges,
  type ChangeRecord,
  type DeploymentRecord,
  type DoraOptions,
  type IncidentRecord,
  type Range,
} from './dora';

/**
 * Why a DORA number is what it is: for each number, what is missing
 * (deployments no change could be linked to, incidents linked to no
 * deployment, events that map to no entity, clock skew between sources)
 * and how to fix it. Definitions in docs/metrics.md ("Diagnostics").
 */

/** The numbers of `GET /metrics/dora`, as the diagnostics name them. */
export type DoraMetricKey =
  | 'deploymentFrequency'
  | 'leadTime'
  | 'changeFailureRate'
  | 'recoveryTime'
  | 'reworkRate';

export type DoraDiagnosticKind =
  /** Production deployments of entities with no merged change at all. */
  | 'deployment-entity-without-changes'
  /** Unlinked production deployments that carry no commit SHA. */
  | 'deployment-without-commit-sha'
  /** Unlinked: the commit deployed was seen only off the default branch. */
  | 'deployment-commit-not-on-default-branch'
  /** Unlinked: the commit deployed is in no change received. */
  | 'deployment-commit-not-found'
  /** Unlinked: the commit deployed was deployed before (a redeployment). */
  | 'deployment-commit-redeployed'
  /** Unlinked, reason unknown (numbers added up from the roll-ups). */
  | 'deployment-without-change'
  /** Successful deployments to environments that are not production. */
  | 'deployment-not-production'
  /** Changes measured from their merge: their commits had no times. */
  | 'change-without-commit-times'
  /** Production incidents that followed no production deployment. */
  | 'incident-without-deployment'
  /** Incident resolutions without the opening. */
  | 'incident-resolved-without-opening'
  /** Delivery events that map to no catalog entity. */
  | 'unmapped-events'
  /** Clock skew: a change merged after the deployment that shipped it. */
  | 'clock-skew-change-after-deployment'
  /** Clock skew: events that happened after they were received. */
  | 'clock-skew-future-events'
  /** Clock skew: incidents resolved before they were opened. */
  | 'clock-skew-resolved-before-opened'
  /** No deployment carries a label or a branch: rework only via incidents. */
  | 'rework-without-markers';

export interface DoraDiagnostic {
  kind: DoraDiagnosticKind;
  /** The numbers it makes less complete or less exact. */
  metrics: DoraMetricKey[];
  /** How many deployments, changes, incidents or events. */
  count: number;
  /** What is missing, in one sentence. */
  problem: string;
  /** How to fix it, in one sentence. */
  fix: string;
  /** A few ids (event keys, change and incident ids) to look at. */
  examples: string[];
}

/** How far after its reception an event may say it happened (5 minutes). */
export const FUTURE_TOLERANCE_MS = 5 * 60_000;
/** Examples per diagnostic. */
export const DIAGNOSTIC_EXAMPLES = 5;

export interface DoraDiagnosticsInput {
  deployments: DeploymentRecord[];
  changes: ChangeRecord[];
  incidents: IncidentRecord[];
  /** Incidents known only by their resolution. */
  resolvedWithoutOpening?: Array<{
    entityRef: string;
    at: string;
    id?: string;
  }>;
  /** Events of the scope with their reception time, for clock skew. */
  received?: Array<{ id: string; occurredAt: string; receivedAt: string }>;
  /**
   * Commit SHAs (lower case) seen on change events that did not land on
   * the default branch: pull request heads, pushes to other branches,
   * pull requests merged into another branch.
   */
  unlandedCommits?: Set<string>;
  /** Delivery events of the range that map to no entity. */
  unmapped?: {
    count: number;
    examples: string[];
    /** The most frequent reasons, most first. */
    reasons: Array<{ reason: string; events: number }>;
  };
}

const t = (iso: string) => Date.parse(iso);
const inRange = (iso: string, r: Range) =>
  t(iso) >= t(r.from) && t(iso) < t(r.to);

function plural(n: number, one: string, many = `${one}s`) {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}
const is = (n: number, one = 'is', many = 'are') => (n === 1 ? one : many);

/** A diagnostic builder: ids collected, counted, the first few kept. */
class Found {
  readonly ids: string[] = [];
  add(id: string) {
    this.ids.push(id);
  }
  get count() {
    return this.ids.length;
  }
  examples() {
    return [...new Set(this.ids)].slice(0, DIAGNOSTIC_EXAMPLES);
  }
}

const UNLINKED_METRICS: DoraMetricKey[] = ['leadTime', 'reworkRate'];

/**
 * The diagnostics of the DORA numbers over [from, to), from the records
 * they were computed from (exact). Only kinds with a count above 0 are
 * returned, in the order of the numbers they touch.
 */
export function doraDiagnostics(
  input: DoraDiagnosticsInput,
  range: Range,
  options: DoraOptions = DEFAULT_DORA_OPTIONS,
): DoraDiagnostic[] {
  const out: DoraDiagnostic[] = [];
  const push = (
    kind: DoraDiagnosticKind,
    metrics: DoraMetricKey[],
    found: Found | { count: number; examples: () => string[] },
    problem: (n: number) => string,
    fix: string,
  ) => {
    if (found.count > 0)
      out.push({
        kind,
        metrics,
        count: found.count,
        problem: problem(found.count),
        fix,
        examples: found.examples(),
      });
  };

  // Deployments left out: not to production.
  const notProduction = new Found();
  const environments = new Map<string, number>();
  for (const d of input.deployments) {
    if (!inRange(d.at, range)) continue;
    if (d.outcome !== undefined && d.outcome !== 'success') continue;
    if (isProduction(d.environment, options)) continue;
    notProduction.add(d.id);
    const env = d.environment ?? '(none)';
    environments.set(env, (environments.get(env) ?? 0) + 1);
  }
  const envList = [...environments]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([e, n]) => `${e} ×${n.toLocaleString('en-US')}`)
    .join(', ');
  push(
    'deployment-not-production',
    ['deploymentFrequency', 'leadTime', 'changeFailureRate', 'reworkRate'],
    notProduction,
    n =>
      `${plural(
        n,
        'successful deployment',
      )} went to an environment that is not production (${envList}) and ${is(
        n,
        'is',
        'are',
      )} not counted.`,
    `If one of these environments is production, add its name to dx.dora.productionEnvironments (now ${options.productionEnvironments.join(
      ', ',
    )}).`,
  );

  // Production deployments that shipped no change, and why.
  const deploys = productionDeployments(input.deployments, options);
  const shipped = shippedChanges(deploys, input.changes);
  const changesOf = new Map<string, ChangeRecord[]>();
  for (const c of input.changes) {
    const list = changesOf.get(c.entityRef) ?? [];
    list.push(c);
    changesOf.set(c.entityRef, list);
  }
  const bySha = new Map<string, ChangeRecord[]>();
  for (const c of input.changes)
    for (const sha of c.commitShas ?? []) {
      const k = `${c.entityRef}\u0000${sha}`;
      const list = bySha.get(k) ?? [];
      list.push(c);
      bySha.set(k, list);
    }
  const noChanges = new Found();
  const noSha = new Found();
  const notOnDefault = new Found();
  const notFound = new Found();
  const redeployed = new Found();
  const mergedAfter = new Found();
  for (const [entityRef, ds] of deploys)
    ds.forEach((d, i) => {
      if (!inRange(d.at, range)) return;
      const sha = d.commitSha?.toLowerCase();
      const same = sha ? bySha.get(`${entityRef}\u0000${sha}`) ?? [] : [];
      // Clock skew: the change with the deployed commit merged after it.
      for (const c of same) if (t(c.mergedAt) > t(d.at)) mergedAfter.add(c.id);
      if (shipped.has(d.id)) return;
      if (!changesOf.get(entityRef)?.length) noChanges.add(d.id);
      else if (!sha) noSha.add(d.id);
      else if (same.some(c => t(c.mergedAt) > t(d.at))) {
        // Counted as clock skew.
      } else if (same.length > 0 || ds[i - 1]?.commitSha?.toLowerCase() === sha)
        redeployed.add(d.id);
      else if (input.unlandedCommits?.has(sha)) notOnDefault.add(d.id);
      else notFound.add(d.id);
    });
  push(
    'deployment-entity-without-changes',
    UNLINKED_METRICS,
    noChanges,
    n =>
      `${plural(n, 'production deployment')} belong${
        n === 1 ? 's' : ''
      } to entities with no merged change received, so ${is(
        n,
        'it counts',
        'they count',
      )} for no lead time.`,
    'Send change events for these entities: the GitHub push and pull_request webhooks, CDEvents change.merged, or generic events of type change with action merged.',
  );
  push(
    'deployment-without-commit-sha',
    UNLINKED_METRICS,
    noSha,
    n =>
      `${plural(
        n,
        'production deployment',
      )} shipped no change we know of and carr${
        n === 1 ? 'ies' : 'y'
      } no commit SHA to find one by.`,
    'Send the deployed commit with each deployment: commitSha in the generic format (CDEvents service events carry none; GitHub deployments always do).',
  );
  push(
    'deployment-commit-not-on-default-branch',
    UNLINKED_METRICS,
    notOnDefault,
    n =>
      `${plural(
        n,
        'production deployment',
      )} deployed a commit seen only on a branch other than the default one (a pull request head or a push to another branch).`,
    'Deploy to production from the default branch after the merge, or send the merge of that branch as a change (with the GitHub webhook option defaultBranchOnly off for release branches).',
  );
  push(
    'deployment-commit-not-found',
    UNLINKED_METRICS,
    notFound,
    n =>
      `${plural(
        n,
        'production deployment',
      )} deployed a commit that is in no change received: the change was not sent, or it was squash-merged and only the pull request's own commits were sent, without the merge commit.`,
    'Send the merge itself: the GitHub pull_request webhook (its closed event carries merge_commit_sha) or push events of the default branch; in the generic format a change merged with commitSha set to the merge (or squash) commit.',
  );
  push(
    'deployment-commit-redeployed',
    ['leadTime'],
    redeployed,
    n =>
      `${plural(
        n,
        'production deployment',
      )} redeployed a commit that had been deployed before (a restart, a configuration change or a rollback by redeploying), so ${is(
        n,
        'it ships',
        'they ship',
      )} no new change.`,
    'Nothing to fix if these were restarts or configuration changes; send rollbacks as deployment action rolledback so that they count as failures.',
  );

  // Lead time from the merge only.
  const noTimes = new Found();
  for (const ds of deploys.values())
    for (const d of ds)
      if (inRange(d.at, range))
        for (const c of shipped.get(d.id) ?? [])
          if (!c.firstCommitAt) noTimes.add(c.id);
  push(
    'change-without-commit-times',
    ['leadTime'],
    noTimes,
    n =>
      `${plural(n, 'deployed change')} had no commit times, so ${is(
        n,
        'its lead time starts',
        'their lead times start',
      )} at the merge and ${is(n, 'is', 'are')} too short.`,
    'Send the commits with their times: GitHub push events carry them; in the generic format commits: [{ sha, at }] on the merged change.',
  );

  // Clock skew between the change source and the deployment source.
  push(
    'clock-skew-change-after-deployment',
    ['leadTime'],
    mergedAfter,
    n =>
      `${plural(n, 'change')} merged after the deployment that contains ${is(
        n,
        'its',
        'their',
      )} commit: the clocks (or time zones) of the sources disagree.`,
    'Send times with their UTC offset (2024-05-01T12:00:00+02:00, not a local time without one) and keep the clocks of the CI/CD hosts synchronised (NTP).',
  );

  // Incidents that followed no deployment.
  const withoutDeployment = new Found();
  const explained = new Set<string>();
  const incidentsOf = new Map<string, IncidentRecord[]>();
  for (const x of input.incidents) {
    const list = incidentsOf.get(x.entityRef) ?? [];
    list.push(x);
    incidentsOf.set(x.entityRef, list);
  }
  for (const [entityRef, list] of incidentsOf) {
    const ds = deploys.get(entityRef) ?? [];
    for (const x of list) {
      // The last production deployment at or before the opening.
      let lo = 0;
      let hi = ds.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (t(ds[mid].at) <= t(x.openedAt)) lo = mid + 1;
        else hi = mid;
      }
      const d = ds[lo - 1];
      if (d && t(x.openedAt) - t(d.at) < options.failureWindowMs)
        explained.add(x.id);
    }
  }
  for (const x of input.incidents)
    if (
      (x.environment === undefined || isProduction(x.environment, options)) &&
      inRange(x.openedAt, range) &&
      !explained.has(x.id)
    )
      withoutDeployment.add(x.id);
  push(
    'incident-without-deployment',
    ['changeFailureRate'],
    withoutDeployment,
    n =>
      `${plural(
        n,
        'production incident',
      )} followed no production deployment of ${is(
        n,
        'its',
        'their',
      )} entity within ${Math.round(
        options.failureWindowMs / 86_400_000,
      )} days, so ${is(n, 'it fails', 'they fail')} no deployment.`,
    'Send the deployments of these entities, and check that the incident names the same entity as its deployments (entityRef, or a service or repository the catalog maps to it).',
  );
  const resolvedOnly = new Found();
  for (const r of input.resolvedWithoutOpening ?? [])
    if (inRange(r.at, range)) resolvedOnly.add(r.id ?? r.entityRef);
  push(
    'incident-resolved-without-opening',
    ['recoveryTime'],
    resolvedOnly,
    n =>
      `${plural(n, 'incident')} ${is(
        n,
        'was',
        'were',
      )} resolved without an opening event received, so ${is(
        n,
        'its',
        'their',
      )} recovery time cannot be measured.`,
    'Send the opening as well (incident detected or reported); on GitHub the issue must carry the incident label when it is opened or labelled.',
  );

  // Resolved before opened: the incident tool's and another's clocks.
  const backwards = new Found();
  for (const x of input.incidents)
    if (
      x.resolvedAt &&
      inRange(x.resolvedAt, range) &&
      t(x.resolvedAt) < t(x.openedAt)
    )
      backwards.add(x.id);
  push(
    'clock-skew-resolved-before-opened',
    ['recoveryTime'],
    backwards,
    n =>
      `${plural(n, 'incident')} ${is(n, 'was', 'were')} resolved before ${is(
        n,
        'it was',
        'they were',
      )} opened (counted as recovered at once): the opening and the resolution come from sources whose clocks disagree.`,
    'Send the opening and the resolution from the same tool, or with times that carry their UTC offset from clocks kept synchronised (NTP).',
  );

  // Events from the future (stored through a path that did not refuse
  // them, or before the ingestion refused them).
  const future = new Found();
  for (const e of input.received ?? [])
    if (t(e.occurredAt) > t(e.receivedAt) + FUTURE_TOLERANCE_MS)
      future.add(e.id);
  push(
    'clock-skew-future-events',
    [
      'deploymentFrequency',
      'leadTime',
      'changeFailureRate',
      'recoveryTime',
      'reworkRate',
    ],
    future,
    n =>
      `${plural(n, 'event')} say${n === 1 ? 's' : ''} ${is(
        n,
        'it',
        'they',
      )} happened more than 5 minutes after ${is(
        n,
        'it was',
        'they were',
      )} received: a clock ahead, or a local time sent as UTC.`,
    'Send times with their UTC offset and keep the clocks of the senders synchronised (NTP).',
  );

  if (input.unmapped) {
    const u = unmappedDiagnostic(input.unmapped);
    if (u) out.push(u);
  }

  // Rework found only through incidents.
  let sample = 0;
  let marked = 0;
  for (const ds of deploys.values())
    for (const d of ds) {
      if (!inRange(d.at, range)) continue;
      sample += 1;
      const cs = shipped.get(d.id) ?? [];
      if (
        d.labels?.length ||
        d.branch ||
        cs.some(c => c.labels?.length || c.branch)
      )
        marked += 1;
    }
  if (sample > 0 && marked === 0)
    out.push(reworkWithoutMarkers(sample, options));

  const order: DoraMetricKey[] = [
    'deploymentFrequency',
    'leadTime',
    'changeFailureRate',
    'recoveryTime',
    'reworkRate',
  ];
  const rank = (d: DoraDiagnostic) =>
    Math.min(...d.metrics.map(m => order.indexOf(m)));
  return out
    .map((d, i) => ({ d, i }))
    .sort((a, b) => rank(a.d) - rank(b.d) || a.i - b.i)
    .map(x => x.d);
}

/**
 * No production deployment of the sample, nor a change it shipped, carries
 * a label or a branch: rework is found only through incidents.
 */
function reworkWithoutMarkers(
  sample: number,
  options: DoraOptions,
): DoraDiagnostic {
  const rework = options.rework ?? DEFAULT_REWORK_OPTIONS;
  return {
    kind: 'rework-without-markers',
    metrics: ['reworkRate'],
    count: sample,
    problem: `None of the ${plural(
      sample,
      'production deployment',
    )} or the changes ${is(
      sample,
      'it',
      'they',
    )} shipped carries a label or a branch, so rework is found ${
      rework.linkedIncidents ? 'only through incidents' : 'nowhere'
    }.`,
    fix: `Label rework deployments (generic labels: ["${
      rework.labels[0] ?? 'rework'
    }"]), send pull requests with their labels and head branches (the GitHub pull_request webhook), or set dx.dora.rework.`,
    examples: [],
  };
}

/** The diagnostic of delivery events that map to no entity, if any. */
export function unmappedDiagnostic(
  unmapped: NonNullable<DoraDiagnosticsInput['unmapped']>,
): DoraDiagnostic | undefined {
  const n = unmapped.count;
  if (n <= 0) return undefined;
  const reason = unmapped.reasons[0]?.reason;
  return {
    kind: 'unmapped-events',
    metrics: [
      'deploymentFrequency',
      'leadTime',
      'changeFailureRate',
      'recoveryTime',
      'reworkRate',
    ],
    count: n,
    problem: `${plural(n, 'delivery event')} of the range map${
      n === 1 ? 's' : ''
    } to no catalog entity and ${is(n)} counted nowhere${
      reason ? ` (most often: ${reason})` : ''
    }.`,
    fix: 'Give the entities the annotation github.com/project-slug (owner/name) or send entityRef with the events; GET /api/dx/events/unmapped lists the reasons, and events are mapped again once the catalog knows them.',
    examples: unmapped.examples.slice(0, DIAGNOSTIC_EXAMPLES),
  };
}

/**
 * The diagnostics that the counts of a period alone give (a period added
 * up from daily roll-ups has no records): the same sentences, without
 * examples or reasons. With `rollupCounts`, production deployments that
 * shipped no change and carry no commit SHA are told apart
 * (`deployment-without-commit-sha`; those of entities with no change at all
 * among them); the rest stay `deployment-without-change`. With
 * `reworkRate`, `rework-without-markers` as the exact diagnostics give it.
 */
export function diagnosticsFromCounts(
  period: {
    deploymentFrequency: { excluded: { notProduction: number } };
    leadTime: { deploymentsWithoutChanges: number; withoutCommitTimes: number };
    changeFailureRate: { incidentsWithoutDeployment: number };
    unlinked: { resolvedWithoutOpening: number };
    reworkRate?: { deployments: number; withMarkers: number };
    rollupCounts?: { deploymentsWithoutCommitSha: number };
  },
  options: DoraOptions = DEFAULT_DORA_OPTIONS,
): DoraDiagnostic[] {
  const out: DoraDiagnostic[] = [];
  const add = (d: DoraDiagnostic) => {
    if (d.count > 0) out.push(d);
  };
  const np = period.deploymentFrequency.excluded.notProduction;
  add({
    kind: 'deployment-not-production',
    metrics: [
      'deploymentFrequency',
      'leadTime',
      'changeFailureRate',
      'reworkRate',
    ],
    count: np,
    problem: `${plural(
      np,
      'successful deployment',
    )} went to an environment that is not production and ${is(
      np,
    )} not counted.`,
    fix: 'If one of these environments is production, add its name to dx.dora.productionEnvironments.',
    examples: [],
  });
  const noSha = Math.min(
    period.rollupCounts?.deploymentsWithoutCommitSha ?? 0,
    period.leadTime.deploymentsWithoutChanges,
  );
  add({
    kind: 'deployment-without-commit-sha',
    metrics: UNLINKED_METRICS,
    count: noSha,
    problem: `${plural(
      noSha,
      'production deployment',
    )} shipped no change we know of and carr${
      noSha === 1 ? 'ies' : 'y'
    } no commit SHA to find one by.`,
    fix: 'Send the deployed commit with each deployment: commitSha in the generic format (CDEvents service events carry none; GitHub deployments always do).',
    examples: [],
  });
  const wc = period.leadTime.deploymentsWithoutChanges - noSha;
  add({
    kind: 'deployment-without-change',
    metrics: UNLINKED_METRICS,
    count: wc,
    problem: `${plural(
      wc,
      'production deployment',
    )} shipped no change we know of (the reasons are listed for smaller ranges or scopes, computed from the events).`,
    fix: 'Send the deployed commit with each deployment and the merges of the default branch as changes; narrow the range or the scope to see the reason per deployment.',
    examples: [],
  });
  const ct = period.leadTime.withoutCommitTimes;
  add({
    kind: 'change-without-commit-times',
    metrics: ['leadTime'],
    count: ct,
    problem: `${plural(
      ct,
      'deployed change',
    )} had no commit times, so lead time starts at the merge.`,
    fix: 'Send the commits with their times: GitHub push events carry them; in the generic format commits: [{ sha, at }] on the merged change.',
    examples: [],
  });
  const iw = period.changeFailureRate.incidentsWithoutDeployment;
  add({
    kind: 'incident-without-deployment',
    metrics: ['changeFailureRate'],
    count: iw,
    problem: `${plural(
      iw,
      'production incident',
    )} followed no production deployment of the same entity.`,
    fix: 'Send the deployments of these entities, and check that the incident names the same entity as its deployments.',
    examples: [],
  });
  const ro = period.unlinked.resolvedWithoutOpening;
  add({
    kind: 'incident-resolved-without-opening',
    metrics: ['recoveryTime'],
    count: ro,
    problem: `${plural(
      ro,
      'incident',
    )} resolved without an opening event received, so recovery time cannot be measured for ${is(
      ro,
      'it',
      'them',
    )}.`,
    fix: 'Send the opening as well (incident detected or reported); on GitHub the issue must carry the incident label when it is opened or labelled.',
    examples: [],
  });
  const sample = period.reworkRate?.deployments ?? 0;
  if (period.reworkRate && period.reworkRate.withMarkers === 0)
    add(reworkWithoutMarkers(sample, options));
  return out;
}
