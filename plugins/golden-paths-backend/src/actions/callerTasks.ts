import type {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import { describeFailure } from '../service/ScaffolderTasks';

/** A scaffolder task as `GET /v2/tasks/:id` answers it, in brief. */
export interface CallerTask {
  id: string;
  status: string;
  createdBy?: string;
  spec?: { steps?: Array<{ id: string; name?: string }> };
}

interface TaskEvent {
  type: string;
  body: {
    message?: string;
    stepId?: string;
    status?: string;
    error?: { name?: string; message?: string };
    output?: { links?: Array<{ entityRef?: string }> };
  };
}

/** What a finished task says: the entity it made, or why it failed. */
export interface TaskOutcome {
  entityRef?: string;
  failedStep?: string;
  reason?: string;
}

/** `instance.name is not of a type(s) string` → `name is not of a type(s) string`. */
function validationText(errors: unknown): string | undefined {
  if (!Array.isArray(errors) || errors.length === 0) return undefined;
  return errors
    .map(e => {
      const error = e as {
        property?: string;
        message?: string;
        stack?: string;
      };
      const where = (error.property ?? '').replace(/^instance\.?/, '');
      return error.message
        ? `${where ? `${where} ` : ''}${error.message}`
        : error.stack ?? String(e);
    })
    .join('; ');
}

/**
 * The scaffolder's task API called as the caller of an action (a person, or
 * an agent acting for one): tasks are created, and read, with their
 * credentials, so the scaffolder's permissions apply and the task runs as
 * them.
 */
export class CallerTasks {
  constructor(
    private readonly auth: AuthService,
    private readonly discovery: DiscoveryService,
  ) {}

  private async request(
    credentials: BackstageCredentials,
    path: string,
    init?: { method: 'POST'; body: unknown },
  ): Promise<unknown> {
    const { token } = await this.auth.getPluginRequestToken({
      onBehalfOf: credentials,
      targetPluginId: 'scaffolder',
    });
    const baseUrl = await this.discovery.getBaseUrl('scaffolder');
    const response = await fetch(`${baseUrl}${path}`, {
      method: init?.method ?? 'GET',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
      },
      body: init ? JSON.stringify(init.body) : undefined,
    });
    const text = await response.text();
    let body: any;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    if (response.ok) return body;
    // The scaffolder's errors in words: its parameter validation answers
    // `{ errors }`, everything else `{ error: { name, message } }`.
    const message =
      validationText(body?.errors) ??
      body?.error?.message ??
      `${response.status} ${response.statusText}`;
    switch (response.status) {
      case 400:
        throw new InputError(`the scaffolder refused the request: ${message}`);
      case 403:
        throw new NotAllowedError(`the scaffolder refused: ${message}`);
      case 404:
        throw new NotFoundError(message);
      case 409:
        throw new ConflictError(message);
      default:
        throw new Error(`the scaffolder answered ${message}`);
    }
  }

  /** Creates a task of `templateRef` with `values`, as the caller. */
  async create(
    credentials: BackstageCredentials,
    body: { templateRef: string; values: Record<string, unknown> },
  ): Promise<string> {
    const created = (await this.request(credentials, '/v2/tasks', {
      method: 'POST',
      body,
    })) as { id?: string } | undefined;
    if (!created?.id) throw new Error('the scaffolder created no task');
    return created.id;
  }

  async task(
    credentials: BackstageCredentials,
    taskId: string,
  ): Promise<CallerTask> {
    return (await this.request(
      credentials,
      `/v2/tasks/${encodeURIComponent(taskId)}`,
    )) as CallerTask;
  }

  /**
   * What a finished task made (the entity of its output links) or where
   * and why it failed, from its events.
   */
  async outcome(
    credentials: BackstageCredentials,
    task: CallerTask,
  ): Promise<TaskOutcome> {
    const events = (await this.request(
      credentials,
      `/v2/tasks/${encodeURIComponent(task.id)}/events`,
    )) as TaskEvent[];
    const completion = [...events].reverse().find(e => e.type === 'completion');
    const entityRef = completion?.body.output?.links?.find(
      l => typeof l.entityRef === 'string' && l.entityRef,
    )?.entityRef;
    if (task.status !== 'failed' && task.status !== 'cancelled') {
      return { entityRef };
    }
    const failedStepId = [...events]
      .reverse()
      .find(e => e.type === 'log' && e.body.status === 'failed')?.body.stepId;
    const step = task.spec?.steps?.find(s => s.id === failedStepId);
    const error = completion?.body.error;
    const reason =
      error?.message ??
      completion?.body.message?.replace(/^Run failed with /, '') ??
      undefined;
    return {
      entityRef,
      failedStep: step?.name ?? failedStepId,
      reason: reason ? describeFailure(reason, error?.name) : undefined,
    };
  }
}
