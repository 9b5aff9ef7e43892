/**
 * What each number of the DX dashboards means, in words, where its data
 * comes from, and how published tools differ: shown next to each number and
 * in full on the DX page (`/dx?tab=definitions`). docs/metrics.md holds the
 * same definitions with every detail.
 */
export interface MetricDefinition {
  /** Anchor: `/dx?tab=definitions#<id>`. */
  id: string;
  title: string;
  definition: string;
  /** Where the data comes from. */
  source: string;
  /** How other tools count it, where they differ. */
  compared?: string;
}

export const METRIC_DEFINITIONS: MetricDefinition[] = [
  {
    id: 'deployment-frequency',
    title: 'Deployment frequency',
    definition:
      'Successful deployments to a production environment (production or prod, without case) that finished in the range, per day and per week. Failed deployments and deployments to other environments are counted apart. Level: elite at 1 a day or more, high at 1 a week, medium at 1 a month.',
    source:
      'Deployment events: CDEvents service.deployed/upgraded, GitHub deployment_status, generic deployments.',
  },
  {
    id: 'lead-time',
    title: 'Lead time for changes',
    definition:
      'For each change (a merged pull request or a push to the default branch; the two of one commit are one change), from its first commit (or, without commit times, its merge) to the first successful production deployment of the same entity at or after its merge. Counted for the deployments in the range; median (mean of the middle two) and p90 (nearest rank). Level: elite under 1 day, high under 1 week, medium under 30 days.',
    source:
      'Change events (CDEvents change.merged, GitHub push and pull_request closed+merged, generic changes) and deployment events.',
    compared:
      'Four Keys and DevLake also start at the first commit; DevLake documents a mean where its SQL takes a median. Ours is the median.',
  },
  {
    id: 'change-failure-rate',
    title: 'Change failure rate',
    definition:
      'Of the successful production deployments in the range, the share followed by a production incident or a rollback of the same entity before its next production deployment and within 7 days. Level: elite up to 5 %, high up to 10 %, medium up to 15 %.',
    source:
      'Deployment, rollback (CDEvents service.rolledback) and incident events (CDEvents incident.detected/reported, GitHub issues labelled incident, generic incidents).',
    compared:
      'Divided by deployments, as DORA and DevLake do; Four Keys divides by changes.',
  },
  {
    id: 'recovery-time',
    title: 'Failed deployment recovery time',
    definition:
      'For production incidents resolved in the range, the time from opened to resolved; median (mean of the middle two). Incidents still open are shown beside it. Level: elite under 1 hour, high under 1 day, medium under 1 week.',
    source: 'Incident events: opened (detected/reported) and resolved.',
  },
  {
    id: 'rework-rate',
    title: 'Deployment rework rate',
    definition:
      "DORA's fifth key (2024): of the successful production deployments in the range, the share that was unplanned and made to fix a user-facing problem in production. A deployment is rework when it or a change it shipped carries a rework label (dx.dora.rework.labels, default rework and hotfix), when its branch or a shipped change's head branch matches dx.dora.rework.branchPattern (default ^hotfix[/-]), or, with linkedIncidents (default on), when it is the first production deployment after a production incident of the same entity opened (within the failure window, the incident still open) or shipped a change naming a known incident. No level: the report gives no elite/high/medium bounds for it, so it is shown without one and left out of the overall level. Not in the daily roll-ups: computed from the events.",
    source:
      'Deployment events with labels or a branch (generic labels and branch, GitHub deployment ref, CDEvents customData.labels and customData.branch), change events with labels, head branch and the incident they fix (GitHub pull_request labels, head ref and "fixes #12"), incident events.',
    compared:
      'Apache DevLake does not compute it (apache/devlake#8730); Four Keys predates it.',
  },
  {
    id: 'dora-diagnostics',
    title: 'Why this number',
    definition:
      'Beside each number, what is missing and how to fix it: production deployments no change could be linked to (with the reason: no change received for the entity, no commit SHA, a commit seen only off the default branch, a commit in no change such as a squash merge sent without its merge commit, or a redeployment), deployments to environments that are not production, changes without commit times, incidents linked to no deployment, resolutions without an opening, events that map to no entity (organisation only), and clock skew (a change merged after the deployment that has its commit, an incident resolved before it opened, events from the future). Each with a count, a fix and a few example ids; from the daily roll-ups only the counts.',
    source: 'The same events as the numbers; GET /api/dx/events/unmapped.',
  },
  {
    id: 'dora-level',
    title: 'DORA performance level',
    definition:
      'Per metric, from the boundaries of the 2023 Accelerate State of DevOps Report clusters; the overall level is the lowest of the four. A metric without data has no level.',
    source: 'The four keys above.',
  },
  {
    id: 'rollups',
    title: 'Exact numbers and daily roll-ups',
    definition:
      'Whole UTC days with more than 500 records are added up from daily roll-ups of each entity: counts exact, lead and recovery times within 1 %. Smaller samples, drill-downs and other time zones are computed exactly from the events.',
    source: 'The stored events, rolled up every minute.',
  },
  {
    id: 'golden-path-share',
    title: 'From a golden path',
    definition:
      'Components carrying the portal.dev/template annotation (written by the golden-path templates), out of all components of the scope.',
    source: 'The catalog.',
  },
  {
    id: 'newest-template-version',
    title: 'On the newest template version',
    definition:
      "Of the components made from a template, those whose portal.dev/template-version equals their template's newest version.",
    source: 'The catalog and the golden-paths backend (template versions).',
  },
  {
    id: 'slo-share',
    title: 'With an SLO',
    definition: 'Components with at least one SLO defined.',
    source: 'The SLO backend.',
  },
  {
    id: 'owner-share',
    title: 'With an owner',
    definition:
      'Components whose spec.owner is a Group or User that exists in the catalog.',
    source: 'The catalog.',
  },
  {
    id: 'gates',
    title: 'Golden gates',
    definition:
      'Gate requests created in the range by their status now, and the median and p90 wait from request to decision of the decided ones.',
    source: 'The golden-paths backend.',
  },
  {
    id: 'provisioning',
    title: 'Provisioning runs and time',
    definition:
      'Golden-path runs started in the range; the median and p95 (nearest rank) duration of the completed ones. Organisation-wide.',
    source: 'The golden-paths backend (each scaffolder task it recorded).',
  },
  {
    id: 'scorecards',
    title: 'Scorecard level and score',
    definition:
      'A component reaches a level when every check of that level and of all lower levels passes (n/a counts as passing); its score is the share of checks passing. Roll-ups count components per level on the latest day evaluated, and the trend has one point per day.',
    source:
      'Rules as data (scorecards/production-readiness.yaml) over the catalog, SLOs, template versions, repository docs, SBOMs and deployments, evaluated hourly.',
  },
  {
    id: 'onboarding',
    title: 'Onboarding time',
    definition:
      "From a User's first appearance in the catalog (or portal.dev/joined-at) to their first merged change and first successful deployment, matched by login or e-mail; median over those who got there. Users present at the portal's first sync are left out.",
    source: 'The catalog (Users) and change and deployment events (actor).',
  },
  {
    id: 'surveys',
    title: 'Survey results',
    definition:
      'Answers on a 1 to 5 scale (mean and count per score) and free text, anonymous: stored with the groups of the person, not the person. Any part with fewer respondents than the minimum group size is hidden. Golden-path answers are shown by the provisioning time of their run.',
    source: 'In-portal surveys (dx.surveys).',
  },
];
