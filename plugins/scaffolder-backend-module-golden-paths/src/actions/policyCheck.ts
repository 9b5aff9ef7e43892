import type {
  AuthService,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { InputError, ResponseError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  ANNOTATION_TEMPLATE_VERSION,
  type GateCheckResponse,
  type PolicyCheckResult,
} from '@internal/plugin-golden-paths-common';
import { examples } from './policyCheck.examples';

/**
 * `portal:policy:check`: the first step of every golden path. Sends the
 * request to the golden-paths backend, which checks it against the
 * organisation's policy:
 * - a broken rule fails the step, one line per rule;
 * - a deviation from a standard opens a golden gate: the step stops the
 *   task with "waiting for approval" (as a failure, so that nothing after it
 *   runs and the step itself is not remembered as done by the scaffolder's
 *   task recovery); approval re-runs the task, and this step then hands the
 *   approved parameters to the rest of the template.
 */
/** A golden gate waits for a reviewer: the task stops here for now. */
export class GateWaitingError extends Error {
  name = 'GateWaitingError';
}

export function createPolicyCheckAction(options: {
  auth: AuthService;
  discovery: DiscoveryService;
}) {
  const { auth, discovery } = options;

  const call = async <T>(path: string, body: unknown): Promise<T> => {
    const { token } = await auth.getPluginRequestToken({
      onBehalfOf: await auth.getOwnServiceCredentials(),
      targetPluginId: 'golden-paths',
    });
    const baseUrl = await discovery.getBaseUrl('golden-paths');
    const response = await fetch(`${baseUrl}${path}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw await ResponseError.fromResponse(response);
    // Parsed here (not with response.json()) so the objects belong to this
    // realm: the scaffolder's templating accepts only plain records.
    return JSON.parse(await response.text()) as T;
  };

  return createTemplateAction({
    id: 'portal:policy:check',
    description:
      'Checks the request against the organisation policy: broken rules fail, deviations from the standard wait at a golden gate for the platform team.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        parameters: z =>
          z.record(z.string(), z.unknown()).describe('The template parameters'),
        formOnly: z =>
          z
            .array(z.string())
            .optional()
            .describe(
              'Parameters that only exist in the form (default: policyCheck, the PolicyCheck field): neither checked, nor shown to reviewers, nor passed on',
            ),
      },
      output: {
        proceed: z => z.boolean(),
        parameters: z => z.record(z.string(), z.unknown()),
        status: z => z.string(),
        gateId: z => z.string().optional(),
        template: z =>
          z.object({ name: z.string(), version: z.string(), ref: z.string() }),
      },
    },
    async handler(ctx) {
      const templateRef =
        ctx.templateInfo?.entityRef ?? 'template:default/unknown';
      const template = {
        name: parseEntityRef(templateRef).name,
        version:
          ctx.templateInfo?.entity?.metadata.annotations?.[
            ANNOTATION_TEMPLATE_VERSION
          ] ?? '0.0.0',
        ref: templateRef,
      };
      ctx.output('template', template);
      const formOnly = new Set(ctx.input.formOnly ?? ['policyCheck']);
      const parameters = Object.fromEntries(
        Object.entries(ctx.input.parameters).filter(([k]) => !formOnly.has(k)),
      );

      const fail = (result: PolicyCheckResult) => {
        const lines = [
          ...result.problems,
          ...result.violations.map(v => v.message),
        ];
        for (const line of lines) ctx.logger.error(`Policy: ${line}`);
        throw new InputError(
          `the request breaks the organisation policy: ${lines.join('; ')}`,
        );
      };

      if (ctx.isDryRun) {
        const result = await call<PolicyCheckResult>('/policy/evaluate', {
          template: template.name,
          parameters,
        });
        if (result.problems.length || result.violations.length) fail(result);
        for (const gate of result.gates) {
          ctx.logger.warn(`Golden gate: ${gate.reason}`);
        }
        ctx.output('proceed', true);
        ctx.output('parameters', parameters);
        ctx.output('status', 'Dry run: the policy check passed');
        return;
      }

      const response = await call<GateCheckResponse>('/checks', {
        taskId: ctx.task.id,
        templateRef,
        templateVersion: template.version,
        requester: ctx.user?.ref,
        parameters,
      });
      if (response.decision === 'reject') fail(response.result);
      if (response.gate) ctx.output('gateId', response.gate.id);
      ctx.output('parameters', response.parameters);

      if (response.decision === 'wait') {
        const reasons = response.result.gates.map(g => g.reason);
        for (const reason of reasons) ctx.logger.warn(`Golden gate: ${reason}`);
        // Not a step that succeeded: with task recovery on, the scaffolder
        // skips completed steps when the approved task runs again, and this
        // one must run again to hand over the approved parameters.
        throw new GateWaitingError(
          `Waiting for approval by the platform team (request ${
            response.gate?.id
          }): ${reasons.join(
            '; ',
          )}. Nothing was created yet. You will be notified of the decision; the template then runs on its own.`,
        );
      }
      if (response.gate) {
        ctx.logger.info(
          `Golden gate ${response.gate.id} approved by ${response.gate.decidedBy}`,
        );
      }
      ctx.output('proceed', true);
      ctx.output(
        'status',
        response.gate
          ? `Approved by ${response.gate.decidedBy}${
              response.gate.comment ? `: ${response.gate.comment}` : ''
            }`
          : 'Created on the golden path',
      );
    },
  });
}
