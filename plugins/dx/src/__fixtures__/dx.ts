import type {
  AdoptionMetrics,
  BackfillStatus,
  DoraPeriod,
  DoraResponse,
  EntityScorecard,
  GoldenPathComparison,
  OnboardingMetrics,
  ScorecardRollupResponse,
  SurveyList,
  SurveyResults,
} from '@internal/plugin-dx-common';
import type { DxApi, DxEvent } from '../api';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const period = (
  overrides: Partial<Omit<DoraPeriod, 'perDay'>> = {},
): Omit<DoraPeriod, 'perDay'> => ({
  from: '2026-10-01T00:00:00.000Z',
  to: '2026-10-31T00:00:00.000Z',
  deploymentFrequency: {
    deployments: 30,
    days: 30,
    perDay: 1,
    perWeek: 7,
    excluded: { failed: 0, notProduction: 0 },
    level: 'elite',
  },
  leadTime: {
    changes: 40,
    medianMs: 3 * DAY,
    p90Ms: 8 * DAY,
    deploymentsWithoutChanges: 0,
    notDeployed: 0,
    withoutCommitTimes: 0,
    level: 'high',
  },
  changeFailureRate: {
    deployments: 30,
    failed: 3,
    rate: 0.1,
    incidentsWithoutDeployment: 0,
    level: 'high',
  },
  recoveryTime: {
    incidents: 3,
    medianMs: 5 * HOUR,
    stillOpen: 0,
    level: 'high',
  },
  level: 'high',
  unlinked: { resolvedWithoutOpening: 0 },
  ...overrides,
});

/** The organisation over 30 days: 42 deployments, with what could not be linked. */
export const dora: DoraResponse = {
  scope: { organisation: true },
  from: '2026-10-31T00:00:00.000Z',
  to: '2026-11-30T00:00:00.000Z',
  deploymentFrequency: {
    deployments: 42,
    days: 30,
    perDay: 1.4,
    perWeek: 9.8,
    excluded: { failed: 3, notProduction: 5 },
    level: 'elite',
  },
  leadTime: {
    changes: 57,
    medianMs: 2.5 * DAY,
    p90Ms: 6 * DAY,
    deploymentsWithoutChanges: 4,
    notDeployed: 6,
    withoutCommitTimes: 2,
    level: 'high',
  },
  changeFailureRate: {
    deployments: 42,
    failed: 5,
    rate: 5 / 42,
    incidentsWithoutDeployment: 2,
    level: 'medium',
  },
  recoveryTime: {
    incidents: 5,
    medianMs: 3 * HOUR,
    stillOpen: 1,
    level: 'high',
  },
  level: 'medium',
  perDay: [
    { day: '2026-11-27', deployments: 2 },
    { day: '2026-11-28', deployments: 0 },
    { day: '2026-11-29', deployments: 3 },
  ],
  unlinked: { resolvedWithoutOpening: 1 },
  reworkRate: {
    deployments: 42,
    rework: 6,
    rate: 6 / 42,
    byReason: { label: 3, branch: 2, incident: 2 },
    withMarkers: 30,
    level: null,
  },
  diagnostics: [
    {
      kind: 'deployment-not-production',
      metrics: [
        'deploymentFrequency',
        'leadTime',
        'changeFailureRate',
        'reworkRate',
      ],
      count: 5,
      problem:
        '5 successful deployments went to an environment that is not production (prd ×5) and are not counted.',
      fix: 'If one of these environments is production, add its name to dx.dora.productionEnvironments (now production, prod).',
      examples: ['generic:deploy-prd-1', 'generic:deploy-prd-2'],
    },
    {
      kind: 'deployment-without-commit-sha',
      metrics: ['leadTime', 'reworkRate'],
      count: 4,
      problem:
        '4 production deployments shipped no change we know of and carry no commit SHA to find one by.',
      fix: 'Send the deployed commit with each deployment: commitSha in the generic format (CDEvents service events carry none; GitHub deployments always do).',
      examples: [
        'cdevents:ci:deploy-1',
        'cdevents:very-long-source-name-of-a-ci-system-without-any-break:deploy-2',
      ],
    },
    {
      kind: 'incident-without-deployment',
      metrics: ['changeFailureRate'],
      count: 2,
      problem:
        '2 production incidents followed no production deployment of their entity within 7 days, so they fail no deployment.',
      fix: 'Send the deployments of these entities, and check that the incident names the same entity as its deployments.',
      examples: ['component:default/checkout#INC-7'],
    },
  ],
  previous: {
    ...period(),
    reworkRate: {
      deployments: 30,
      rework: 3,
      rate: 0.1,
      byReason: { label: 3, branch: 0, incident: 0 },
      withMarkers: 30,
      level: null,
    },
  },
};

/** The rows of {@link dora} (`rows=true`). */
export const doraRows: DoraResponse = {
  ...dora,
  leadTime: {
    ...dora.leadTime,
    rows: [
      {
        changeId: 'pr-101',
        entityRef: 'component:default/checkout',
        deploymentId: 'deploy-7',
        startedAt: '2026-11-20T10:00:00.000Z',
        deployedAt: '2026-11-22T22:00:00.000Z',
        leadTimeMs: 2.5 * DAY,
      },
    ],
  },
  changeFailureRate: {
    ...dora.changeFailureRate,
    rows: [
      {
        deploymentId: 'deploy-7',
        entityRef: 'component:default/checkout',
        deployedAt: '2026-11-22T22:00:00.000Z',
        failedBy: {
          kind: 'incident',
          id: 'inc-3',
          at: '2026-11-23T01:00:00.000Z',
        },
      },
    ],
  },
  recoveryTime: {
    ...dora.recoveryTime,
    rows: [
      {
        incidentId: 'inc-3',
        entityRef: 'component:default/checkout',
        openedAt: '2026-11-23T01:00:00.000Z',
        resolvedAt: '2026-11-23T04:00:00.000Z',
        durationMs: 3 * HOUR,
      },
    ],
  },
};

/** A range without any deployment. */
export const emptyDora: DoraResponse = {
  ...dora,
  deploymentFrequency: {
    deployments: 0,
    days: 30,
    perDay: 0,
    perWeek: 0,
    excluded: { failed: 0, notProduction: 0 },
    level: null,
  },
  leadTime: {
    changes: 0,
    medianMs: null,
    p90Ms: null,
    deploymentsWithoutChanges: 0,
    notDeployed: 0,
    withoutCommitTimes: 0,
    level: null,
  },
  changeFailureRate: {
    deployments: 0,
    failed: 0,
    rate: null,
    incidentsWithoutDeployment: 0,
    level: null,
  },
  recoveryTime: { incidents: 0, medianMs: null, stillOpen: 0, level: null },
  level: null,
  perDay: [],
  unlinked: { resolvedWithoutOpening: 0 },
  reworkRate: {
    deployments: 0,
    rework: 0,
    rate: null,
    byReason: { label: 0, branch: 0, incident: 0 },
    withMarkers: 0,
    level: null,
  },
  diagnostics: [],
};

export const deploymentEvent: DxEvent = {
  id: '17',
  key: 'generic:deploy-7',
  source: 'generic',
  type: 'generic.deployment',
  kind: 'deployment',
  action: 'deployed',
  occurredAt: '2026-11-22T22:00:00.000Z',
  receivedAt: '2026-11-22T22:00:01.000Z',
  entityRef: 'component:default/checkout',
  environment: 'production',
  outcome: 'success',
  commitSha: '9f1c2e4aa',
  title: 'Release <b>42</b>',
};

export const incidentEvent: DxEvent = {
  id: '18',
  key: 'generic:inc-3',
  source: 'generic',
  type: 'generic.incident',
  kind: 'incident',
  action: 'detected',
  occurredAt: '2026-11-23T01:00:00.000Z',
  receivedAt: '2026-11-23T01:00:01.000Z',
  entityRef: 'component:default/checkout',
  environment: 'production',
  title: 'Checkout returns 500',
};

export const goldenPaths: GoldenPathComparison = {
  from: dora.from,
  to: dora.to,
  goldenPath: { ...dora, entities: 12 },
  others: { ...dora, ...period({ level: 'low' }), perDay: [] },
};

export const adoption: AdoptionMetrics = {
  components: 40,
  fromGoldenPath: { count: 12, of: 40, share: 0.3 },
  onNewestTemplateVersion: { count: 9, of: 12, share: 0.75 },
  withSlo: { count: 20, of: 40, share: 0.5 },
  withOwner: { count: 38, of: 40, share: 0.95 },
  gates: {
    requested: 8,
    approved: 5,
    rejected: 1,
    pending: 2,
    medianWaitMs: 2 * HOUR,
    p90WaitMs: 20 * HOUR,
  },
  provisioning: {
    runs: 14,
    completed: 12,
    failed: 2,
    medianMs: 4 * 60_000,
    p95Ms: 9 * 60_000,
  },
};

export const onboarding: OnboardingMetrics = {
  users: 3,
  firstChange: { reached: 2, medianMs: 4 * DAY },
  firstDeployment: { reached: 1, medianMs: 9 * DAY },
  rows: [
    {
      userRef: 'user:default/ada',
      firstSeenAt: '2026-11-01T09:00:00.000Z',
      firstChangeAt: '2026-11-05T09:00:00.000Z',
      firstDeploymentAt: '2026-11-10T09:00:00.000Z',
    },
  ],
};

export const rollup: ScorecardRollupResponse = {
  items: [
    {
      scorecardId: 'production-readiness',
      title: 'Production readiness',
      levels: ['bronze', 'silver', 'gold'],
      entities: 10,
      byLevel: { none: 2, bronze: 3, silver: 4, gold: 1 },
      score: 0.72,
      failing: [
        { id: 'has-slo', title: 'Has an SLO', level: 'silver', entities: 5 },
      ],
      trend: [
        {
          day: '2026-11-01',
          entities: 10,
          byLevel: { none: 4, bronze: 3, silver: 3, gold: 0 },
          score: 0.6,
        },
        {
          day: '2026-11-29',
          entities: 10,
          byLevel: { none: 2, bronze: 3, silver: 4, gold: 1 },
          score: 0.72,
        },
      ],
    },
  ],
  teams: [
    {
      owner: 'group:default/team-a',
      items: [
        {
          scorecardId: 'production-readiness',
          title: 'Production readiness',
          levels: ['bronze', 'silver', 'gold'],
          owner: 'group:default/team-a',
          entities: 4,
          byLevel: { none: 0, bronze: 1, silver: 2, gold: 1 },
          score: 0.85,
          failing: [],
          trend: [],
        },
      ],
    },
  ],
};

export const checkoutScorecard: EntityScorecard = {
  scorecardId: 'production-readiness',
  title: 'Production readiness',
  entityRef: 'component:default/checkout',
  owner: 'group:default/team-a',
  level: 'bronze',
  levels: ['bronze', 'silver', 'gold'],
  score: 0.5,
  evaluatedAt: '2026-11-29T06:00:00.000Z',
  checks: [
    {
      id: 'owner-exists',
      title: 'Owner exists',
      level: 'bronze',
      status: 'pass',
      detail: 'owned by Team A, in the catalog',
    },
    {
      id: 'has-slo',
      title: 'Has an SLO',
      level: 'silver',
      status: 'fail',
      detail: 'no SLO is defined',
      fix: 'Add an OpenSLO file slo.yaml next to catalog-info.yaml',
    },
    {
      id: 'newest-template-version',
      title: 'On the newest template version',
      level: 'gold',
      status: 'n/a',
      detail: 'not made from a template',
    },
    {
      id: 'has-docs',
      title: 'Has docs',
      level: 'silver',
      status: 'pass',
      detail: 'README stored at ingestion',
    },
  ],
};

export const surveys: SurveyList = {
  minGroupSize: 5,
  items: [
    {
      id: 'quarterly',
      title: 'Developer experience, this quarter',
      description: 'Two questions, one minute.',
      trigger: 'portal',
      period: 'quarter',
      answeredThisPeriod: false,
      questions: [
        {
          id: 'satisfaction',
          text: 'How easy is it to ship a change?',
          type: 'scale',
          required: true,
        },
        { id: 'comment', text: 'What slows you down?', type: 'text' },
      ],
    },
    {
      id: 'tools',
      title: 'Tooling',
      trigger: 'portal',
      answeredThisPeriod: true,
      questions: [
        { id: 'tools', text: 'How good are the tools?', type: 'scale' },
      ],
    },
    {
      id: 'golden-path',
      title: 'Your golden-path run',
      trigger: 'golden-path',
      answeredThisPeriod: false,
      questions: [
        {
          id: 'ease',
          text: 'How easy was it to get your service running?',
          type: 'scale',
          required: true,
        },
      ],
    },
  ],
};

export const visibleResults: SurveyResults = {
  surveyId: 'quarterly',
  title: 'Developer experience, this quarter',
  respondents: 12,
  minGroupSize: 5,
  hidden: false,
  questions: [
    {
      id: 'satisfaction',
      text: 'How easy is it to ship a change?',
      type: 'scale',
      responses: 12,
      mean: 3.75,
      distribution: [1, 1, 2, 4, 4],
    },
    {
      id: 'comment',
      text: 'What slows you down?',
      type: 'text',
      responses: 2,
      comments: ['<img src=x onerror=alert(1)> reviews', 'flaky CI'],
    },
  ],
  trend: [
    { week: '2026-W46', respondents: 6, mean: 3.5 },
    { week: '2026-W47', respondents: 6, mean: 4 },
  ],
};

export const hiddenResults: SurveyResults = {
  surveyId: 'tools',
  title: 'Tooling',
  respondents: 3,
  minGroupSize: 5,
  hidden: true,
  questions: [],
  trend: [],
};

export const goldenPathResults: SurveyResults = {
  surveyId: 'golden-path',
  title: 'Your golden-path run',
  respondents: 9,
  minGroupSize: 5,
  hidden: false,
  questions: [
    {
      id: 'ease',
      text: 'How easy was it to get your service running?',
      type: 'scale',
      responses: 9,
      mean: 4.2,
      distribution: [0, 0, 1, 5, 3],
    },
  ],
  trend: [],
  byProvisioningTime: [
    { bucket: 'under 5 min', respondents: 6, mean: 4.5 },
    { bucket: '5 min or more', respondents: 3, mean: null },
  ],
};

/** A fake of the whole API answering from the fixtures; override any method. */
/** A finished backfill of a GitHub organisation. */
export const backfill: BackfillStatus = {
  sources: ['acme-github'],
  runs: [
    {
      id: '1',
      sourceId: 'acme-github',
      from: '2026-09-08T10:00:00.000Z',
      to: '2026-12-07T10:00:00.000Z',
      state: 'done',
      requestedBy: 'first start',
      createdAt: '2026-12-07T10:00:00.000Z',
      finishedAt: '2026-12-07T10:04:00.000Z',
      repositories: { total: 12, done: 12, failed: 0 },
      events: 1840,
      pages: 96,
      failures: [],
    },
  ],
};

export function fakeDxApi(overrides: Partial<DxApi> = {}): jest.Mocked<DxApi> {
  const results: Record<string, SurveyResults> = {
    quarterly: visibleResults,
    tools: hiddenResults,
    'golden-path': goldenPathResults,
  };
  const base: DxApi = {
    getDora: async q => {
      let scope: DoraResponse['scope'] = { organisation: true };
      if (q.entityRef) scope = { entityRef: q.entityRef };
      else if (q.owner) scope = { owner: q.owner, entities: 3 };
      return { ...(q.rows ? doraRows : dora), scope };
    },
    getDoraCsv: async () => 'metric,value\n',
    getDoraCsvUrl: async () => 'http://backend.test/api/dx/metrics/dora.csv',
    getCsv: async () => 'metric,value\n',
    getCsvUrl: async (
      path: string,
      query: Record<string, string | undefined>,
    ) =>
      `http://backend.test/api/dx${path}?${new URLSearchParams(
        Object.entries(query).filter(
          (e): e is [string, string] => e[1] !== undefined,
        ),
      )}`,
    getGoldenPaths: async () => goldenPaths,
    getAdoption: async q =>
      q.rows
        ? {
            ...adoption,
            rows: [
              {
                entityRef: 'component:default/checkout',
                owner: 'group:default/team-a',
                goldenPath: true,
                template: 'template:default/service',
                templateVersion: '1.2.0',
                newestVersion: '1.3.0',
                slo: false,
                ownerExists: true,
              },
            ],
          }
        : adoption,
    getOnboarding: async () => onboarding,
    getEntityScorecards: async () => [checkoutScorecard],
    getScorecardRollup: async () => rollup,
    listEvents: async (f = {}) =>
      f.kind === 'incident' ? [incidentEvent] : [deploymentEvent],
    getUnmappedEvents: async () => [
      {
        reason: 'no entity with repository acme/legacy',
        kind: 'deployment',
        events: 7,
      },
    ],
    getBackfill: async () => backfill,
    listSurveys: async () => surveys,
    submitSurveyResponse: async () => undefined,
    getSurveyResults: async id => results[id],
  };
  const api: Record<string, unknown> = {};
  for (const key of Object.keys(base) as Array<keyof DxApi>) {
    const impl = overrides[key] ?? base[key];
    api[key] = jest.isMockFunction(impl)
      ? impl
      : jest.fn(impl as (...args: any[]) => any);
  }
  return api as unknown as jest.Mocked<DxApi>;
}
