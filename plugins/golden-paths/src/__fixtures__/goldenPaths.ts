import type {
  GateAuditEntry,
  GateMetrics,
  GateRequest,
  GoldenPathRun,
  TemplateVersionSummary,
  UpgradeMetrics,
  UpgradeProposal,
} from '@internal/plugin-golden-paths-common';

const minutesAgo = (minutes: number) =>
  new Date(Date.now() - minutes * 60_000).toISOString();

/** A pending request of bob, as a reviewer sees it in the queue. */
export const pendingGate: GateRequest = {
  id: 'g1',
  taskId: 'task-1',
  templateRef: 'template:default/postgres-database',
  templateVersion: '1.2.0',
  requester: 'user:default/bob',
  parameters: {
    name: 'orders-db',
    storageGb: 250,
    highAvailability: true,
    costCenter: 'cc-42',
  },
  reasons: [
    {
      gate: 'large-database',
      parameter: 'storageGb',
      reason:
        'Databases above 100 GB need a capacity review (storageGb 250 is above the maximum of 100)',
      value: 250,
    },
    {
      gate: 'high-availability-database',
      parameter: 'highAvailability',
      reason:
        'Highly available databases double the cost (highAvailability true is not allowed)',
      value: true,
    },
  ],
  status: 'pending',
  createdAt: minutesAgo(120),
};

/** The user's (alice's) own requests: one waits, one approved, one rejected. */
export const myPendingGate: GateRequest = {
  ...pendingGate,
  id: 'g2',
  taskId: 'task-2',
  requester: 'user:default/alice',
  parameters: { name: 'billing-db', storageGb: 500 },
  reasons: [pendingGate.reasons[0]],
  createdAt: minutesAgo(30),
  reviewers: 'the Platform Team',
};

export const myApprovedGate: GateRequest = {
  ...pendingGate,
  id: 'g3',
  taskId: 'task-3',
  requester: 'user:default/alice',
  parameters: { name: 'ledger-db', storageGb: 250 },
  approvedParameters: { name: 'ledger-db', storageGb: 100 },
  reasons: [pendingGate.reasons[0]],
  status: 'approved',
  createdAt: minutesAgo(3000),
  decidedAt: minutesAgo(2900),
  decidedBy: 'user:default/carol',
  comment: '100 GB is enough to start with',
};

export const myRejectedGate: GateRequest = {
  ...pendingGate,
  id: 'g4',
  taskId: 'task-4',
  templateRef: 'template:default/k8s-namespace',
  requester: 'user:default/alice',
  parameters: { name: 'batch', cpu: 48 },
  reasons: [
    {
      gate: 'large-namespace',
      parameter: 'cpu',
      reason:
        'Namespaces above 16 cores need a capacity review (cpu 48 is above the maximum of 16)',
      value: 48,
    },
  ],
  status: 'rejected',
  createdAt: minutesAgo(5000),
  decidedAt: minutesAgo(4000),
  decidedBy: 'user:default/carol',
  comment: 'Use the shared batch cluster',
};

export const approvedAudit: GateAuditEntry[] = [
  {
    id: 1,
    gateId: 'g3',
    actor: 'user:default/alice',
    action: 'requested',
    at: '2026-11-20T09:00:00.000Z',
  },
  {
    id: 2,
    gateId: 'g3',
    actor: 'user:default/carol',
    action: 'approved',
    at: '2026-11-20T10:40:00.000Z',
    comment: '100 GB is enough to start with',
    changes: { storageGb: { from: 250, to: 100 } },
  },
];

export const metrics: GateMetrics = {
  requested: 12,
  pending: 2,
  approved: 8,
  rejected: 2,
  medianWaitMs: (2 * 60 + 5) * 60_000,
  p90WaitMs: 26 * 3_600_000,
};

export const completedRun: GoldenPathRun = {
  taskId: 'task-10',
  templateRef: 'template:default/typescript-service',
  templateVersion: '1.0.0',
  requester: 'user:default/alice',
  status: 'completed',
  createdAt: minutesAgo(90),
  finishedAt: minutesAgo(88),
  durationMs: 95_000,
  attempts: 1,
};

export const failedRun: GoldenPathRun = {
  taskId: 'task-11',
  templateRef: 'template:default/typescript-service',
  templateVersion: '1.0.0',
  requester: 'user:default/alice',
  status: 'failed',
  createdAt: minutesAgo(60),
  finishedAt: minutesAgo(59),
  durationMs: 4_200,
  attempts: 2,
  failedStep: 'publish',
  failureReason: 'the repository orders-api already exists',
};

export const waitingRun: GoldenPathRun = {
  taskId: 'task-2',
  templateRef: 'template:default/postgres-database',
  templateVersion: '1.2.0',
  requester: 'user:default/alice',
  status: 'awaiting-approval',
  createdAt: myPendingGate.createdAt,
  finishedAt: myPendingGate.createdAt,
  attempts: 1,
  gateId: 'g2',
  waitingSince: myPendingGate.createdAt,
  reviewers: 'the Platform Team',
};

/** Approved, and not continued yet. */
export const approvedRun: GoldenPathRun = {
  ...waitingRun,
  taskId: 'task-3',
  status: 'approved',
  gateId: 'g3',
  waitingSince: undefined,
};

/** Approved, and continued as task-31 (its own run). */
export const continuedRun: GoldenPathRun = {
  ...approvedRun,
  taskId: 'task-30',
  status: 'continued',
  continuedTaskId: 'task-31',
};

export const rejectedRun: GoldenPathRun = {
  ...waitingRun,
  taskId: 'task-4',
  templateRef: 'template:default/k8s-namespace',
  status: 'rejected',
  gateId: 'g4',
  waitingSince: undefined,
};

export const templateVersions: TemplateVersionSummary[] = [
  {
    templateRef: 'template:default/typescript-service',
    title: 'TypeScript HTTP service',
    latestVersion: '2.1.0',
    versions: [
      { version: '2.1.0', components: 3 },
      { version: '2.0.0', components: 2 },
      { version: '1.0.0', components: 1 },
    ],
    behind: [
      {
        entityRef: 'component:default/legacy-api',
        version: '1.0.0',
        owner: 'group:default/team-a',
      },
      {
        entityRef: 'component:default/orders-api',
        version: '2.0.0',
        owner: 'group:default/team-b',
      },
      { entityRef: 'component:default/ownerless', version: '2.0.0' },
    ],
  },
  {
    templateRef: 'template:default/postgres-database',
    title: 'PostgreSQL database',
    latestVersion: '1.2.0',
    versions: [],
    behind: [],
  },
];

/**
 * orders-api (2.0.0) waits for review of its upgrade to 2.1.0: a GitHub
 * pull request.
 */
export const openUpgrade: UpgradeProposal = {
  id: 'u1',
  entityRef: 'component:default/orders-api',
  templateRef: 'template:default/typescript-service',
  fromVersion: '2.0.0',
  toVersion: '2.1.0',
  state: 'open',
  host: 'github',
  repository: 'acme/orders-api',
  branch: 'portal/upgrade-typescript-service-2.1.0',
  baseBranch: 'main',
  url: 'https://github.com/acme/orders-api/pull/42',
  number: 42,
  changed: [
    { path: '.github/workflows/ci.yaml', change: 'modified' },
    { path: 'src/health.ts', change: 'added' },
  ],
  conflicts: [],
  notes: [
    {
      version: '2.1.0',
      summary: 'Node 22 and a readiness endpoint',
      needsPerson: false,
    },
  ],
  needsPerson: false,
  requestedBy: 'user:default/alice',
  createdAt: minutesAgo(600),
  updatedAt: minutesAgo(600),
};

/**
 * ownerless (2.0.0): a branch of its local repository, with a file left
 * for people.
 */
export const conflictingUpgrade: UpgradeProposal = {
  ...openUpgrade,
  id: 'u2',
  entityRef: 'component:default/ownerless',
  state: 'conflicts',
  host: 'local',
  repository: '/data/repos/ownerless.git',
  url: 'git:/data/repos/ownerless.git#portal/upgrade-typescript-service-2.1.0',
  number: undefined,
  conflicts: [
    { path: 'package.json', reason: 'changed by the service and the template' },
    { path: 'src/index.ts', reason: 'changed by the service and the template' },
  ],
};

/** legacy-api (1.0.0): the proposal could not be made. */
export const failedUpgrade: UpgradeProposal = {
  ...openUpgrade,
  id: 'u3',
  entityRef: 'component:default/legacy-api',
  fromVersion: '1.0.0',
  state: 'failed',
  host: undefined,
  repository: undefined,
  branch: undefined,
  url: undefined,
  number: undefined,
  changed: [],
  error:
    'legacy-api has no source location: there is no repository to propose to',
};

/**
 * legacy-api (1.0.0) waits for its upgrade to 2.1.0, a GitLab merge
 * request; version 2.0.0 on the way needs a person.
 */
export const legacyUpgrade: UpgradeProposal = {
  ...openUpgrade,
  id: 'u4',
  entityRef: 'component:default/legacy-api',
  fromVersion: '1.0.0',
  host: 'gitlab',
  repository: 'acme/legacy-api',
  url: 'https://gitlab.example.com/acme/legacy-api/-/merge_requests/7',
  number: 7,
  notes: [
    {
      version: '2.1.0',
      summary: 'Node 22 and a readiness endpoint',
      needsPerson: false,
    },
    {
      version: '2.0.0',
      summary: 'Configuration moves from .env to app-config.yaml',
      needsPerson: true,
      details: 'Move every variable of `.env` into `app-config.yaml`.',
    },
  ],
  needsPerson: true,
};

export const upgradeMetrics: UpgradeMetrics = {
  from: '2026-09-01T00:00:00.000Z',
  to: '2026-11-30T00:00:00.000Z',
  opened: 12,
  merged: 7,
  closed: 1,
  open: 3,
  withConflicts: 1,
  failed: 1,
  timeToMerge: { medianHours: 30, p90Hours: 120 },
};
