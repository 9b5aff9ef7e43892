import type {
  AuthService,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import type { ScaffolderTask } from '@backstage/plugin-scaffolder-common';
import {
  GoldenPathsClient,
  type RunStatus,
} from '@internal/plugin-golden-paths-common';
import { asService, getPluginJson } from '@internal/portal-common';
import type { SloStore } from '../store/SloStore';

const PAGE = 100;
/** Golden-path runs read to find the tasks that ended at a golden gate. */
const GATED_RUNS_READ = 1000;
/** Run states of a task that ended at a gate: nothing was provisioned. */
const AT_A_GATE: RunStatus[] = [
  'awaiting-approval',
  'approved',
  'continued',
  'rejected',
];

/**
 * Copies the scaffolder's finished tasks (its own task records, through its
 * API) into the SLO database, newest first, until tasks are older than the
 * look-back. A task's end is its last heartbeat, which the scaffolder
 * updates while the task runs; a task that ended at a golden gate is left
 * out. Runs once a minute through the scheduler.
 */
export class ProvisioningCollector {
  constructor(
    private readonly options: {
      store: SloStore;
      auth: AuthService;
      discovery: DiscoveryService;
      /** Tasks created longer ago than this are not read again. */
      lookBackHours: number;
      maxPages: number;
    },
  ) {}

  /**
   * Tasks that ended at a golden gate (completed for the scaffolder, but
   * nothing was provisioned): neither a success nor a failure. From the
   * golden-paths backend; none when it is not installed or does not answer.
   */
  private async atAGate(): Promise<Set<string>> {
    try {
      const { items } = await new GoldenPathsClient({
        discoveryApi: this.options.discovery,
      }).listRuns(
        { limit: GATED_RUNS_READ },
        await asService(this.options.auth, 'golden-paths'),
      );
      return new Set(
        items.filter(r => AT_A_GATE.includes(r.status)).map(r => r.taskId),
      );
    } catch {
      return new Set();
    }
  }

  async collect(now = new Date()): Promise<{ read: number; finished: number }> {
    const oldest = now.getTime() - this.options.lookBackHours * 3600_000;
    const gated = await this.atAGate();
    let read = 0;
    const finished: Parameters<SloStore['upsertProvisioningRuns']>[0] = [];
    for (let page = 0; page < this.options.maxPages; page++) {
      // Stock ScaffolderClient.listTasks needs a user's IdentityApi, so the
      // scaffolder's documented route directly, with its task type.
      const { tasks } = await getPluginJson<{ tasks: ScaffolderTask[] }>(
        { discoveryApi: this.options.discovery },
        'scaffolder',
        `/v2/tasks?${new URLSearchParams({
          order: 'desc:created_at',
          limit: String(PAGE),
          offset: String(page * PAGE),
        })}`,
        await asService(this.options.auth, 'scaffolder'),
      );
      read += tasks.length;
      for (const t of tasks) {
        if (
          (t.status === 'completed' || t.status === 'failed') &&
          t.lastHeartbeatAt &&
          !gated.has(t.id)
        )
          finished.push({
            taskId: t.id,
            status: t.status as 'completed' | 'failed',
            templateRef: t.spec?.templateInfo?.entityRef,
            createdAt: new Date(t.createdAt),
            finishedAt: new Date(t.lastHeartbeatAt),
          });
      }
      const last = tasks[tasks.length - 1];
      if (tasks.length < PAGE || new Date(last.createdAt).getTime() < oldest)
        break;
    }
    await this.options.store.upsertProvisioningRuns(finished);
    return { read, finished: finished.length };
  }
}
