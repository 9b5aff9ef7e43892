import type {
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import {
  DEFAULT_REVIEWERS,
  GATE_WAITING_NEXT,
  gateWaitingHeadline,
  type GateAuditEntry,
  type GateCheckResponse,
  type GateRequest,
} from '@internal/plugin-golden-paths-common';
import type { PolicyService } from '../policy/PolicyService';
import type { DatabaseGoldenPathsStore } from '../store/DatabaseGoldenPathsStore';

/**
 * Golden gates: a request that is allowed but leaves the standard waits
 * for the platform team. Its task ends there, with nothing created. Someone
 * other than the requester approves it (four eyes, unless
 * `goldenPaths.gates.fourEyes: false`); the requester then continues it as
 * a new task of the same template, with their own credentials, the
 * approved parameters and the gate's id (`goldenGate`): that one task, and
 * no other, runs past the gate. Every step is audited and notified.
 */
export class GateService {
  constructor(
    private readonly options: {
      store: DatabaseGoldenPathsStore;
      policy: PolicyService;
      notifications: NotificationService;
      logger: LoggerService;
      /** Names the reviewers in words (the notify group's title). */
      catalog?: CatalogService;
      /** Group told about new requests; it approves them. */
      notifyGroup?: string;
      /** A requester may not approve their own request. Default true. */
      fourEyes?: boolean;
    },
  ) {}

  /**
   * The scaffolder's policy step: proceed, wait at a gate, or stop. With
   * `gateId` the task continues that approved request.
   */
  async check(
    request: {
      taskId: string;
      templateRef: string;
      templateVersion?: string;
      requester?: string;
      /** Who runs the task now (its creator, or whoever retried it). */
      initiator?: string;
      parameters: Record<string, unknown>;
      gateId?: string;
    },
    credentials: BackstageCredentials,
  ): Promise<GateCheckResponse> {
    const { store, policy } = this.options;
    const template = templateName(request.templateRef);
    if (request.gateId !== undefined) {
      return this.continueGate(
        { ...request, gateId: request.gateId },
        credentials,
      );
    }
    const existing = await store.gateByTask(request.taskId);
    if (existing?.status === 'pending') {
      // The policy step of a waiting task ran again (task recovery).
      return {
        decision: 'wait',
        result: { problems: [], violations: [], gates: existing.reasons },
        parameters: existing.parameters,
        gate: existing,
      };
    }
    if (existing) {
      // The task that ended at this gate runs its policy step again (a
      // retry or a recovery). Only a new task of the requester continues an
      // approved request; a task that already ran past its gate (a retry
      // from before tasks ended at gates) goes on.
      if (existing.continuedTaskId === request.taskId) {
        return this.proceedPastGate(existing, request, credentials);
      }
      return {
        decision: 'reject',
        result: { problems: [], violations: [], gates: [] },
        parameters: request.parameters,
        gate: existing,
        refusal:
          existing.status === 'approved'
            ? `golden gate request ${existing.id} was approved after this task ended at the gate: continue it from My runs on the Golden paths page (a new task, as you)`
            : `golden gate request ${existing.id} was rejected by ${nameOf(
                existing.decidedBy,
                'user',
              )}${existing.comment ? `: ${existing.comment}` : ''}`,
      };
    }
    const parameters = request.parameters;
    const result = await policy.check(template, parameters, credentials);
    if (result.problems.length || result.violations.length) {
      return { decision: 'reject', result, parameters };
    }
    if (result.gates.length === 0) {
      return { decision: 'proceed', result, parameters };
    }
    const requester = request.requester ?? 'unknown';
    const { gate, created } = await store.openGate(
      {
        taskId: request.taskId,
        templateRef: request.templateRef,
        templateVersion: request.templateVersion,
        requester,
        parameters,
        reasons: result.gates,
        reviewers: await this.reviewers(credentials),
      },
      requester,
    );
    if (created) {
      await this.notifyReviewers(gate);
      await this.notifyRequesterWaiting(gate);
    }
    return { decision: 'wait', result, parameters, gate };
  }

  /** A new task of the requester that names their approved request. */
  private async continueGate(
    request: {
      taskId: string;
      templateRef: string;
      requester?: string;
      initiator?: string;
      parameters: Record<string, unknown>;
      gateId: string;
    },
    credentials: BackstageCredentials,
  ): Promise<GateCheckResponse> {
    const gate = await this.options.store.gate(request.gateId);
    const refuse = (refusal: string): GateCheckResponse => ({
      decision: 'reject',
      result: { problems: [], violations: [], gates: [] },
      parameters: request.parameters,
      gate,
      refusal: `golden gate request ${request.gateId} ${refusal}`,
    });
    if (!gate) return refuse('does not exist');
    // Made and run by the requester: a task of someone else, or a task of
    // the requester retried by someone else, cannot use the approval.
    if (
      gate.requester !== request.requester ||
      gate.requester !== request.initiator
    ) {
      return refuse(
        `belongs to ${nameOf(
          gate.requester,
          'user',
        )}: only they can continue it, in a task they start themselves`,
      );
    }
    if (!sameRef(gate.templateRef, request.templateRef)) {
      return refuse(
        `was made for ${gate.templateRef}, not for ${request.templateRef}`,
      );
    }
    if (gate.taskId === request.taskId) {
      return refuse('was opened by this task: a new task continues it');
    }
    const approved = gate.approvedParameters ?? gate.parameters;
    if (gate.status === 'approved') {
      const differ = differentKeys(approved, request.parameters);
      if (differ.length) {
        return refuse(
          `was approved for other parameters (${differ.join(
            ', ',
          )}): continue it with the approved parameters`,
        );
      }
    }
    return this.proceedPastGate(gate, request, credentials);
  }

  /**
   * An approved gate lets exactly one task run on, with the approved
   * parameters checked against the rules again; other decisions refuse.
   */
  private async proceedPastGate(
    gate: GateRequest,
    request: { taskId: string; requester?: string },
    credentials: BackstageCredentials,
  ): Promise<GateCheckResponse> {
    const { store, policy } = this.options;
    const parameters = gate.approvedParameters ?? gate.parameters;
    const refuse = (refusal: string): GateCheckResponse => ({
      decision: 'reject',
      result: { problems: [], violations: [], gates: [] },
      parameters,
      gate,
      refusal: `golden gate request ${gate.id} ${refusal}`,
    });
    if (gate.status === 'pending') {
      return refuse(
        `still waits for approval by ${
          gate.reviewers || DEFAULT_REVIEWERS
        }: continue it once it is approved`,
      );
    }
    if (gate.status === 'rejected') {
      return refuse(
        `was rejected by ${nameOf(gate.decidedBy, 'user')}${
          gate.comment ? `: ${gate.comment}` : ''
        }`,
      );
    }
    if (gate.continuedTaskId && gate.continuedTaskId !== request.taskId) {
      return refuse(`was already continued by task ${gate.continuedTaskId}`);
    }
    const result = await policy.check(
      templateName(gate.templateRef),
      parameters,
      credentials,
    );
    if (result.problems.length || result.violations.length) {
      return { decision: 'reject', result, parameters, gate };
    }
    const claim = await store.claimApprovedGate({
      id: gate.id,
      taskId: request.taskId,
      actor: request.requester ?? gate.requester,
    });
    if (!claim?.claimed) {
      return refuse(
        `was already continued by task ${claim?.gate.continuedTaskId}`,
      );
    }
    if (claim.gate.taskId !== request.taskId) {
      await store.moveRun(
        claim.gate.taskId,
        ['awaiting-approval', 'approved'],
        'continued',
      );
    }
    return { decision: 'proceed', result, parameters, gate: claim.gate };
  }

  async approve(
    id: string,
    actor: string,
    input: { comment?: string; parameters?: Record<string, unknown> },
    credentials: BackstageCredentials,
  ): Promise<{ gate: GateRequest }> {
    const { store, policy } = this.options;
    const gate = await this.pending(id);
    if (this.options.fourEyes !== false && actor === gate.requester) {
      throw new NotAllowedError(
        'you asked for this yourself: another reviewer of golden gates approves it (four eyes)',
      );
    }
    const changes: NonNullable<GateAuditEntry['changes']> = {};
    for (const [key, value] of Object.entries(input.parameters ?? {})) {
      if (!(key in gate.parameters)) {
        throw new InputError(
          `parameter "${key}" is not part of the request; only requested parameters can be changed`,
        );
      }
      if (JSON.stringify(gate.parameters[key]) !== JSON.stringify(value)) {
        changes[key] = { from: gate.parameters[key], to: value };
      }
    }
    const approvedParameters = { ...gate.parameters, ...input.parameters };
    const template = parseEntityRef(gate.templateRef, {
      defaultKind: 'template',
    }).name;
    const result = await policy.check(
      template,
      approvedParameters,
      credentials,
    );
    const broken = [
      ...result.problems,
      ...result.violations.map(v => v.message),
    ];
    if (broken.length) {
      throw new InputError(
        `the approved parameters break the organisation policy: ${broken.join(
          '; ',
        )}`,
      );
    }
    const decided = await store.decideGate({
      id,
      status: 'approved',
      actor,
      comment: input.comment,
      approvedParameters,
      changes,
    });
    if (!decided)
      throw new ConflictError(`gate request ${id} was already decided`);
    await store.moveRun(decided.taskId, ['awaiting-approval'], 'approved');
    await this.notifyRequester(decided);
    return { gate: decided };
  }

  async reject(
    id: string,
    actor: string,
    comment: string,
  ): Promise<GateRequest> {
    await this.pending(id);
    if (!comment.trim()) {
      throw new InputError(
        'a rejection needs a comment that tells the requester why',
      );
    }
    const decided = await this.options.store.decideGate({
      id,
      status: 'rejected',
      actor,
      comment,
    });
    if (!decided)
      throw new ConflictError(`gate request ${id} was already decided`);
    await this.options.store.moveRun(
      decided.taskId,
      ['awaiting-approval'],
      'rejected',
    );
    await this.notifyRequester(decided);
    return decided;
  }

  private async pending(id: string): Promise<GateRequest> {
    const gate = await this.options.store.gate(id);
    if (!gate) throw new NotFoundError(`no gate request ${id}`);
    if (gate.status !== 'pending') {
      throw new ConflictError(`gate request ${id} was already ${gate.status}`);
    }
    return gate;
  }

  /**
   * Who approves, in words: the title of the notify group in the catalog
   * ("the Platform Team"), else its name ("the platform team").
   */
  async reviewers(credentials: BackstageCredentials): Promise<string> {
    const ref = this.options.notifyGroup;
    if (!ref) return DEFAULT_REVIEWERS;
    let parsed;
    try {
      parsed = parseEntityRef(ref, { defaultKind: 'group' });
    } catch {
      return DEFAULT_REVIEWERS;
    }
    let title: string | undefined;
    try {
      const entity = await this.options.catalog?.getEntityByRef(ref, {
        credentials,
      });
      const profile = (entity?.spec?.profile ?? {}) as {
        displayName?: unknown;
      };
      title =
        (typeof profile.displayName === 'string' && profile.displayName) ||
        entity?.metadata.title;
    } catch (error) {
      this.options.logger.warn(
        `Could not read ${ref} from the catalog: ${error}`,
      );
    }
    const words = (title || parsed.name.replace(/[-_]+/g, ' ')).trim();
    return parsed.kind.toLocaleLowerCase('en-US') === 'group' &&
      !/^the\s/i.test(words)
      ? `the ${words}`
      : words;
  }

  /** The requester's notification while the request waits. */
  private async notifyRequesterWaiting(gate: GateRequest) {
    if (!gate.requester.startsWith('user:')) return;
    await this.send(gate.requester, {
      title: `Waiting for approval: your request for ${nameOf(
        gate.templateRef,
        'template',
      )}`,
      description: `${gateWaitingHeadline(gate)}: ${gate.reasons
        .map(r => r.reason)
        .join('; ')}. ${GATE_WAITING_NEXT}`,
      link: `/create/tasks/${gate.taskId}`,
      severity: 'normal',
      topic: `golden-gate-${gate.id}`,
      // The decision replaces this notification.
      scope: requesterScope(gate),
    });
  }

  private async notifyRequester(gate: GateRequest) {
    if (!gate.requester.startsWith('user:')) return;
    const approved = gate.status === 'approved';
    // Names people read; the refs stay in the link and the gate itself.
    const template = nameOf(gate.templateRef, 'template');
    const decider = nameOf(gate.decidedBy, 'user');
    await this.send(gate.requester, {
      title: approved
        ? `Approved: your request for ${template}`
        : `Rejected: your request for ${template}`,
      description: approved
        ? `${decider} approved it${
            gate.comment ? `: ${gate.comment}` : ''
          }. Continue it from My runs on the Golden paths page: it runs as you, with the approved parameters.`
        : `${decider} rejected it: ${gate.comment}`,
      link: approved
        ? '/golden-paths?tab=runs'
        : `/create/tasks/${gate.taskId}`,
      severity: approved ? 'normal' : 'high',
      topic: `golden-gate-${gate.id}`,
      scope: requesterScope(gate),
    });
  }

  private async notifyReviewers(gate: GateRequest) {
    if (!this.options.notifyGroup) return;
    await this.send(this.options.notifyGroup, {
      title: `Golden gate: ${nameOf(gate.requester, 'user')} asks for ${nameOf(
        gate.templateRef,
        'template',
      )}`,
      description: gate.reasons.map(r => r.reason).join('; '),
      link: '/golden-paths?tab=gates',
      severity: 'normal',
      topic: `golden-gate-${gate.id}`,
    });
  }

  private async send(
    entityRef: string,
    payload: {
      title: string;
      description: string;
      link: string;
      severity: 'normal' | 'high';
      topic: string;
      scope?: string;
    },
  ) {
    try {
      await this.options.notifications.send({
        recipients: { type: 'entity', entityRef },
        payload,
      });
    } catch (error) {
      // A notification that cannot be delivered must not undo a decision.
      this.options.logger.warn(`Could not notify ${entityRef}: ${error}`);
    }
  }
}

/** One notification of the requester per request, updated as it moves. */
function requesterScope(gate: GateRequest): string {
  return `golden-gate-${gate.id}-requester`;
}

/**
 * The name people read for an entity ref in a notification or message:
 * `guest` for `user:default/guest`, `postgres-database` for
 * `template:default/postgres-database`; never the raw ref.
 */
function nameOf(ref: string | undefined, defaultKind: string): string {
  if (!ref) return 'someone';
  try {
    return parseEntityRef(ref, { defaultKind }).name;
  } catch {
    return ref;
  }
}

function templateName(templateRef: string): string {
  return parseEntityRef(templateRef, { defaultKind: 'template' }).name;
}

function sameRef(a: string, b: string): boolean {
  const norm = (ref: string) =>
    stringifyEntityRef(
      parseEntityRef(ref, {
        defaultKind: 'template',
        defaultNamespace: 'default',
      }),
    ).toLocaleLowerCase('en-US');
  try {
    return norm(a) === norm(b);
  } catch {
    return false;
  }
}

/** JSON with its object keys sorted: equal values, equal text. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map(k => [k, (v as Record<string, unknown>)[k]]),
        )
      : v,
  );
}

/** The parameter names whose values differ between two requests. */
function differentKeys(
  a: Record<string, unknown>,
  b: Record<string, unknown>,
): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])]
    .filter(k => canonical(a[k]) !== canonical(b[k]))
    .sort();
}
