import type {
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import type {
  GateAuditEntry,
  GateCheckResponse,
  GateRequest,
} from '@internal/plugin-golden-paths-common';
import type { PolicyService } from '../policy/PolicyService';
import type { DatabaseGoldenPathsStore } from '../store/DatabaseGoldenPathsStore';

/**
 * Golden gates: a request that is allowed but leaves the standard waits
 * for the platform team. Someone other than the requester approves it
 * (four eyes, unless `goldenPaths.gates.fourEyes: false`); the requester
 * then continues the task with their own credentials (the scaffolder's
 * retry), and the policy step applies the approved parameters. Every step
 * is audited.
 */
export class GateService {
  constructor(
    private readonly options: {
      store: DatabaseGoldenPathsStore;
      policy: PolicyService;
      notifications: NotificationService;
      logger: LoggerService;
      /** Group told about new requests. */
      notifyGroup?: string;
      /** A requester may not approve their own request. Default true. */
      fourEyes?: boolean;
    },
  ) {}

  /** The scaffolder's policy step: proceed, wait at a gate, or stop. */
  async check(
    request: {
      taskId: string;
      templateRef: string;
      templateVersion?: string;
      requester?: string;
      parameters: Record<string, unknown>;
    },
    credentials: BackstageCredentials,
  ): Promise<GateCheckResponse> {
    const { store, policy } = this.options;
    const template = parseEntityRef(request.templateRef, {
      defaultKind: 'template',
    }).name;
    const existing = await store.gateByTask(request.taskId);
    const parameters =
      existing?.status === 'approved'
        ? existing.approvedParameters ?? existing.parameters
        : request.parameters;
    const result = await policy.check(template, parameters, credentials);
    if (result.problems.length || result.violations.length) {
      return { decision: 'reject', result, parameters };
    }
    if (existing?.status === 'approved') {
      return { decision: 'proceed', result, parameters, gate: existing };
    }
    if (existing?.status === 'rejected') {
      return {
        decision: 'reject',
        result: {
          ...result,
          problems: [
            `rejected by ${existing.decidedBy}${
              existing.comment ? `: ${existing.comment}` : ''
            }`,
          ],
        },
        parameters,
        gate: existing,
      };
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
      },
      requester,
    );
    if (created) await this.notifyReviewers(gate);
    return { decision: 'wait', result, parameters, gate };
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
    await store.markRunApproved(decided.taskId);
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

  private async notifyRequester(gate: GateRequest) {
    if (!gate.requester.startsWith('user:')) return;
    const approved = gate.status === 'approved';
    await this.send(gate.requester, {
      title: approved
        ? `Approved: your request for ${gate.templateRef}`
        : `Rejected: your request for ${gate.templateRef}`,
      description: approved
        ? `${gate.decidedBy} approved it${
            gate.comment ? `: ${gate.comment}` : ''
          }. Continue it on the Golden paths page (My runs); it runs with the approved parameters.`
        : `${gate.decidedBy} rejected it: ${gate.comment}`,
      link: approved
        ? '/golden-paths?tab=runs'
        : `/create/tasks/${gate.taskId}`,
      severity: approved ? 'normal' : 'high',
      topic: `golden-gate-${gate.id}`,
    });
  }

  private async notifyReviewers(gate: GateRequest) {
    if (!this.options.notifyGroup) return;
    await this.send(this.options.notifyGroup, {
      title: `Golden gate: ${gate.requester} asks for ${gate.templateRef}`,
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
