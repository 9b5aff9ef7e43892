import { z } from 'zod';
import {
  boundedArray,
  branchName,
  cleanLabels,
  compact,
  describeIssues,
  entityRefString,
  idValue,
  isObject,
  isoTime,
  MAX_COMMITS,
  MAX_LABELS,
  nonEmpty,
  quote,
  reject,
} from './common';
import type { NormalizeResult } from './types';

/**
 * The generic JSON format, for delivery tools that speak neither CDEvents
 * nor GitHub. One event per object:
 *
 * ```json
 * {
 *   "id": "deploy-2024-05-01-1",
 *   "type": "deployment",
 *   "action": "deployed",
 *   "timestamp": "2024-05-01T12:00:00+02:00",
 *   "entityRef": "component:default/checkout",
 *   "environment": "production",
 *   "outcome": "success",
 *   "commitSha": "9f1c2e4"
 * }
 * ```
 *
 * - `id` (required, 1 to 200 characters): the sender's id of the event;
 *   the idempotency key is `generic:<id>`, so a resent event is the same.
 * - `type` (required): `deployment`, `change`, `incident` or `build`.
 * - `action` (required), per type: change `created`, `updated`,
 *   `reviewed`, `merged`, `abandoned`; deployment `requested`, `deployed`,
 *   `upgraded`, `rolledback`, `removed`, `published`; incident `detected`,
 *   `reported`, `resolved`; build `queued`, `started`, `finished`.
 * - `timestamp` (required): ISO 8601 with a UTC offset (`Z`, `+02:00`), not
 *   before 2000; stored in UTC.
 * - what it is about, at least one of: `entityRef` (a catalog entity ref),
 *   `repository` (`owner/name`), `service` (a name).
 * - optional: `environment`; `outcome` (`success`, `failure`, `error`,
 *   `cancelled`; a deployment `deployed` or `upgraded` without an outcome
 *   is a success); `commitSha` (hex, 7 to 64 digits); `commits` (at most
 *   1000 of `{ sha, at? }`); `changeId`, `incidentId`, `deploymentId`
 *   (strings or integers); `actor`; `title` (at most 500 characters);
 *   `labels` (at most 50 strings, e.g. `["rework"]`: marks a deployment as
 *   rework when `dx.dora.rework.labels` names one); `branch` (the branch
 *   deployed, or a change's head branch, e.g. `hotfix/login`); on a
 *   change, `incidentId` is the incident it fixes.
 *
 * Other fields are ignored and listed in `ignoredFields` of the result.
 */

export const GENERIC_EVENT_ACTIONS = {
  change: ['created', 'updated', 'reviewed', 'merged', 'abandoned'],
  deployment: [
    'requested',
    'deployed',
    'upgraded',
    'rolledback',
    'removed',
    'published',
  ],
  incident: ['detected', 'reported', 'resolved'],
  build: ['queued', 'started', 'finished'],
} as const;

const TYPES = Object.keys(GENERIC_EVENT_ACTIONS) as Array<
  keyof typeof GENERIC_EVENT_ACTIONS
>;

const sha = () =>
  z
    .string()
    .regex(/^[0-9a-fA-F]{7,64}$/, 'not a commit SHA (7 to 64 hex digits)')
    .transform(s => s.toLowerCase());

const commitSchema = z.object({ sha: sha(), at: isoTime().optional() });

/** Zod schema of the generic event format (see the module comment). */
export const genericEventSchema = z
  .object({
    id: z.string().min(1, 'empty').max(200, 'longer than 200 characters'),
    type: z.enum(TYPES, {
      error: iss =>
        iss.input === undefined
          ? 'missing'
          : `${quote(iss.input)} is not an event type (${TYPES.join(', ')})`,
    }),
    action: z.string().max(100, 'longer than 100 characters'),
    timestamp: isoTime(),
    entityRef: entityRefString().optional(),
    repository: nonEmpty()
      .refine(s => /^[^\s/]+\/\S+$/.test(s), 'expected owner/name')
      .optional(),
    service: nonEmpty().optional(),
    environment: nonEmpty().optional(),
    outcome: z
      .enum(['success', 'failure', 'error', 'cancelled'], {
        error: iss =>
          `${quote(
            iss.input,
          )} is not an outcome (success, failure, error, cancelled)`,
      })
      .optional(),
    commitSha: sha().optional(),
    commits: boundedArray(commitSchema, MAX_COMMITS, 'commits').optional(),
    changeId: idValue().optional(),
    incidentId: idValue().optional(),
    deploymentId: idValue().optional(),
    actor: nonEmpty().optional(),
    title: z.string().max(500, 'longer than 500 characters').optional(),
    labels: boundedArray(
      z.string().max(100, 'longer than 100 characters'),
      MAX_LABELS,
      'labels',
    ).optional(),
    branch: z
      .string()
      .min(1, 'empty')
      .max(300, 'longer than 300 characters')
      .optional(),
  })
  .superRefine((e, ctx) => {
    const actions: readonly string[] = GENERIC_EVENT_ACTIONS[e.type];
    if (!actions.includes(e.action))
      ctx.addIssue({
        code: 'custom',
        path: ['action'],
        message: `${quote(e.action)} is not ${
          e.type === 'incident' ? 'an' : 'a'
        } ${e.type} action (${actions.join(', ')})`,
      });
    if (!e.entityRef && !e.repository && !e.service)
      ctx.addIssue({
        code: 'custom',
        path: [],
        message:
          'needs entityRef, repository or service (what the event is about)',
      });
  });

/** An event in the generic format, as sent. */
export type GenericEvent = z.input<typeof genericEventSchema>;

const MAX_LISTED = 50;

/** Fields of the payload the format does not have, at most 50. */
function ignoredFields(payload: Record<string, unknown>): string[] {
  const known = genericEventSchema.shape;
  const out: string[] = [];
  const add = (name: string) => {
    if (out.length < MAX_LISTED)
      out.push(name.length > 100 ? `${name.slice(0, 100)}…` : name);
  };
  // Own keys of the shape only: "toString" or "constructor" is ignored too.
  for (const key of Object.keys(payload))
    if (!Object.hasOwn(known, key)) add(key);
  if (Array.isArray(payload.commits))
    payload.commits.forEach((c, i) => {
      if (isObject(c))
        for (const key of Object.keys(c))
          if (key !== 'sha' && key !== 'at') add(`commits[${i}].${key}`);
    });
  return out;
}

/** Reads one event in the generic JSON format. */
export function normalizeGenericEvent(payload: unknown): NormalizeResult {
  if (!isObject(payload))
    return reject(
      'not an object: a generic event is a JSON object with id, type, action and timestamp',
    );
  const parsed = genericEventSchema.safeParse(payload);
  if (!parsed.success) return reject(describeIssues(parsed.error.issues));
  const e = parsed.data;
  const defaultOutcome =
    e.type === 'deployment' &&
    (e.action === 'deployed' || e.action === 'upgraded')
      ? 'success'
      : undefined;
  const ignored = ignoredFields(payload);
  return {
    ok: true,
    event: compact({
      key: `generic:${e.id}`,
      source: 'generic',
      type: `generic.${e.type}`,
      kind: e.type,
      action: e.action,
      occurredAt: e.timestamp,
      subject: {
        entityRef: e.entityRef,
        repository: e.repository,
        service: e.service,
      },
      environment: e.environment,
      outcome: e.outcome ?? defaultOutcome,
      commitSha: e.commitSha,
      commits: e.commits,
      changeId: e.changeId,
      incidentId: e.incidentId,
      deploymentId: e.deploymentId,
      actor: e.actor,
      title: e.title,
      labels: cleanLabels(e.labels),
      branch: branchName(e.branch),
    }),
    ...(ignored.length > 0 ? { ignoredFields: ignored } : {}),
  };
}
