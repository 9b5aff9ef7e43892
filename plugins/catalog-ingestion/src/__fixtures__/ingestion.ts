import type {
  IngestionHealth,
  IngestionProblem,
  IngestionRun,
  IngestionSourceSummary,
} from '@internal/plugin-catalog-ingestion-common';

export const duplicateProblem: IngestionProblem = {
  sourceId: 'local-repos',
  repository: 'payments',
  file: 'catalog-info.yaml',
  line: 14,
  entityRef: 'component:default/payments-api',
  message: 'component:default/payments-api is already defined by ledger',
};

export const partialRun: IngestionRun = {
  id: '41',
  sourceId: 'local-repos',
  trigger: 'schedule',
  startedAt: '2026-11-25T10:00:00.000Z',
  finishedAt: '2026-11-25T10:00:01.234Z',
  durationMs: 1234,
  status: 'partial',
  repositories: 12,
  repositoriesRead: 3,
  entitiesFound: 40,
  added: 2,
  changed: 5,
  removed: 1,
  errorCount: 1,
  errors: [
    {
      sourceId: 'local-repos',
      repository: 'billing',
      file: 'services/invoices/catalog-info.yaml',
      line: 7,
      message: 'YAML error: bad indentation of a mapping entry',
    },
  ],
};

export const failedRun: IngestionRun = {
  id: '40',
  sourceId: 'org-chart',
  trigger: 'webhook',
  repository: 'people',
  startedAt: '2026-11-25T09:30:00.000Z',
  durationMs: 20,
  status: 'failed',
  repositories: 0,
  repositoriesRead: 0,
  entitiesFound: 0,
  added: 0,
  changed: 0,
  removed: 0,
  errorCount: 0,
  errors: [],
  message: 'directory /srv/org does not exist',
};

export const sources: IngestionSourceSummary[] = [
  {
    id: 'local-repos',
    type: 'local',
    target: '/srv/repos',
    repositories: 12,
    entities: 97,
    problems: 1,
    lastRun: partialRun,
    lastSuccessfulRunAt: '2026-11-25T10:00:01.234Z',
  },
  {
    id: 'org-chart',
    type: 'org',
    target: '/srv/org/people.csv',
    repositories: 0,
    entities: 0,
    problems: 0,
    lastRun: failedRun,
  },
];

export const health: IngestionHealth = {
  from: '2026-11-24T10:00:00.000Z',
  to: '2026-11-25T10:00:00.000Z',
  runs: 8,
  good: 6,
  failed: 2,
  successRate: 0.75,
  canary: {
    total: 288,
    visible: 286,
    visibleRate: 286 / 288,
    medianMs: 900,
    p95Ms: 2400,
    last: { startedAt: '2026-11-25T09:58:00.000Z' },
  },
  sources: [
    {
      sourceId: 'local-repos',
      from: '2026-11-24T10:00:00.000Z',
      to: '2026-11-25T10:00:00.000Z',
      runs: 6,
      good: 6,
      failed: 0,
      successRate: 1,
    },
    {
      sourceId: 'org-chart',
      from: '2026-11-24T10:00:00.000Z',
      to: '2026-11-25T10:00:00.000Z',
      runs: 2,
      good: 0,
      failed: 2,
      successRate: 0,
    },
  ],
};
