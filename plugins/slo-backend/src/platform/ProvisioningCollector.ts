import type {
  AuthService,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import type { ScaffolderTask } from '@backstage/plugin-scaffolder-common';
import { asService, getPluginJson } from '@internal/portal-common';
import type { SloStore } from '../store/SloStore';

const PAGE = 100;

/**
 * Copies the scaffolder's finished tasks (its own task records, through its
 * API) into the SLO database, newest first, until tasks are older than the
 * look-back. A task's end is its last heartbeat, which the scaffolder
 * updates while the task runs. Runs once a minute through the scheduler.
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

  async collect(now = new Date()): Promise<{ read: number; finished: number }> {
    const oldest = now.getTime() - this.options.lookBackHours * 3600_000;
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
          t.lastHeartbeatAt
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
