import type {
  ActionsRegistryActionOptions,
  ActionsRegistryService,
} from '@backstage/backend-plugin-api/alpha';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import type { SloSummary } from '@internal/plugin-slo-common';
import { sloActionsReadPermission } from '@internal/plugin-slo-common';
import {
  listSloSummaries,
  platformHealth,
  type SloReadServices,
} from '../service/reads';

/** The zod (v3) the actions registry hands to the schema callbacks. */
type Z = Parameters<
  ActionsRegistryActionOptions<any, any>['schema']['input']
>[0];

const percent = (x: number) => `${Math.round(x * 10_000) / 100}%`;

/** An SLO for an agent: the summary the SLO pages show, and it in words. */
function sloOf(s: SloSummary) {
  const window = `${s.window.duration || '?'} ${
    s.window.rolling ? 'rolling' : 'calendar'
  } window`;
  const fastest = [...s.burnRates].sort((a, b) => b.rate - a.rate)[0];
  const words = [
    `${s.displayName ?? s.name}: ${percent(s.target)} over a ${window}, ${
      s.state
    }`,
    s.budget ? `${percent(s.budget.remaining)} of the error budget left` : '',
    fastest && fastest.rate > 0
      ? `burning ${Math.round(fastest.rate * 100) / 100}x over ${
          fastest.windowMinutes
        } min`
      : '',
    s.firingAlerts ? `${s.firingAlerts} alert(s) firing` : '',
    s.error ? `error: ${s.error}` : '',
  ].filter(Boolean);
  return {
    id: s.id,
    name: s.name,
    ...(s.displayName ? { displayName: s.displayName } : {}),
    ...(s.description ? { description: s.description } : {}),
    entityRef: s.entityRef,
    ...(s.ownerRef ? { ownerRef: s.ownerRef } : {}),
    origin: s.origin,
    ...(s.file ? { file: s.file } : {}),
    sourceType: s.sourceType,
    objective: {
      target: s.target,
      window: s.window.duration,
      rolling: s.window.rolling,
      budgetingMethod: s.budgetingMethod,
    },
    state: s.state,
    ...(s.evaluatedAt ? { evaluatedAt: s.evaluatedAt } : {}),
    errorBudget: s.budget
      ? {
          remaining: s.budget.remaining,
          sli: s.budget.sli,
          good: s.budget.good,
          total: s.budget.total,
          allowed: s.budget.allowed,
          consumed: s.budget.consumed,
        }
      : null,
    burnRates: s.burnRates.map(b => ({
      windowMinutes: b.windowMinutes,
      rate: b.rate,
    })),
    firingAlerts: s.firingAlerts,
    ...(s.error ? { error: s.error } : {}),
    problems: s.problems.map(p => ({
      path: p.path,
      message: p.message,
      severity: p.severity,
      ...(p.file ? { file: p.file } : {}),
    })),
    inWords: `${words.join('; ')}.`,
  };
}

const sloSchema = (z: Z) =>
  z.object({
    id: z.string().describe('The SLO id (<entityRef>/<name>)'),
    name: z.string(),
    displayName: z.string().optional(),
    description: z.string().optional(),
    entityRef: z.string(),
    ownerRef: z.string().optional(),
    origin: z
      .string()
      .describe('repository (an OpenSLO file), ui, or platform'),
    file: z.string().optional().describe('The OpenSLO file it came from'),
    sourceType: z
      .string()
      .describe('Where its SLI is read: Prometheus, Push, Portal, ...'),
    objective: z.object({
      target: z.number().describe('Share of good events wanted, e.g. 0.99'),
      window: z.string().describe('e.g. 28d'),
      rolling: z.boolean(),
      budgetingMethod: z.string(),
    }),
    state: z.string().describe('ok, warning, breaching, no-data or error'),
    evaluatedAt: z.string().optional(),
    errorBudget: z
      .object({
        remaining: z
          .number()
          .describe(
            'Share of the error budget left: 1 - consumed / allowed; below 0 once spent',
          ),
        sli: z.number().nullable().describe('good / total over the window'),
        good: z.number(),
        total: z.number(),
        allowed: z
          .number()
          .describe('Bad events (or slices) the window may have'),
        consumed: z.number().describe('Bad events (or slices) it had'),
      })
      .nullable()
      .describe('null before the first evaluation with data'),
    burnRates: z
      .array(
        z.object({
          windowMinutes: z.number(),
          rate: z
            .number()
            .describe(
              '(bad / total) / (1 - target): 1 spends exactly the budget over the window',
            ),
        }),
      )
      .describe('Burn rate per lookback window at the latest evaluation'),
    firingAlerts: z.number(),
    error: z.string().optional().describe('Why it could not be evaluated'),
    problems: z
      .array(
        z.object({
          path: z.string(),
          message: z.string(),
          severity: z.string(),
          file: z.string().optional(),
        }),
      )
      .describe('Problems of its OpenSLO definition'),
    inWords: z.string().describe('The SLO and its state in one sentence'),
  });

/**
 * Registers the SLO reads as actions (`slo:get-entity-slos`,
 * `slo:get-platform-health`), answering only SLOs of entities the caller
 * may read, as the routes do.
 */
export function registerSloActions(
  services: SloReadServices & { actionsRegistry: ActionsRegistryService },
): void {
  const { actionsRegistry, catalog } = services;

  actionsRegistry.register({
    name: 'get-entity-slos',
    title: 'SLOs of an entity',
    description:
      'Lists the SLOs of a catalog entity with their objective, state (ok, warning, breaching, no-data, error), error budget remaining and burn rates at the latest evaluation. ' +
      'Use it to judge whether a service meets its reliability targets or may take risk; entityRef is kind:namespace/name, e.g. component:default/payments-api. An empty list means the entity has no SLO.',
    attributes: { readOnly: true, idempotent: true, destructive: false },
    visibilityPermission: sloActionsReadPermission,
    schema: {
      input: z =>
        z.object({
          entityRef: z
            .string()
            .min(1)
            .max(512)
            .describe('The entity, e.g. component:default/payments-api'),
        }),
      output: z =>
        z.object({
          entityRef: z.string(),
          slos: z.array(sloSchema(z)),
        }),
    },
    action: async ({ input, credentials }) => {
      let entityRef: string;
      try {
        entityRef = stringifyEntityRef(
          parseEntityRef(input.entityRef),
        ).toLocaleLowerCase('en-US');
      } catch (e) {
        throw new InputError(
          `entityRef "${
            input.entityRef
          }" is not an entity ref such as component:default/name: ${
            (e as Error).message
          }`,
        );
      }
      // A caller who reads no entities at all: 403, as on the routes.
      const slos = await listSloSummaries(services, credentials, {
        entityRef,
      });
      // Unknown, or not shown to the caller: the same answer.
      const entity = await catalog.getEntityByRef(entityRef, { credentials });
      if (!entity) throw new NotFoundError(`no entity ${entityRef}`);
      return { output: { entityRef, slos: slos.map(sloOf) } };
    },
  });

  actionsRegistry.register({
    name: 'get-platform-health',
    title: "The portal platform's own health",
    description:
      "Answers the developer portal's own SLOs (those of its platform SLO file, e.g. catalog ingestion, provisioning, API availability) with objective, state, error budget and burn rates, the success rate and duration of golden-path provisioning over the last days, and the probes of its endpoints over the last day. " +
      'Use it when the portal itself seems slow or broken, or to report on the platform.',
    attributes: { readOnly: true, idempotent: true, destructive: false },
    visibilityPermission: sloActionsReadPermission,
    schema: {
      input: z =>
        z.object({
          days: z
            .number()
            .int()
            .min(1)
            .max(90)
            .optional()
            .describe('Days of provisioning runs to count (default 7)'),
        }),
      output: z =>
        z.object({
          slos: z.array(sloSchema(z)),
          evaluation: z
            .object({
              at: z.string(),
              durationMs: z.number(),
              evaluated: z.number(),
              failed: z.number(),
            })
            .optional()
            .describe('The latest evaluation cycle of every SLO'),
          provisioning: z.object({
            from: z.string(),
            to: z.string(),
            completed: z.number(),
            failed: z.number(),
            successRate: z.number().nullable(),
            p50Seconds: z.number().nullable(),
            p95Seconds: z.number().nullable(),
          }),
          probes: z
            .array(
              z.object({
                target: z.string(),
                ok: z.number(),
                total: z.number(),
                lastOk: z.boolean().optional(),
                lastAt: z.string().optional(),
                lastError: z.string().optional(),
                p95LatencyMs: z.number().nullable(),
              }),
            )
            .describe("Probes of the portal's endpoints over the last day"),
        }),
    },
    action: async ({ input, credentials }) => {
      const health = await platformHealth(
        services,
        credentials,
        input.days ?? 7,
      );
      return { output: { ...health, slos: health.slos.map(sloOf) } };
    },
  });
}
