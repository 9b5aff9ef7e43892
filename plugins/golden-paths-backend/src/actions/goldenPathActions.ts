import type {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import type { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import {
  parseEntityRef,
  stringifyEntityRef,
  type Entity,
} from '@backstage/catalog-model';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { z as zod3 } from 'zod/v3';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  DEFAULT_REVIEWERS,
  GOLDEN_GATE_PARAMETER,
  gateWaitingHeadline,
  goldenGateReviewPermission,
  goldenPathsActionsReadPermission,
  goldenPathsRequestPermission,
  type GateRequest,
  type GoldenPathPolicy,
  type GoldenPathRun,
  type PolicyCheckResult,
} from '@internal/plugin-golden-paths-common';
import type { GateService } from '../gates/GateService';
import type { PolicyService } from '../policy/PolicyService';
import type { DatabaseGoldenPathsStore } from '../store/DatabaseGoldenPathsStore';
import { CallerTasks, type CallerTask } from './callerTasks';
import {
  policyForTemplate,
  templateBrief,
  templateParameters,
} from './policyText';

/** The ids of the actions, as MCP clients see them. */
export const GOLDEN_PATH_ACTIONS = {
  list: 'list-golden-paths',
  check: 'check-golden-path-request',
  request: 'request-golden-path',
  get: 'get-golden-path-request',
  continue: 'continue-golden-path-request',
} as const;

const id = (name: string) => `golden-paths:${name}`;

/**
 * Who asks: the person, and the agent acting for them. A user principal
 * with an actor is an agent (the actor's subject, `plugin:mcp-actions`)
 * acting for that user; without an actor the person asks themselves.
 * Undefined for anything but a user (a service acting for itself).
 */
export function whoAsked(
  credentials: BackstageCredentials,
): { user: string; agent?: string } | undefined {
  const principal = credentials.principal as {
    type?: string;
    userEntityRef?: string;
    actor?: { subject?: string };
  };
  if (principal?.type !== 'user' || !principal.userEntityRef) return undefined;
  return {
    user: principal.userEntityRef,
    ...(principal.actor?.subject ? { agent: principal.actor.subject } : {}),
  };
}

/** `alice` for `user:default/alice`, `test-service` for its template ref. */
function nameOf(ref: string | undefined, defaultKind: string): string {
  if (!ref) return 'someone';
  try {
    const { namespace, name } = parseEntityRef(ref, {
      defaultKind,
      defaultNamespace: 'default',
    });
    return namespace === 'default' ? name : `${namespace}/${name}`;
  } catch {
    return ref;
  }
}

/** A template given by name (`test-service`) or ref, as a full ref. */
function templateRefOf(template: string): string {
  let parsed;
  try {
    parsed = parseEntityRef(template.trim(), {
      defaultKind: 'template',
      defaultNamespace: 'default',
    });
  } catch {
    throw new InputError(
      `"${template}" is not a template name or reference: give its name (postgres-database) or ref (template:default/postgres-database)`,
    );
  }
  if (parsed.kind.toLocaleLowerCase('en-US') !== 'template') {
    throw new InputError(`${template} is a ${parsed.kind}, not a template`);
  }
  return stringifyEntityRef(parsed);
}

/** The problems and broken rules of a policy check, in one sentence. */
function brokenText(result: PolicyCheckResult): string {
  return [...result.problems, ...result.violations.map(v => v.message)].join(
    '; ',
  );
}

const FINISHED = ['completed', 'failed', 'cancelled'];

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

type RequestState = 'running' | 'completed' | 'failed' | 'waiting-at-gate';

interface RequestOutput {
  taskId: string;
  state: RequestState;
  gateId?: string;
  reviewers?: string;
  entityRef?: string;
  message: string;
}

export interface GoldenPathActionsOptions {
  actionsRegistry: ActionsRegistryService;
  auth: AuthService;
  discovery: DiscoveryService;
  permissions: PermissionsService;
  catalog: CatalogService;
  store: DatabaseGoldenPathsStore;
  policy: PolicyService;
  /** The organisation policy as data: what list-golden-paths tells. */
  policyData: GoldenPathPolicy;
  gates: GateService;
  /** How long request and continue follow the task; default 20 s. */
  waitMs?: number;
  pollMs?: number;
}

/**
 * The golden paths as actions of the actions registry (`golden-paths:*`),
 * which the MCP actions backend offers coding agents: list the paths and
 * the policy, pre-check a request, request a golden path as the caller,
 * see where a request stands, continue an approved one. Everything runs as
 * the caller (the person an agent acts for); gates are opened by the
 * template's own policy step, and only people approve them: no action does.
 */
export function registerGoldenPathActions(options: GoldenPathActionsOptions) {
  const {
    actionsRegistry,
    auth,
    permissions,
    catalog,
    store,
    policy,
    policyData,
    gates,
  } = options;
  const waitMs = options.waitMs ?? 20_000;
  const pollMs = options.pollMs ?? 500;
  const tasks = new CallerTasks(auth, options.discovery);

  const canReview = async (credentials: BackstageCredentials) => {
    const [decision] = await permissions.authorize(
      [{ permission: goldenGateReviewPermission }],
      { credentials },
    );
    return decision.result === AuthorizeResult.ALLOW;
  };

  /** The person asking (an agent acts for one); services are refused. */
  const person = (credentials: BackstageCredentials, what: string) => {
    const who = whoAsked(credentials);
    if (!who) {
      throw new NotAllowedError(
        `${what} runs as a person (or an agent acting for one), not as a service`,
      );
    }
    return who;
  };

  /** The template entity, read as the caller. */
  const readTemplate = async (
    template: string,
    credentials: BackstageCredentials,
  ): Promise<{ ref: string; entity: Entity }> => {
    const ref = templateRefOf(template);
    const entity = await catalog.getEntityByRef(ref, { credentials });
    if (!entity) {
      throw new NotFoundError(
        `there is no golden path ${nameOf(
          ref,
          'template',
        )} that you can read in the catalog: ${id(
          GOLDEN_PATH_ACTIONS.list,
        )} lists them`,
      );
    }
    return { ref, entity };
  };

  const gateOutput = (taskId: string, gate: GateRequest): RequestOutput => {
    const reviewers = gate.reviewers || DEFAULT_REVIEWERS;
    const base = { taskId, gateId: gate.id, reviewers };
    if (gate.status === 'rejected') {
      return {
        ...base,
        state: 'failed',
        message: `Golden gate request ${gate.id} was rejected by ${nameOf(
          gate.decidedBy,
          'user',
        )}${gate.comment ? `: ${gate.comment}` : ''}. Nothing was created.`,
      };
    }
    if (gate.status === 'approved') {
      return {
        ...base,
        state: 'waiting-at-gate',
        message: `Golden gate request ${gate.id} was approved by ${nameOf(
          gate.decidedBy,
          'user',
        )}${
          gate.comment ? `: ${gate.comment}` : ''
        }. Nothing has been created yet: continue it with ${id(
          GOLDEN_PATH_ACTIONS.continue,
        )} (gateId ${gate.id}), for ${nameOf(gate.requester, 'user')}.`,
      };
    }
    return {
      ...base,
      state: 'waiting-at-gate',
      message: `The request leaves the standard of the organisation policy and waits at golden gate ${
        gate.id
      }. ${gateWaitingHeadline(gate)}: ${gate.reasons
        .map(r => r.reason)
        .join(
          '; ',
        )}. Nothing has been created yet. Only a person approves golden gates: no action can. Ask ${
        gate.requester ? nameOf(gate.requester, 'user') : 'the requester'
      } to wait for ${reviewers}; ${id(
        GOLDEN_PATH_ACTIONS.get,
      )} tells where it stands, and once it is approved ${id(
        GOLDEN_PATH_ACTIONS.continue,
      )} continues it.`,
    };
  };

  /**
   * Follows a task the caller created, for up to `waitMs`: it ends at its
   * golden gate, completes (with the entity it made) or fails. Never
   * throws: the task exists, and an error would invite a second request.
   */
  const follow = async (
    credentials: BackstageCredentials,
    taskId: string,
    watch: { gate: boolean },
  ): Promise<RequestOutput> => {
    const deadline = Date.now() + waitMs;
    try {
      for (;;) {
        if (watch.gate) {
          const gate = await store.gateByTask(taskId);
          if (gate) return gateOutput(taskId, gate);
        }
        const task: CallerTask = await tasks.task(credentials, taskId);
        if (FINISHED.includes(task.status)) {
          // The policy step opens the gate before the task ends.
          const gate = watch.gate ? await store.gateByTask(taskId) : undefined;
          if (gate) return gateOutput(taskId, gate);
          const outcome = await tasks.outcome(credentials, task);
          if (task.status === 'completed') {
            return {
              taskId,
              state: 'completed',
              ...(outcome.entityRef ? { entityRef: outcome.entityRef } : {}),
              message: outcome.entityRef
                ? `Completed on the golden path: created ${outcome.entityRef}, visible in the catalog.`
                : 'Completed on the golden path.',
            };
          }
          return {
            taskId,
            state: 'failed',
            message: `The task ${
              task.status === 'cancelled' ? 'was cancelled' : 'failed'
            }${outcome.failedStep ? ` at step "${outcome.failedStep}"` : ''}${
              outcome.reason ? `: ${outcome.reason}` : ''
            }.`,
          };
        }
        if (Date.now() >= deadline) break;
        await sleep(pollMs);
      }
      return {
        taskId,
        state: 'running',
        message: `Task ${taskId} is still running after ${Math.round(
          waitMs / 1000,
        )} s: ${id(
          GOLDEN_PATH_ACTIONS.get,
        )} with this taskId tells where it stands.`,
      };
    } catch (error) {
      return {
        taskId,
        state: 'running',
        message: `Task ${taskId} was created, but could not be followed (${
          (error as Error).message
        }): ${id(
          GOLDEN_PATH_ACTIONS.get,
        )} with this taskId tells where it stands.`,
      };
    }
  };

  /** Creates a task as the caller and records who asked for it. */
  const startTask = async (
    credentials: BackstageCredentials,
    who: { user: string; agent?: string },
    body: { templateRef: string; values: Record<string, unknown> },
  ): Promise<string> => {
    const taskId = await tasks.create(credentials, body);
    await store.recordAgentRequest({
      taskId,
      agent: who.agent,
      onBehalfOf: who.user,
    });
    return taskId;
  };

  // The registry builds and checks schemas with zod v3: only its `z`.
  const requestOutputSchema = (z: typeof zod3) =>
    z.object({
      taskId: z.string().describe('The scaffolder task, running as you'),
      state: z
        .enum(['running', 'completed', 'failed', 'waiting-at-gate'])
        .describe(
          'completed: created; waiting-at-gate: a person must approve it first; failed: nothing was created; running: still going',
        ),
      gateId: z
        .string()
        .optional()
        .describe('The golden gate request it waits at'),
      reviewers: z.string().optional().describe('Who approves it, in words'),
      entityRef: z
        .string()
        .optional()
        .describe('The catalog entity the golden path created'),
      message: z.string().describe('Where it stands and what comes next'),
    });

  // --- list-golden-paths ------------------------------------------------

  actionsRegistry.register({
    name: GOLDEN_PATH_ACTIONS.list,
    title: 'List golden paths',
    description: `The golden paths (software templates) you can use, with their parameters and the organisation policy for each in words: rules a request must keep (or it is refused) and golden gates (a request outside the standard waits for a person of the platform team to approve it). Request one with ${id(
      GOLDEN_PATH_ACTIONS.request,
    )}; pre-check parameters with ${id(GOLDEN_PATH_ACTIONS.check)}.`,
    attributes: { readOnly: true, destructive: false, idempotent: true },
    visibilityPermission: goldenPathsActionsReadPermission,
    schema: {
      input: z =>
        z.object({
          query: z
            .string()
            .max(200)
            .optional()
            .describe(
              'Words to look for in the name, title, description or tags',
            ),
        }),
      output: z =>
        z.object({
          templates: z.array(
            z.object({
              ref: z.string(),
              name: z.string(),
              title: z.string().optional(),
              description: z.string().optional(),
              version: z.string().optional(),
              type: z.string().optional(),
              owner: z.string().optional(),
              tags: z.array(z.string()),
              parameters: z.array(
                z.object({
                  name: z.string(),
                  title: z.string().optional(),
                  type: z.string().optional(),
                  required: z.boolean(),
                  description: z.string().optional(),
                  default: z.unknown().optional(),
                  enum: z.array(z.unknown()).optional(),
                  minimum: z.number().optional(),
                  maximum: z.number().optional(),
                  pattern: z.string().optional(),
                }),
              ),
              policy: z.object({
                rules: z.array(
                  z.object({
                    id: z.string(),
                    parameter: z.string(),
                    text: z.string(),
                  }),
                ),
                gates: z.array(
                  z.object({
                    id: z.string(),
                    parameter: z.string(),
                    text: z.string(),
                  }),
                ),
              }),
            }),
          ),
        }),
    },
    action: async ({ input, credentials }) => {
      const entities: Entity[] = [];
      let cursor: string | undefined;
      do {
        const page = cursor
          ? await catalog.queryEntities({ cursor, limit: 500 }, { credentials })
          : await catalog.queryEntities(
              {
                filter: { kind: 'Template' },
                fields: [
                  'kind',
                  'metadata.name',
                  'metadata.namespace',
                  'metadata.title',
                  'metadata.description',
                  'metadata.tags',
                  'metadata.annotations',
                  'spec.owner',
                  'spec.type',
                  'spec.parameters',
                ],
                limit: 500,
              },
              { credentials },
            );
        entities.push(...page.items);
        cursor = page.pageInfo.nextCursor;
      } while (cursor);
      const reviewers = await gates.reviewers(credentials);
      const words = (input.query ?? '')
        .toLocaleLowerCase('en-US')
        .split(/\s+/)
        .filter(Boolean);
      const templates = entities
        .map(entity => {
          const brief = templateBrief(entity);
          const parameters = templateParameters(entity);
          const name = entity.metadata.name;
          return {
            ref: stringifyEntityRef(entity),
            name,
            ...brief,
            parameters,
            policy: policyForTemplate(
              policyData,
              name,
              parameters.length ? parameters.map(p => p.name) : undefined,
              reviewers,
            ),
          };
        })
        .filter(t => {
          if (!words.length) return true;
          const text = [t.name, t.title, t.description, ...t.tags]
            .filter(Boolean)
            .join(' ')
            .toLocaleLowerCase('en-US');
          return words.every(w => text.includes(w));
        })
        .sort((a, b) => a.ref.localeCompare(b.ref));
      return { output: { templates } };
    },
  });

  // --- check-golden-path-request ----------------------------------------

  actionsRegistry.register({
    name: GOLDEN_PATH_ACTIONS.check,
    title: 'Check a golden-path request against the policy',
    description: `Checks the parameters of a golden-path request against the organisation policy without creating anything: problems and broken rules (the request would be refused), and golden gates (the request would wait for a person of the platform team to approve it, and why). The same check as the form of the portal.`,
    attributes: { readOnly: true, destructive: false, idempotent: true },
    visibilityPermission: goldenPathsActionsReadPermission,
    schema: {
      input: z =>
        z.object({
          template: z
            .string()
            .min(1)
            .max(300)
            .describe(
              'The template: its name (postgres-database) or ref (template:default/postgres-database)',
            ),
          parameters: z
            .record(z.unknown())
            .describe('The parameters, as the template asks for them'),
        }),
      output: z =>
        z.object({
          allowed: z
            .boolean()
            .describe('No problem and no broken rule: it would not be refused'),
          waitsAtGate: z
            .boolean()
            .describe('It would wait for a person to approve it'),
          problems: z.array(z.string()),
          violations: z.array(
            z.object({
              rule: z.string(),
              parameter: z.string(),
              message: z.string(),
            }),
          ),
          gates: z.array(
            z.object({
              gate: z.string(),
              parameter: z.string(),
              reason: z.string(),
              value: z.unknown().optional(),
            }),
          ),
          reviewers: z.string().optional(),
          summary: z.string(),
        }),
    },
    action: async ({ input, credentials }) => {
      const ref = templateRefOf(input.template);
      const result = await policy.check(
        nameOf(ref, 'template'),
        input.parameters,
        credentials,
      );
      const allowed = !result.problems.length && !result.violations.length;
      const waitsAtGate = allowed && result.gates.length > 0;
      const reviewers = waitsAtGate
        ? await gates.reviewers(credentials)
        : undefined;
      let summary =
        'The request keeps the rules and the standard: it would run on the golden path without waiting.';
      if (!allowed) {
        summary = `The request would be refused: ${brokenText(result)}.`;
      } else if (waitsAtGate) {
        summary = `The request keeps the rules but leaves the standard: it would wait for approval by ${reviewers} (a person) before anything is created: ${result.gates
          .map(g => g.reason)
          .join('; ')}.`;
      }
      return {
        output: {
          allowed,
          waitsAtGate,
          problems: result.problems,
          violations: result.violations,
          gates: result.gates,
          ...(reviewers ? { reviewers } : {}),
          summary,
        },
      };
    },
  });

  // --- request-golden-path ----------------------------------------------

  actionsRegistry.register({
    name: GOLDEN_PATH_ACTIONS.request,
    title: 'Request a golden path',
    description: `Runs a golden path (software template) as you, the person the agent acts for: the organisation policy is checked first (a request that breaks a rule is refused, in words), then a scaffolder task is created and followed for up to 20 s. A request on the standard answers completed, with the catalog entity it created; one that leaves the standard answers waiting-at-gate, with the gate id and who reviews it: only a person approves it. Afterwards ${id(
      GOLDEN_PATH_ACTIONS.get,
    )} tells where it stands and ${id(
      GOLDEN_PATH_ACTIONS.continue,
    )} continues an approved request.`,
    attributes: { readOnly: false, destructive: false, idempotent: false },
    visibilityPermission: goldenPathsRequestPermission,
    schema: {
      input: z =>
        z.object({
          template: z
            .string()
            .min(1)
            .max(300)
            .describe(
              'The template: its name (postgres-database) or ref (template:default/postgres-database)',
            ),
          parameters: z
            .record(z.unknown())
            .describe(
              `The parameters, as ${id(GOLDEN_PATH_ACTIONS.list)} lists them`,
            ),
        }),
      output: requestOutputSchema,
    },
    action: async ({ input, credentials }) => {
      const who = person(credentials, 'a golden-path request');
      if (GOLDEN_GATE_PARAMETER in input.parameters) {
        throw new InputError(
          `${GOLDEN_GATE_PARAMETER} is not a parameter of a new request: ${id(
            GOLDEN_PATH_ACTIONS.continue,
          )} continues an approved golden gate request`,
        );
      }
      const { ref } = await readTemplate(input.template, credentials);
      const result = await policy.check(
        nameOf(ref, 'template'),
        input.parameters,
        credentials,
      );
      if (result.problems.length || result.violations.length) {
        throw new InputError(
          `the request breaks the organisation policy, nothing was created: ${brokenText(
            result,
          )}`,
        );
      }
      const taskId = await startTask(credentials, who, {
        templateRef: ref,
        values: input.parameters,
      });
      return {
        output: await follow(credentials, taskId, { gate: true }),
      };
    },
  });

  // --- get-golden-path-request ------------------------------------------

  type GetState =
    | 'running'
    | 'completed'
    | 'failed'
    | 'waiting-at-gate'
    | 'approved'
    | 'rejected';

  const stateOfRun = (
    run: GoldenPathRun | undefined,
    task: CallerTask | undefined,
  ): GetState => {
    switch (run?.status ?? task?.status) {
      case 'completed':
        return 'completed';
      case 'failed':
      case 'cancelled':
        return 'failed';
      case 'awaiting-approval':
        return 'waiting-at-gate';
      case 'approved':
        return 'approved';
      case 'rejected':
        return 'rejected';
      default:
        return 'running';
    }
  };

  actionsRegistry.register({
    name: GOLDEN_PATH_ACTIONS.get,
    title: 'Where a golden-path request stands',
    description: `Where a golden-path request stands, by its task id or golden gate id: running, completed (with the entity it created), failed (why), waiting-at-gate (who reviews it and why), approved (continue it with ${id(
      GOLDEN_PATH_ACTIONS.continue,
    )}) or rejected (by whom, and why). Only the requester, an agent acting for them, or a reviewer of golden gates may read it.`,
    attributes: { readOnly: true, destructive: false, idempotent: true },
    visibilityPermission: goldenPathsActionsReadPermission,
    schema: {
      input: z =>
        z.object({
          taskId: z.string().min(1).max(200).optional(),
          gateId: z.string().min(1).max(30).optional(),
        }),
      output: z =>
        z.object({
          taskId: z
            .string()
            .describe(
              'The task that stands for the request now: the continuation of an approved gate once it was continued',
            ),
          state: z.enum([
            'running',
            'completed',
            'failed',
            'waiting-at-gate',
            'approved',
            'rejected',
          ]),
          requester: z.string().optional(),
          templateRef: z.string().optional(),
          entityRef: z.string().optional(),
          gate: z
            .object({
              id: z.string(),
              status: z.enum(['pending', 'approved', 'rejected']),
              reviewers: z.string().optional(),
              reasons: z.array(z.string()),
              decidedBy: z.string().optional(),
              decidedAt: z.string().optional(),
              comment: z.string().optional(),
              continuedTaskId: z.string().optional(),
              requestedVia: z
                .object({ agent: z.string(), onBehalfOf: z.string() })
                .optional(),
            })
            .optional(),
          message: z.string(),
        }),
    },
    action: async ({ input, credentials }) => {
      const who = person(credentials, 'reading a golden-path request');
      if (!input.taskId === !input.gateId) {
        throw new InputError('give either taskId or gateId');
      }
      let gate: GateRequest | undefined;
      if (input.gateId) {
        gate = await store.gate(input.gateId);
        if (!gate) {
          throw new NotFoundError(`no golden gate request ${input.gateId}`);
        }
      } else {
        gate = await store.gateByTask(input.taskId!);
        if (!gate) {
          const run = await store.run(input.taskId!);
          gate = run?.gateId ? await store.gate(run.gateId) : undefined;
        }
      }
      const taskId = gate ? gate.continuedTaskId ?? gate.taskId : input.taskId!;
      const run = await store.run(taskId);
      // Without a record yet (its first events are on the way), the
      // scaffolder decides whether the caller may read the task.
      let task =
        gate || run ? undefined : await tasks.task(credentials, taskId);
      const owner = gate?.requester ?? run?.requester ?? task?.createdBy;
      if (owner !== who.user && !(await canReview(credentials))) {
        throw new NotAllowedError(
          'this golden-path request belongs to someone else: only the requester (or an agent acting for them) and reviewers of golden gates may read it',
        );
      }
      if (!run && !task && gate?.continuedTaskId) {
        // The continuation has no record yet: the scaffolder knows.
        task = await tasks.task(credentials, taskId).catch(() => undefined);
      }

      let state: GetState;
      let message: string;
      let entityRef: string | undefined;
      const template = gate?.templateRef ?? run?.templateRef;
      if (gate && gate.status !== 'approved') {
        const out = gateOutput(gate.taskId, gate);
        state = gate.status === 'pending' ? 'waiting-at-gate' : 'rejected';
        message = out.message;
      } else if (gate && !gate.continuedTaskId) {
        state = 'approved';
        message = gateOutput(gate.taskId, gate).message;
      } else {
        state = stateOfRun(run, task);
        let words = 'running.';
        if (state === 'completed' || state === 'failed') {
          const outcome = await tasks
            .outcome(credentials, {
              id: taskId,
              status: run?.status ?? task?.status ?? state,
              spec: task?.spec,
            })
            .catch(() => undefined);
          entityRef = outcome?.entityRef;
          const step = run?.failedStep ?? outcome?.failedStep;
          const reason = run?.failureReason ?? outcome?.reason;
          words =
            state === 'completed'
              ? `completed${entityRef ? `: created ${entityRef}` : ''}.`
              : `failed${step ? ` at step "${step}"` : ''}${
                  reason ? `: ${reason}` : ''
                }.`;
        }
        message = gate
          ? `Golden gate request ${gate.id} was approved by ${nameOf(
              gate.decidedBy,
              'user',
            )} and continued as task ${taskId}: ${words}`
          : `Task ${taskId} ${words}`;
      }
      return {
        output: {
          taskId,
          state,
          ...(owner ? { requester: owner } : {}),
          ...(template ? { templateRef: template } : {}),
          ...(entityRef ? { entityRef } : {}),
          ...(gate
            ? {
                gate: {
                  id: gate.id,
                  status: gate.status,
                  reviewers: gate.reviewers || DEFAULT_REVIEWERS,
                  reasons: gate.reasons.map(r => r.reason),
                  decidedBy: gate.decidedBy,
                  decidedAt: gate.decidedAt,
                  comment: gate.comment,
                  continuedTaskId: gate.continuedTaskId,
                  requestedVia: gate.requestedVia,
                },
              }
            : {}),
          message,
        },
      };
    },
  });

  // --- continue-golden-path-request -------------------------------------

  actionsRegistry.register({
    name: GOLDEN_PATH_ACTIONS.continue,
    title: 'Continue an approved golden-path request',
    description: `Continues a golden gate request that a person approved: a new task of the same template runs as the requester, with the approved parameters (the reviewer may have changed some). Only the requester (or an agent acting for them) continues it, once; a request that still waits, or was rejected, is refused. No action approves gates.`,
    attributes: { readOnly: false, destructive: false, idempotent: false },
    visibilityPermission: goldenPathsRequestPermission,
    schema: {
      input: z =>
        z.object({
          gateId: z
            .string()
            .min(1)
            .max(30)
            .describe('The golden gate request, approved'),
        }),
      output: requestOutputSchema,
    },
    action: async ({ input, credentials }) => {
      const who = person(credentials, 'continuing a golden-path request');
      const gate = await store.gate(input.gateId);
      if (!gate) {
        throw new NotFoundError(`no golden gate request ${input.gateId}`);
      }
      if (gate.requester !== who.user) {
        throw new NotAllowedError(
          `golden gate request ${gate.id} belongs to ${nameOf(
            gate.requester,
            'user',
          )}: only they (or an agent acting for them) can continue it`,
        );
      }
      if (gate.status === 'pending') {
        throw new ConflictError(
          `golden gate request ${gate.id} still waits for approval by ${
            gate.reviewers || DEFAULT_REVIEWERS
          }: only a person approves it; continue it once it is approved`,
        );
      }
      if (gate.status === 'rejected') {
        throw new ConflictError(
          `golden gate request ${gate.id} was rejected by ${nameOf(
            gate.decidedBy,
            'user',
          )}${gate.comment ? `: ${gate.comment}` : ''}`,
        );
      }
      if (gate.continuedTaskId) {
        throw new ConflictError(
          `golden gate request ${gate.id} was already continued by task ${gate.continuedTaskId}`,
        );
      }
      const taskId = await startTask(credentials, who, {
        templateRef: gate.templateRef,
        values: {
          ...(gate.approvedParameters ?? gate.parameters),
          [GOLDEN_GATE_PARAMETER]: gate.id,
        },
      });
      const output = await follow(credentials, taskId, { gate: false });
      return { output: { ...output, gateId: gate.id } };
    },
  });
}
