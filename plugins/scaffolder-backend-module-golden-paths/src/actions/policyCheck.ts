import type {
  AuthService,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotAllowedError, ResponseError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  ANNOTATION_TEMPLATE_VERSION,
  GATE_WAITING_NEXT,
  GOLDEN_GATE_PARAMETER,
  gateWaitingHeadline,
  type GateCheckResponse,
  type GateRequest,
  type PolicyCheckResult,
} from '@internal/plugin-golden-paths-common';
import { examples } from './policyCheck.examples';

/** Markdown that shows `text` as it is (task outputs are Markdown). */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]<>|~]/g, '\\$&');
}

/**
 * `portal:policy:check`: the first step of every golden path. Sends the
 * request to the golden-paths backend, which checks it against the
 * organisation's policy:
 * - a broken rule fails the step, one line per rule;
 * - a deviation from a standard opens a golden gate: the step succeeds with
 *   `waiting: true` and `proceed: false`, so the template's later steps
 *   (`if: ${{ steps.policy.output.proceed }}`) create nothing, and `status`
 *   says who approves it, since when, and what happens next. The task ends
 *   completed: waiting is not a failure.
 * - after approval the requester continues it as a new task of the same
 *   template with the approved parameters and `goldenGate: <request id>`;
 *   the step then proceeds, once, for that person and those parameters.
 */
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
        waiting: z =>
          z
            .boolean()
            .optional()
            .describe('true while the request waits at a golden gate'),
        parameters: z => z.record(z.string(), z.unknown()),
        status: z => z.string(),
        gateId: z => z.string().optional(),
        reviewers: z => z.string().optional(),
        waitingSince: z => z.string().optional(),
        template: z =>
          z.object({ name: z.string(), version: z.string(), ref: z.string() }),
      },
    },
    async handler(ctx) {
      // A dry run (the template editor, `./portal templates test`) names
      // every template `template:default/dry-run`; its own name is in the
      // metadata it sends, and the policy's per-template rules need it.
      const dryRunMetadata = ctx.isDryRun
        ? ctx.templateInfo?.entity?.metadata
        : undefined;
      const templateRef = dryRunMetadata?.name
        ? stringifyEntityRef({
            kind: 'Template',
            namespace: dryRunMetadata.namespace ?? 'default',
            name: dryRunMetadata.name,
          })
        : ctx.templateInfo?.entityRef ?? 'template:default/unknown';
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
      formOnly.add(GOLDEN_GATE_PARAMETER);
      const parameters = Object.fromEntries(
        Object.entries(ctx.input.parameters).filter(([k]) => !formOnly.has(k)),
      );
      const continued = ctx.input.parameters[GOLDEN_GATE_PARAMETER];
      if (
        continued !== undefined &&
        typeof continued !== 'string' &&
        typeof continued !== 'number'
      ) {
        throw new InputError(
          `${GOLDEN_GATE_PARAMETER} names the approved gate request this task continues: its id`,
        );
      }

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

      // Who runs the task now: its creator, or whoever retried it (the
      // scaffolder's retry runs as the caller). An approval is the
      // requester's alone.
      const initiator = await ctx
        .getInitiatorCredentials()
        .then(c =>
          c.principal && (c.principal as { type?: string }).type === 'user'
            ? (c.principal as { userEntityRef: string }).userEntityRef
            : undefined,
        )
        .catch(() => undefined);
      const response = await call<GateCheckResponse>('/checks', {
        taskId: ctx.task.id,
        templateRef,
        templateVersion: template.version,
        requester: ctx.user?.ref,
        ...(initiator ? { initiator } : {}),
        parameters,
        ...(continued !== undefined ? { gateId: String(continued) } : {}),
      });
      if (response.decision === 'reject') {
        if (response.refusal) {
          ctx.logger.error(`Golden gate: ${response.refusal}`);
          throw new NotAllowedError(response.refusal);
        }
        fail(response.result);
      }
      if (response.gate) ctx.output('gateId', response.gate.id);
      ctx.output('parameters', response.parameters);

      if (response.decision === 'wait' && response.gate) {
        const gate = response.gate;
        for (const reason of response.result.gates) {
          ctx.logger.info(`Golden gate: ${reason.reason}`);
        }
        ctx.logger.info(`${gateWaitingHeadline(gate)}. ${GATE_WAITING_NEXT}`);
        ctx.output('proceed', false);
        ctx.output('waiting', true);
        if (gate.reviewers) ctx.output('reviewers', gate.reviewers);
        ctx.output('waitingSince', gate.createdAt);
        ctx.output('status', waitingStatus(gate, response.result));
        return;
      }
      if (response.gate) {
        ctx.logger.info(
          `Golden gate ${response.gate.id} approved by ${response.gate.decidedBy}`,
        );
      }
      ctx.output('proceed', true);
      ctx.output('waiting', false);
      ctx.output(
        'status',
        response.gate
          ? `Approved by ${nameOf(response.gate.decidedBy)}${
              response.gate.comment
                ? `: ${escapeMarkdown(response.gate.comment)}`
                : ''
            }`
          : 'Created on the golden path',
      );
    },
  });
}

/** A user as people read them: `pat` for `user:default/pat`, not the ref. */
function nameOf(ref: string | undefined): string {
  if (!ref) return 'someone';
  try {
    return parseEntityRef(ref, { defaultKind: 'user' }).name;
  } catch {
    return ref;
  }
}

/**
 * The task page's words for a request at a gate (Markdown): who approves
 * it since when, why, and what happens next.
 */
function waitingStatus(gate: GateRequest, result: PolicyCheckResult): string {
  const reasons = result.gates.length
    ? result.gates.map(g => g.reason)
    : gate.reasons.map(r => r.reason);
  return [
    `${gateWaitingHeadline({
      ...gate,
      reviewers: gate.reviewers && escapeMarkdown(gate.reviewers),
    })} (request ${gate.id}).`,
    '',
    ...reasons.map(reason => `- ${escapeMarkdown(reason)}`),
    '',
    GATE_WAITING_NEXT,
  ].join('\n');
}
