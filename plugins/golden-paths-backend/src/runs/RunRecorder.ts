import type { LoggerService } from '@backstage/backend-plugin-api';
import type { EventParams } from '@backstage/plugin-events-node';
import type { RunStatus } from '@internal/plugin-golden-paths-common';
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
    let runStatus = status as RunStatus;
    let failure: { step?: string; reason?: string } = {};
    // The policy step stops the task while its gate is pending.
    const waiting =
      (status === 'completed' || status === 'failed') &&
      gate?.status === 'pending';
    if (waiting) runStatus = 'awaiting-approval';
    // Approved while its first attempt was still finishing at the gate: it
    // waits for the requester to continue it.
    const approvedFirst =
      gate?.status === 'approved' && (await store.run(taskId))?.attempts === 1;
    if (approvedFirst) runStatus = 'approved';
    if (status === 'failed' && !waiting && !approvedFirst) {
      failure = await scaffolder.failure(taskId).catch(error => ({
        reason: `the failure could not be read: ${error}`,
      }));
    }
    await store.markRunFinished({
      taskId,
      status: runStatus,
      at,
      failedStep: failure.step,
      failureReason: failure.reason,
    });
  }
}
