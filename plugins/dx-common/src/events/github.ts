import { z } from 'zod';
import {
  boundedArray,
  branchName,
  cleanLabels,
  compact,
  describeIssues,
  idValue,
  isObject,
  isoOrEpochTime,
  isoTime,
  MAX_COMMITS,
  nonEmpty,
  quote,
  reject,
  text,
  title,
} from './common';
import type { DxOutcome, NormalizedEvent, NormalizeResult } from './types';

/**
 * GitHub webhooks (the body GitHub posts; the event name is the
 * `X-GitHub-Event` header, the delivery id `X-GitHub-Delivery`). The
 * signature is checked by the receiver, not here.
 *
 * - `push` to the repository's default branch → change `merged`
 *   (commitSha = `after`, commits with their times, title = first line of
 *   the head commit message). Pushes to other branches, tag pushes and
 *   branch or tag deletions → kind `other`, action `pushed`. With
 *   `defaultBranchOnly: false` a push to any branch is `merged`.
 * - `pull_request`: opened → change `created`; closed and merged →
 *   `merged` (commitSha = `merge_commit_sha`); closed unmerged →
 *   `abandoned`; every other action (edited, synchronize, reopened,
 *   ready_for_review, converted_to_draft, labeled, review_requested, ...) →
 *   `updated` (commitSha = the head commit). changeId = the PR number;
 *   labels = the PR's labels; branch = its head branch; incidentId = the
 *   first issue its title or body closes (`fixes #12`), for the rework
 *   rate's linked incidents.
 *   With `defaultBranchOnly` (the default) a PR merged into another branch
 *   than the default one is kind `other`, action `merged`: it has not
 *   landed on the main line yet.
 * - `deployment` → deployment `requested` (environment, commitSha,
 *   deploymentId; branch = its ref unless a tag or a SHA).
 * - `deployment_status`: success / failure / error → `deployed` with that
 *   outcome; queued / pending / in_progress / waiting → `requested` (the
 *   same deploymentId as the deployment event, so the receiver can fold
 *   them); inactive → `removed` (the deployment is no longer live, e.g.
 *   a newer one replaced it); any other state → kind `other`.
 * - `workflow_run`: completed → build `finished` with the outcome of its
 *   conclusion (success and neutral → success; failure and timed_out →
 *   failure; startup_failure → error; cancelled, skipped and stale →
 *   cancelled; action_required → no outcome); requested and in_progress →
 *   `started`.
 * - `issues` with an incident label (`incidentLabels`, default
 *   `['incident']`, compared without case): opened or reopened → incident
 *   `reported`; labeled with an incident label → `reported`; closed →
 *   `resolved`. Every other issue event → kind `other`.
 * - `ping` → kind `other`, action `ping`.
 *
 * Any other event is refused. repository = `repository.full_name`; actor =
 * `sender.login`. occurredAt comes from the payload's own times, in UTC.
 * The key is `github:<event>:<the payload's own ids>` (deployment status
 * id, pull request number, action and update time, push before..after,
 * ...): what the signature covers. `X-GitHub-Delivery` is not signed, so a
 * captured delivery resent with a new delivery id is the same event.
 */

/** The GitHub events the DX metrics read (`ping` is accepted as well). */
export const GITHUB_DX_EVENTS = [
  'push',
  'pull_request',
  'deployment',
  'deployment_status',
  'workflow_run',
  'issues',
] as const;

export interface GithubWebhookOptions {
  /** Issue labels that make an issue an incident; default `['incident']`. */
  incidentLabels?: string[];
  /**
   * Only a push to (or a PR merged into) the default branch is a `merged`
   * change; default true.
   */
  defaultBranchOnly?: boolean;
}

type Options = Required<GithubWebhookOptions>;

/** An event without key and source, and the payload's own id for a key. */
type Mapped = {
  event: Omit<NormalizedEvent, 'key' | 'source'>;
  stableId: string;
};

const action = () =>
  z.string().min(1, 'empty').max(100, 'longer than 100 characters');
const repository = z.object({
  full_name: nonEmpty(),
  default_branch: text().optional(),
  pushed_at: isoOrEpochTime().optional(),
});
const sender = z.object({ login: text() }).nullish();

/** A lookup table's value for its own keys only (not "constructor"). */
const own = <T>(table: Record<string, T>, key: string): T | undefined =>
  Object.hasOwn(table, key) ? table[key] : undefined;

function parse<T extends z.ZodType>(
  schema: T,
  payload: unknown,
): z.infer<T> | string {
  const r = schema.safeParse(payload);
  return r.success ? r.data : describeIssues(r.error.issues);
}

const firstLine = (s: string | null | undefined) => s?.split('\n', 1)[0];

const pushSchema = z.object({
  ref: nonEmpty(),
  before: text().optional(),
  after: nonEmpty(),
  deleted: z.boolean().optional(),
  head_commit: z
    .object({
      id: nonEmpty(),
      timestamp: isoTime(),
      message: text().optional(),
    })
    .nullish(),
  commits: boundedArray(
    z.object({ id: nonEmpty(), timestamp: isoTime().optional() }),
    MAX_COMMITS,
    'commits',
  ).optional(),
  repository,
  sender,
});

function push(payload: unknown, options: Options): Mapped | string {
  const p = parse(pushSchema, payload);
  if (typeof p === 'string') return p;
  const branch = p.ref.startsWith('refs/heads/')
    ? p.ref.slice('refs/heads/'.length)
    : undefined;
  const deleted = p.deleted === true || /^0+$/.test(p.after);
  if (
    branch !== undefined &&
    !deleted &&
    options.defaultBranchOnly &&
    !p.repository.default_branch
  )
    return 'repository.default_branch: missing (needed to tell a push to the default branch)';
  const merged =
    branch !== undefined &&
    !deleted &&
    (!options.defaultBranchOnly || branch === p.repository.default_branch);
  const occurredAt = p.head_commit?.timestamp ?? p.repository.pushed_at;
  if (!occurredAt)
    return 'head_commit.timestamp: missing (and no repository.pushed_at)';
  return {
    event: {
      type: 'github.push',
      kind: merged ? 'change' : 'other',
      action: merged ? 'merged' : 'pushed',
      occurredAt,
      subject: { repository: p.repository.full_name },
      commitSha: deleted ? undefined : p.after,
      commits: (p.commits ?? []).map(c =>
        c.timestamp ? { sha: c.id, at: c.timestamp } : { sha: c.id },
      ),
      actor: p.sender?.login,
      title: title(firstLine(p.head_commit?.message)),
    },
    stableId: `${p.repository.full_name}:${p.ref}:${p.before ?? ''}..${
      p.after
    }`,
  };
}

const pullRequestSchema = z.object({
  action: action(),
  number: z.number().int().nonnegative(),
  pull_request: z.object({
    id: idValue().optional(),
    title: text().nullish(),
    merged: z.boolean().nullish(),
    merged_at: isoTime().nullish(),
    closed_at: isoTime().nullish(),
    created_at: isoTime().optional(),
    updated_at: isoTime(),
    merge_commit_sha: text().nullish(),
    head: z.object({ sha: text(), ref: text().optional() }).optional(),
    base: z.object({ ref: text() }).optional(),
    body: text().nullish(),
    labels: boundedArray(
      z.object({ name: text() }),
      1000,
      'pull_request.labels',
    ).optional(),
  }),
  repository,
  sender,
});

/** The first issue a text closes with a GitHub keyword: `fixes #12` → `12`. */
export function closedIssue(textValue: string): string | undefined {
  const m =
    /\b(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?)\s*:?\s+#(\d{1,12})\b/i.exec(
      textValue.slice(0, 65_536),
    );
  return m?.[1];
}

function pullRequest(payload: unknown, options: Options): Mapped | string {
  const p = parse(pullRequestSchema, payload);
  if (typeof p === 'string') return p;
  const pr = p.pull_request;
  let changeAction = 'updated';
  let occurredAt = pr.updated_at;
  let commitSha = pr.head?.sha;
  if (p.action === 'opened') {
    changeAction = 'created';
    occurredAt = pr.created_at ?? pr.updated_at;
  } else if (p.action === 'closed') {
    const merged = pr.merged === true || !!pr.merged_at;
    changeAction = merged ? 'merged' : 'abandoned';
    occurredAt = (merged ? pr.merged_at : pr.closed_at) ?? pr.updated_at;
    if (merged) commitSha = pr.merge_commit_sha ?? undefined;
  }
  const intoOtherBranch =
    changeAction === 'merged' &&
    options.defaultBranchOnly &&
    !!pr.base?.ref &&
    !!p.repository.default_branch &&
    pr.base.ref !== p.repository.default_branch;
  return {
    event: {
      type: `github.pull_request.${p.action}`,
      kind: intoOtherBranch ? 'other' : 'change',
      action: changeAction,
      occurredAt,
      subject: { repository: p.repository.full_name },
      changeId: String(p.number),
      commitSha,
      actor: p.sender?.login,
      title: title(pr.title),
      labels: cleanLabels(pr.labels?.map(l => l.name)),
      branch: branchName(pr.head?.ref),
      incidentId: closedIssue(`${pr.title ?? ''}\n${pr.body ?? ''}`),
    },
    // A merge happens once: keyed by its time, so the history backfill and
    // the webhook store it once whenever the pull request was updated.
    stableId: `${p.repository.full_name}#${p.number}:${p.action}:${
      changeAction === 'merged' ? occurredAt : pr.updated_at
    }`,
  };
}

const deploymentObject = z.object({
  id: idValue(),
  sha: nonEmpty(),
  ref: text().optional(),
  task: text().optional(),
  environment: nonEmpty(),
  description: text().nullish(),
  created_at: isoTime(),
});

const deploymentSchema = z.object({
  action: action().optional(),
  deployment: deploymentObject,
  repository,
  sender,
});

function deployment(payload: unknown): Mapped | string {
  const p = parse(deploymentSchema, payload);
  if (typeof p === 'string') return p;
  const d = p.deployment;
  return {
    event: {
      type: `github.deployment.${p.action ?? 'created'}`,
      kind: 'deployment',
      action: 'requested',
      occurredAt: d.created_at,
      subject: { repository: p.repository.full_name },
      environment: d.environment,
      commitSha: d.sha,
      deploymentId: d.id,
      actor: p.sender?.login,
      title: title(d.description),
      branch: branchName(d.ref),
    },
    stableId: d.id,
  };
}

const deploymentStatusSchema = z.object({
  action: action().optional(),
  deployment_status: z.object({
    id: idValue(),
    state: action(),
    environment: text().optional(),
    description: text().nullish(),
    created_at: isoTime(),
    updated_at: isoTime().optional(),
  }),
  deployment: deploymentObject,
  repository,
  sender,
});

const DEPLOYMENT_STATES: Record<
  string,
  { action: string; outcome?: DxOutcome }
> = {
  success: { action: 'deployed', outcome: 'success' },
  failure: { action: 'deployed', outcome: 'failure' },
  error: { action: 'deployed', outcome: 'error' },
  queued: { action: 'requested' },
  pending: { action: 'requested' },
  in_progress: { action: 'requested' },
  waiting: { action: 'requested' },
  inactive: { action: 'removed' },
};

function deploymentStatus(payload: unknown): Mapped | string {
  const p = parse(deploymentStatusSchema, payload);
  if (typeof p === 'string') return p;
  const s = p.deployment_status;
  const d = p.deployment;
  const mapped = own(DEPLOYMENT_STATES, s.state);
  return {
    event: {
      type: `github.deployment_status.${p.action ?? 'created'}`,
      kind: mapped ? 'deployment' : 'other',
      action: mapped?.action ?? s.state,
      outcome: mapped?.outcome,
      occurredAt: s.updated_at ?? s.created_at,
      subject: { repository: p.repository.full_name },
      environment: s.environment || d.environment,
      commitSha: d.sha,
      deploymentId: d.id,
      actor: p.sender?.login,
      title: title(s.description || d.description),
      branch: branchName(d.ref),
    },
    stableId: s.id,
  };
}

const workflowRunSchema = z.object({
  action: action(),
  workflow_run: z.object({
    id: idValue(),
    name: text().nullish(),
    display_title: text().nullish(),
    conclusion: text().nullish(),
    head_sha: text().optional(),
    run_attempt: z.number().int().optional(),
    updated_at: isoTime(),
  }),
  repository,
  sender,
});

const CONCLUSIONS: Record<string, DxOutcome | undefined> = {
  success: 'success',
  neutral: 'success',
  failure: 'failure',
  timed_out: 'failure',
  startup_failure: 'error',
  cancelled: 'cancelled',
  skipped: 'cancelled',
  stale: 'cancelled',
};

const RUN_ACTIONS: Record<string, string> = {
  completed: 'finished',
  requested: 'started',
  in_progress: 'started',
};

function workflowRun(payload: unknown): Mapped | string {
  const p = parse(workflowRunSchema, payload);
  if (typeof p === 'string') return p;
  const run = p.workflow_run;
  const buildAction = own(RUN_ACTIONS, p.action);
  return {
    event: {
      type: `github.workflow_run.${p.action}`,
      kind: buildAction ? 'build' : 'other',
      action: buildAction ?? p.action,
      outcome:
        buildAction === 'finished' && run.conclusion
          ? own(CONCLUSIONS, run.conclusion)
          : undefined,
      occurredAt: run.updated_at,
      subject: { repository: p.repository.full_name },
      commitSha: run.head_sha,
      actor: p.sender?.login,
      title: title(run.name || run.display_title),
    },
    stableId: `${run.id}:${run.run_attempt ?? 1}:${p.action}`,
  };
}

const labelSchema = z.object({ name: text() });
const issuesSchema = z.object({
  action: action(),
  issue: z.object({
    number: z.number().int().nonnegative(),
    title: text().nullish(),
    labels: boundedArray(labelSchema, 1000, 'labels').optional(),
    created_at: isoTime(),
    updated_at: isoTime().optional(),
    closed_at: isoTime().nullish(),
  }),
  label: labelSchema.nullish(),
  repository,
  sender,
});

function issues(payload: unknown, options: Options): Mapped | string {
  const p = parse(issuesSchema, payload);
  if (typeof p === 'string') return p;
  const i = p.issue;
  const wanted = new Set(
    options.incidentLabels.map(l => l.trim().toLowerCase()),
  );
  const isIncidentLabel = (name: string | undefined) =>
    name !== undefined && wanted.has(name.trim().toLowerCase());
  const incident = (i.labels ?? []).some(l => isIncidentLabel(l.name));
  const updated = i.updated_at ?? i.created_at;
  let incidentAction: string | undefined;
  let occurredAt = updated;
  if (incident && p.action === 'opened') {
    incidentAction = 'reported';
    occurredAt = i.created_at;
  } else if (incident && p.action === 'reopened') {
    incidentAction = 'reported';
  } else if (p.action === 'labeled' && isIncidentLabel(p.label?.name)) {
    incidentAction = 'reported';
  } else if (incident && p.action === 'closed') {
    incidentAction = 'resolved';
    occurredAt = i.closed_at ?? updated;
  }
  return {
    event: {
      type: `github.issues.${p.action}`,
      kind: incidentAction ? 'incident' : 'other',
      action: incidentAction ?? p.action,
      occurredAt,
      subject: { repository: p.repository.full_name },
      incidentId: incidentAction ? String(i.number) : undefined,
      actor: p.sender?.login,
      title: title(i.title),
    },
    stableId: `${p.repository.full_name}#${i.number}:${p.action}:${
      p.label?.name ?? ''
    }:${occurredAt}`,
  };
}

const pingSchema = z.object({
  hook_id: idValue().optional(),
  hook: z
    .object({
      id: idValue().optional(),
      created_at: isoTime().optional(),
      updated_at: isoTime().optional(),
    })
    .nullish(),
  repository: z.object({ full_name: nonEmpty() }).nullish(),
  sender,
});

function ping(payload: unknown): Mapped | string {
  const p = parse(pingSchema, payload);
  if (typeof p === 'string') return p;
  const occurredAt = p.hook?.updated_at ?? p.hook?.created_at;
  if (!occurredAt) return 'hook.created_at: missing (a ping needs a time)';
  return {
    event: {
      type: 'github.ping',
      kind: 'other',
      action: 'ping',
      occurredAt,
      subject: { repository: p.repository?.full_name },
      actor: p.sender?.login,
    },
    stableId: p.hook_id ?? p.hook?.id ?? occurredAt,
  };
}

const HANDLERS: Record<
  string,
  (payload: unknown, options: Options) => Mapped | string
> = {
  push,
  pull_request: pullRequest,
  deployment,
  deployment_status: deploymentStatus,
  workflow_run: workflowRun,
  issues,
  ping,
};

/** Reads one GitHub webhook delivery. */
export function normalizeGithubWebhook(
  event: string,
  payload: unknown,
  deliveryId?: string,
  options?: GithubWebhookOptions,
): NormalizeResult {
  if (typeof event !== 'string' || !/^[a-z0-9_.-]{1,100}$/.test(event))
    return reject(
      `GitHub event name ${quote(
        event,
      )} is not valid (the X-GitHub-Event header, e.g. push)`,
    );
  const handler = Object.hasOwn(HANDLERS, event) ? HANDLERS[event] : undefined;
  if (!handler)
    return reject(
      `GitHub event "${event}" is not used by DX metrics (${GITHUB_DX_EVENTS.join(
        ', ',
      )})`,
    );
  if (
    deliveryId !== undefined &&
    (typeof deliveryId !== 'string' || !/^[\x21-\x7e]{1,200}$/.test(deliveryId))
  )
    return reject(
      'deliveryId: expected 1 to 200 printable characters (the X-GitHub-Delivery header)',
    );
  if (!isObject(payload))
    return reject('not an object: a GitHub webhook payload is a JSON object');
  const mapped = handler(payload, {
    incidentLabels: options?.incidentLabels ?? ['incident'],
    defaultBranchOnly: options?.defaultBranchOnly ?? true,
  });
  if (typeof mapped === 'string') return reject(mapped);
  return {
    ok: true,
    event: compact({
      key: `github:${event}:${mapped.stableId}`,
      source: 'github',
      ...mapped.event,
    }),
  };
}
