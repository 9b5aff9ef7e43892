import type {
  AuthService,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import { ResponseError } from '@backstage/errors';

interface TaskEvent {
  type: string;
  body: {
    message?: string;
    stepId?: string;
    status?: string;
    error?: { name?: string; message?: string };
  };
}

interface TaskSpecSteps {
  spec?: { steps?: Array<{ id: string; name?: string }> };
}

/** The scaffolder's task API, called as this plugin. */
export class ScaffolderTasks {
  constructor(
    private readonly auth: AuthService,
    private readonly discovery: DiscoveryService,
  ) {}

  private async request(path: string, init?: RequestInit): Promise<Response> {
    const { token } = await this.auth.getPluginRequestToken({
      onBehalfOf: await this.auth.getOwnServiceCredentials(),
      targetPluginId: 'scaffolder',
    });
    const baseUrl = await this.discovery.getBaseUrl('scaffolder');
    const response = await fetch(`${baseUrl}${path}`, {
      ...init,
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
      },
    });
    if (!response.ok) throw await ResponseError.fromResponse(response);
    return response;
  }

  /** Which step failed, and why in words, from the task's events. */
  async failure(taskId: string): Promise<{ step?: string; reason?: string }> {
    const id = encodeURIComponent(taskId);
    const [events, task] = await Promise.all([
      this.request(`/v2/tasks/${id}/events`).then(
        r => r.json() as Promise<TaskEvent[]>,
      ),
      this.request(`/v2/tasks/${id}`).then(
        r => r.json() as Promise<TaskSpecSteps>,
      ),
    ]);
    const failedStepId = [...events]
      .reverse()
      .find(e => e.type === 'log' && e.body.status === 'failed')?.body.stepId;
    const completion = [...events].reverse().find(e => e.type === 'completion');
    const step = task.spec?.steps?.find(s => s.id === failedStepId);
    const error = completion?.body.error;
    const reason =
      error?.message ??
      completion?.body.message?.replace(/^Run failed with /, '') ??
      undefined;
    return {
      step: step?.name ?? failedStepId,
      reason: reason ? describeFailure(reason, error?.name) : undefined,
    };
  }
}

/** Scaffolder errors in words a developer can act on. */
export function describeFailure(message: string, name?: string): string {
  const text = message.replace(
    /^(InputError|ConflictError|NotAllowedError|NotFoundError|Error): /,
    '',
  );
  if (name === 'ConflictError' || /already exists/.test(text)) {
    return `Something with this name already exists: ${text}`;
  }
  if (name === 'NotAllowedError') {
    return `You are not allowed to do this: ${text}`;
  }
  if (/breaks the organisation policy/.test(text)) {
    return `The request breaks a rule of the organisation: ${text.replace(
      /^the request breaks the organisation policy: /,
      '',
    )}`;
  }
  if (name === 'InputError') return `The input was refused: ${text}`;
  return text;
}
