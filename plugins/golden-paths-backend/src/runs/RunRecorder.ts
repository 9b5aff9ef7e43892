import type { LoggerService } from '@backstage/backend-plugin-api';
import type { EventParams } from '@backstage/plugin-events-node';
import type {
  GateRequest,
  RunStatus,
} from '@internal/plugin-golden-paths-common';
import { ANNOTATION_TEMPLATE_VERSION } from '@internal/plugin-golden-paths-common';
import type { ScaffolderTasks } from '../service/ScaffolderTasks';
import type { DatabaseGoldenPathsStore } from '../store/DatabaseGoldenPathsStore';

/** The scaffolder publishes its task changes on this topic. */
export const SCAFFOLDER_TASK_TOPIC = 'scaffolder.task';

interface TaskEventPayload {
  id?: string;
  taskId?: string;
  status?: string;
  createdBy?: string;
  spec?: {
    templateInfo?: {
      entityRef?: string;
      entity?: { metadata?: { annotations?: Record<string, string> } };
    };
  };
}

/**
 * Turns the scaffolder's task events into golden-path runs (template,
 * version, requester, duration, outcome): the events DX metrics count.
 * Every write is idempotent, so a replayed or duplicated event is harmless.
 */
export class RunRecorder {
  constructor(
    private readonly options: {
      store: DatabaseGoldenPathsStore;
      scaffolder: ScaffolderTasks;
      logger: LoggerService;
    },
  ) {}

  async onEvent(event: EventParams): Promise<void> {
    const payload = event.eventPayload as TaskEventPayload;
    try {
      await this.handle(payload);
    } catch (error) {
      this.options.logger.warn(
        `Could not record scaffolder task event ${JSON.stringify({
          id: payload?.id,
          status: payload?.status,
        })}: ${error}`,
      );
    }
  }

  private async handle(payload: TaskEventPayload) {
    const { store } = this.options;
    const now = new Date();
    switch (payload?.status) {
      case 'open': {
        const templateRef = payload.spec?.templateInfo?.entityRef;
        if (!payload.id || !templateRef) return;
        await store.recordRunOpened({
          taskId: payload.id,
          templateRef,
          templateVersion:
            payload.spec?.templateInfo?.entity?.metadata?.annotations?.[
              ANNOTATION_TEMPLATE_VERSION
            ],
          requester: payload.createdBy,
          at: now,
        });
        return;
      }
      case 'processing':
        // Also the start of a retry (the scaffolder announces no other event).
        if (payload.id) await store.markRunProcessing(payload.id, now);
        return;
      case 'completed':
      case 'failed':
      case 'cancelled':
        if (payload.id) await this.finished(payload.id, payload.status, now);
        return;
      default:
        return;
    }
  }

  private async finished(taskId: string, status: string, at: Date) {
    const { store, scaffolder } = this.options;
    const gate = await store.gateByTask(taskId);
    // A task that opened a gate and did not run past it ended there: it
    // waits, or was decided meanwhile. Nothing was provisioned, so the run
    // is neither a completion nor a failure. (A task that stopped at its
    // gate as a failure, before tasks ended there, is one too.)
    if (
      gate &&
      gate.continuedTaskId !== taskId &&
      (status === 'completed' || status === 'failed')
    ) {
      let waiting = runStatusAtGate(gate);
      await store.markRunWaiting({ taskId, status: waiting, at });
      // Decided while this event was on its way: the decision moved a run
      // that was not waiting yet, so follow it here.
      const now = await store.gateByTask(taskId);
      if (now && runStatusAtGate(now) !== waiting) {
        waiting = runStatusAtGate(now);
        await store.markRunWaiting({ taskId, status: waiting, at });
      }
      return;
    }
    let failure: { step?: string; reason?: string } = {};
    if (status === 'failed') {
      failure = await scaffolder.failure(taskId).catch(error => ({
        reason: `the failure could not be read: ${error}`,
      }));
    }
    await store.markRunFinished({
      taskId,
      status: status as RunStatus,
      at,
      failedStep: failure.step,
      failureReason: failure.reason,
    });
  }
}

/** The run of a task that ended at its gate, by where the gate stands. */
export function runStatusAtGate(gate: GateRequest): RunStatus {
  switch (gate.status) {
    case 'approved':
      return gate.continuedTaskId ? 'continued' : 'approved';
    case 'rejected':
      return 'rejected';
    default:
      return 'awaiting-approval';
  }
}
