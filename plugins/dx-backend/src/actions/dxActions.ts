import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import type {
  ActionsRegistryActionOptions,
  ActionsRegistryService,
} from '@backstage/backend-plugin-api/alpha';
import { InputError, NotFoundError } from '@backstage/errors';
import type {
  DoraPeriod,
  EntityScorecard,
  Scorecard,
} from '@internal/plugin-dx-common';
import { dxActionsReadPermission } from '@internal/plugin-dx-common';
import { catalogReadScope } from '@internal/portal-node';
import {
  doraForScope,
  goldenPathsVersusOthers,
  type DoraScopeServices,
} from '../metrics/doraScope';
import type { ScorecardStore } from '../scorecards/ScorecardStore';
import { refParam } from '../service/params';

/** The zod (v3) the actions registry hands to the schema callbacks. */
type Z = Parameters<
  ActionsRegistryActionOptions<any, any>['schema']['input']
>[0];

const DAY = 86_400_000;
/** Longest range the actions answer, in days (the roll-up horizon). */
const MAX_DAYS = 400;

export interface DxActionServices extends DoraScopeServices {
  actionsRegistry: ActionsRegistryService;
  scorecards: ScorecardStore;
  cards: Scorecard[];
}

/** The `days` whole UTC days up to the end of today, as the routes default. */
function lastDays(days: number) {
  const to = new Date(Math.floor(Date.now() / DAY + 1) * DAY);
  return { from: new Date(to.getTime() - days * DAY), to };
}

const daysInput = (z: Z, fallback: number) =>
  z
    .number()
    .int()
    .min(1)
    .max(MAX_DAYS)
    .optional()
    .describe(
      `Whole UTC days up to the end of today (default ${fallback}, at most ${MAX_DAYS})`,
    );

const level = (z: Z) =>
  z
    .enum(['elite', 'high', 'medium', 'low'])
    .nullable()
    .describe('DORA performance level; null without a sample');

/** The five keys of one period, each with its sample size and level. */
const keysSchema = (z: Z) => ({
  from: z.string(),
  to: z.string(),
  level: level(z).describe('Overall level: the lowest of the four keys'),
  deploymentFrequency: z.object({
    deployments: z
      .number()
      .describe('Successful production deployments (the sample)'),
    perDay: z.number(),
    perWeek: z.number(),
    excluded: z.object({ failed: z.number(), notProduction: z.number() }),
    level: level(z),
  }),
  leadTime: z.object({
    changes: z.number().describe('Changes deployed in the range (the sample)'),
    medianMs: z.number().nullable(),
    p90Ms: z.number().nullable(),
    deploymentsWithoutChanges: z.number(),
    notDeployed: z.number(),
    withoutCommitTimes: z.number(),
    level: level(z),
  }),
  changeFailureRate: z.object({
    deployments: z.number().describe('The sample'),
    failed: z.number(),
    rate: z.number().nullable(),
    incidentsWithoutDeployment: z.number(),
    level: level(z),
  }),
  recoveryTime: z.object({
    incidents: z
      .number()
      .describe('Production incidents resolved in the range (the sample)'),
    medianMs: z.number().nullable(),
    stillOpen: z.number(),
    level: level(z),
  }),
  reworkRate: z
    .object({
      deployments: z.number().describe('The sample'),
      rework: z.number(),
      rate: z.number().nullable(),
      withMarkers: z.number(),
      byReason: z.record(z.number()),
    })
    .optional()
    .describe('The fifth key (no level); absent when added up from roll-ups'),
});

const diagnosticsSchema = (z: Z) =>
  z
    .array(
      z.object({
        kind: z.string(),
        metrics: z.array(z.string()).describe('The numbers it touches'),
        count: z.number(),
        problem: z.string().describe('What could not be linked or counted'),
        fix: z.string().describe('How to fix it'),
        examples: z.array(z.string()).describe('A few ids to look at'),
      }),
    )
    .describe('What is missing behind the numbers, with how to fix it');

function keysOf(p: Omit<DoraPeriod, 'perDay'>) {
  const df = p.deploymentFrequency;
  const lt = p.leadTime;
  const cfr = p.changeFailureRate;
  const rt = p.recoveryTime;
  const rw = p.reworkRate;
  return {
    from: p.from,
    to: p.to,
    level: p.level,
    deploymentFrequency: {
      deployments: df.deployments,
      perDay: df.perDay,
      perWeek: df.perWeek,
      excluded: df.excluded,
      level: df.level,
    },
    leadTime: {
      changes: lt.changes,
      medianMs: lt.medianMs,
      p90Ms: lt.p90Ms,
      deploymentsWithoutChanges: lt.deploymentsWithoutChanges,
      notDeployed: lt.notDeployed,
      withoutCommitTimes: lt.withoutCommitTimes,
      level: lt.level,
    },
    changeFailureRate: {
      deployments: cfr.deployments,
      failed: cfr.failed,
      rate: cfr.rate,
      incidentsWithoutDeployment: cfr.incidentsWithoutDeployment,
      level: cfr.level,
    },
    recoveryTime: {
      incidents: rt.incidents,
      medianMs: rt.medianMs,
      stillOpen: rt.stillOpen,
      level: rt.level,
    },
    ...(rw
      ? {
          reworkRate: {
            deployments: rw.deployments,
            rework: rw.rework,
            rate: rw.rate,
            withMarkers: rw.withMarkers,
            byReason: rw.byReason,
          },
        }
      : {}),
  };
}

const diagnosticsOf = (p: DoraPeriod) =>
  (p.diagnostics ?? []).map(d => ({
    kind: d.kind,
    metrics: d.metrics,
    count: d.count,
    problem: d.problem,
    fix: d.fix,
    examples: d.examples,
  }));

function duration(ms: number | null): string {
  if (ms === null) return 'n/a';
  const h = ms / 3_600_000;
  if (h < 1) return `${Math.round(ms / 60_000)} min`;
  if (h < 48) return `${Math.round(h * 10) / 10} h`;
  return `${Math.round((h / 24) * 10) / 10} days`;
}
const share = (x: number | null) =>
  x === null ? 'n/a' : `${Math.round(x * 1000) / 10}%`;

/** The five keys in one sentence. */
function inWords(p: DoraPeriod): string {
  const lv = (l: string | null) => l ?? 'no level';
  const df = p.deploymentFrequency;
  const parts = [
    `deployment frequency ${Math.round(df.perWeek * 10) / 10}/week (${lv(
      df.level,
    )}, ${df.deployments} deployments)`,
    `lead time median ${duration(p.leadTime.medianMs)} (${lv(
      p.leadTime.level,
    )}, ${p.leadTime.changes} changes)`,
    `change failure rate ${share(p.changeFailureRate.rate)} (${lv(
      p.changeFailureRate.level,
    )}, ${p.changeFailureRate.failed} of ${
      p.changeFailureRate.deployments
    } deployments)`,
    `recovery time median ${duration(p.recoveryTime.medianMs)} (${lv(
      p.recoveryTime.level,
    )}, ${p.recoveryTime.incidents} incidents)`,
  ];
  if (p.reworkRate)
    parts.push(
      `rework rate ${share(p.reworkRate.rate)} (${p.reworkRate.rework} of ${
        p.reworkRate.deployments
      })`,
    );
  const diagnostics = p.diagnostics?.length ?? 0;
  return `${parts.join('; ')}. Overall: ${lv(p.level)}.${
    diagnostics ? ` ${diagnostics} diagnostic(s) say what is missing.` : ''
  }`;
}

/**
 * Registers the DX reads as actions (`dx:get-dora-metrics`,
 * `dx:compare-golden-paths`, `dx:get-entity-scorecard`): the numbers of
 * the routes, of the entities the caller may read.
 */
export function registerDxActions(services: DxActionServices): void {
  const { actionsRegistry, catalog, permissions, scorecards, cards } = services;

  /**
   * The entity as the catalog shows it to the caller: NotAllowedError when
   * they read no entities at all (as on the routes), NotFoundError when it
   * is unknown or hidden from them.
   */
  async function requireReadable(
    ref: string,
    credentials: BackstageCredentials,
    what: string,
  ) {
    await catalogReadScope({ permissions, catalog }, credentials, {
      refs: [],
    });
    const entity = await catalog.getEntityByRef(ref, { credentials });
    if (!entity) throw new NotFoundError(`no entity ${ref} (${what})`);
  }

  actionsRegistry.register({
    name: 'get-dora-metrics',
    title: 'DORA metrics',
    description:
      'Answers the DORA keys (deployment frequency, lead time for changes, change failure rate, failed deployment recovery time, and rework rate) with sample sizes and levels, the previous period of equal length, and diagnostics saying which events could not be linked and how to fix that. ' +
      'Give entityRef for one entity, owner (a group ref) for the entities a team owns, or neither for the whole organisation; days is the range ending today (default 30).',
    attributes: { readOnly: true, idempotent: true, destructive: false },
    visibilityPermission: dxActionsReadPermission,
    schema: {
      input: z =>
        z.object({
          entityRef: z
            .string()
            .min(1)
            .max(512)
            .optional()
            .describe('One entity, e.g. component:default/payments-api'),
          owner: z
            .string()
            .min(1)
            .max(512)
            .optional()
            .describe(
              'A team: the entities it owns, e.g. group:default/payments',
            ),
          days: daysInput(z, 30),
        }),
      output: z =>
        z.object({
          scope: z.object({
            kind: z.enum(['organisation', 'entity', 'owner']),
            entityRef: z.string().optional(),
            owner: z.string().optional(),
            entities: z
              .number()
              .optional()
              .describe("The owner's entities counted"),
          }),
          ...keysSchema(z),
          source: z
            .string()
            .optional()
            .describe(
              'events (exact) or rollup (added up from daily roll-ups)',
            ),
          diagnostics: diagnosticsSchema(z),
          previous: z
            .object(keysSchema(z))
            .describe('The period of equal length before'),
          inWords: z.string().describe('The numbers in one sentence'),
        }),
    },
    action: async ({ input, credentials }) => {
      if (input.entityRef && input.owner)
        throw new InputError(
          'give entityRef or owner (or neither, for the organisation), not both',
        );
      const entityRef = refParam(input.entityRef, 'entityRef');
      const owner = refParam(input.owner, 'owner');
      if (entityRef) await requireReadable(entityRef, credentials, 'entityRef');
      if (owner) await requireReadable(owner, credentials, 'owner');
      const m = await doraForScope(services, credentials, {
        entityRef,
        owner,
        ...lastDays(input.days ?? 30),
        settings: { timeZone: 'UTC', rows: false },
      });
      let scope: {
        kind: 'organisation' | 'entity' | 'owner';
        entityRef?: string;
        owner?: string;
        entities?: number;
      } = { kind: 'organisation' };
      if ('entityRef' in m.scope)
        scope = { kind: 'entity', entityRef: m.scope.entityRef };
      else if ('owner' in m.scope)
        scope = {
          kind: 'owner',
          owner: m.scope.owner,
          entities: m.scope.entities,
        };
      return {
        output: {
          scope,
          ...keysOf(m),
          ...(m.source ? { source: m.source } : {}),
          diagnostics: diagnosticsOf(m),
          previous: keysOf(m.previous),
          inWords: inWords(m),
        },
      };
    },
  });

  actionsRegistry.register({
    name: 'compare-golden-paths',
    title: 'Golden paths versus the rest',
    description:
      'Compares the DORA keys of the components made from a golden-path template (annotation portal.dev/template) with those of every other entity with delivery events, side by side with sample sizes and levels. ' +
      'Use it to show whether golden paths deliver better; days is the range ending today (default 90).',
    attributes: { readOnly: true, idempotent: true, destructive: false },
    visibilityPermission: dxActionsReadPermission,
    schema: {
      input: z => z.object({ days: daysInput(z, 90) }),
      output: z =>
        z.object({
          from: z.string(),
          to: z.string(),
          goldenPath: z.object({
            entities: z
              .number()
              .describe('Components made from a golden-path template'),
            ...keysSchema(z),
            diagnostics: diagnosticsSchema(z),
          }),
          others: z.object({
            ...keysSchema(z),
            diagnostics: diagnosticsSchema(z),
          }),
          inWords: z.string(),
        }),
    },
    action: async ({ input, credentials }) => {
      const c = await goldenPathsVersusOthers(services, credentials, {
        ...lastDays(input.days ?? 90),
        settings: { timeZone: 'UTC', rows: false },
      });
      return {
        output: {
          from: c.from,
          to: c.to,
          goldenPath: {
            entities: c.goldenPath.entities,
            ...keysOf(c.goldenPath),
            diagnostics: diagnosticsOf(c.goldenPath),
          },
          others: {
            ...keysOf(c.others),
            diagnostics: diagnosticsOf(c.others),
          },
          inWords: `Golden paths (${
            c.goldenPath.entities
          } components): ${inWords(c.goldenPath)} The rest: ${inWords(
            c.others,
          )}`,
        },
      };
    },
  });

  const scorecardOf = (s: EntityScorecard) => {
    const failing = s.checks.filter(c => c.status === 'fail');
    return {
      scorecardId: s.scorecardId,
      title: s.title,
      level: s.level,
      levels: s.levels,
      score: s.score,
      evaluatedAt: s.evaluatedAt,
      checks: s.checks.map(c => ({
        id: c.id,
        title: c.title,
        level: c.level,
        status: c.status,
        detail: c.detail,
        ...(c.status === 'fail' && c.fix ? { fix: c.fix } : {}),
      })),
      inWords: `${s.title}: level ${s.level ?? 'none'} of ${s.levels.join(
        ', ',
      )}, ${Math.round(s.score * 100)}% of checks pass${
        failing.length
          ? `; failing: ${failing
              .map(
                c =>
                  `${c.title} (${c.detail})${c.fix ? ` - fix: ${c.fix}` : ''}`,
              )
              .join('; ')}`
          : ''
      }.`,
    };
  };

  actionsRegistry.register({
    name: 'get-entity-scorecard',
    title: 'Scorecards of an entity',
    description:
      "Answers an entity's scorecards (e.g. production readiness): the level reached, and every check with pass, fail or n/a, what was found, and for each failing check how to fix it. " +
      'Use it to know what a service lacks and what to do next; entityRef is kind:namespace/name. Scorecards are evaluated on a schedule, so a fix shows at the next run.',
    attributes: { readOnly: true, idempotent: true, destructive: false },
    visibilityPermission: dxActionsReadPermission,
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
          scorecards: z.array(
            z.object({
              scorecardId: z.string(),
              title: z.string(),
              level: z
                .string()
                .nullable()
                .describe('The highest level whose checks all pass'),
              levels: z.array(z.string()).describe('Lowest first'),
              score: z.number().describe('Share of checks passing, 0..1'),
              evaluatedAt: z.string(),
              checks: z.array(
                z.object({
                  id: z.string(),
                  title: z.string(),
                  level: z.string(),
                  status: z.enum(['pass', 'fail', 'n/a']),
                  detail: z.string().describe('What was found'),
                  fix: z
                    .string()
                    .optional()
                    .describe('How to fix it (failing checks)'),
                }),
              ),
              inWords: z.string(),
            }),
          ),
          inWords: z.string(),
        }),
    },
    action: async ({ input, credentials }) => {
      const entityRef = refParam(input.entityRef, 'entityRef')!;
      await requireReadable(entityRef, credentials, 'entityRef');
      const results = (await scorecards.forEntity(entityRef, cards)).map(
        scorecardOf,
      );
      return {
        output: {
          entityRef,
          scorecards: results,
          inWords: results.length
            ? results.map(r => r.inWords).join(' ')
            : `No scorecard result for ${entityRef} yet: the scorecards (${
                cards.map(c => c.title).join(', ') || 'none configured'
              }) are evaluated on a schedule, or do not apply to its kind.`,
        },
      };
    },
  });
}
