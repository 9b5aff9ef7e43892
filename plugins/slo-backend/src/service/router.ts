import { catalogReadScope } from '@internal/portal-node';
import type {
  AuthService,
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import {
  parseEntityRef,
  RELATION_MEMBER_OF,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  AuthorizeResult,
  type BasicPermission,
} from '@backstage/plugin-permission-common';
import {
  parseOpenSlo,
  parseOpenSloDocuments,
  sloManagePermission,
  sloPushPermission,
  windowAt,
  PUSH_SOURCE,
  type PlatformHealth,
  type SloDetail,
  type SloState,
} from '@internal/plugin-slo-common';
import {
  bodyParserErrors,
  ingestionRateLimit,
  type RequestLimitOptions,
} from '@internal/request-limits';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { MAX_OPENSLO_BYTES, ownership } from '../definitions/DefinitionSync';
import {
  dedupeRows,
  sourceTypeOf,
  toDefinitions,
} from '../definitions/toDefinitions';
import { minuteOf } from '../evaluation/bucketize';
import { listSloSummaries, platformHealth, summarize } from './reads';
import type { SloEvaluator } from '../evaluation/SloEvaluator';
import type { Counts, SloDefinitionRow, SloStore } from '../store/SloStore';

/** Pushed events may be at most this far in the future (clock skew). */
const FUTURE_SKEW_MS = 5 * 60_000;
const MAX_PUSH_EVENTS = 10_000;

const count = z.number().finite().nonnegative();
const pushBody = z.object({
  batchId: z.string().min(1).max(200).optional(),
  events: z
    .array(
      z
        .object({
          timestamp: z.iso.datetime({ offset: true }),
          good: count,
          total: count,
        })
        .refine(e => e.good <= e.total, 'good must not exceed total'),
    )
    .min(1)
    .max(MAX_PUSH_EVENTS),
});
const createBody = z.object({
  entityRef: z.string().min(1).max(512),
  yaml: z.string().min(1).max(MAX_OPENSLO_BYTES),
});
/** Files of one upload to `POST /validate`, as many as ingestion keeps per repository. */
export const MAX_VALIDATE_FILES = 200;
const validateBody = z.union([
  z.object({ yaml: z.string().min(1).max(MAX_OPENSLO_BYTES) }),
  // Several files of one upload, read together: references resolve
  // across them.
  z.object({
    files: z
      .array(
        z.object({
          path: z.string().min(1).max(1024),
          yaml: z.string().max(MAX_OPENSLO_BYTES),
        }),
      )
      .min(1)
      .max(MAX_VALIDATE_FILES),
  }),
]);

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success)
    throw new InputError(
      `invalid ${what}: ${result.error.issues
        .slice(0, 5)
        .map(i => `${i.path.join('.') || what}: ${i.message}`)
        .join('; ')}`,
    );
  return result.data;
}

function refParam(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length > 512)
    throw new InputError(`${name} must be an entity ref`);
  try {
    return stringifyEntityRef(parseEntityRef(value)).toLocaleLowerCase('en-US');
  } catch (e) {
    throw new InputError(`${name}: ${(e as Error).message}`);
  }
}

function dateParam(value: unknown, name: string): Date | undefined {
  if (value === undefined) return undefined;
  const d = typeof value === 'string' ? new Date(value) : undefined;
  if (!d || Number.isNaN(d.getTime()))
    throw new InputError(`${name} must be an ISO date-time`);
  return d;
}

const STATES: SloState[] = ['ok', 'warning', 'breaching', 'no-data', 'error'];

export interface SloRouterOptions {
  httpAuth: HttpAuthService;
  auth: AuthService;
  userInfo: UserInfoService;
  permissions: PermissionsService;
  catalog: CatalogService;
  store: SloStore;
  evaluator: SloEvaluator;
  /** Largest request body (slo.maxBodyBytes). */
  maxBodyBytes: number;
  /** Per caller for pushed counts (portal.limits.requestsPerMinute). */
  requestsPerMinute: number;
  /** Shared counters, identities, proxies (requestLimits). */
  limits?: RequestLimitOptions;
}

/** The SLO API, mounted at `/api/slo`. Every route needs credentials. */
export function createSloRouter(options: SloRouterOptions): express.Router {
  const { httpAuth, userInfo, permissions, catalog, store, evaluator } =
    options;
  const router = Router();
  const pushLimit = ingestionRateLimit({
    requestsPerMinute: options.requestsPerMinute,
    ...options.limits,
    endpoint: 'POST /api/slo/slos/:id/events',
  });
  router.use('/slos/:id/events', (req, res, next) =>
    req.method === 'POST' ? pushLimit(req, res, next) : next(),
  );
  router.use(express.json({ limit: options.maxBodyBytes }));

  const reader = (req: express.Request) =>
    httpAuth.credentials(req, { allow: ['user', 'service'] });
  /** What the caller may read of these entities (every one, or a list). */
  const readScope = (credentials: BackstageCredentials, refs: string[]) =>
    catalogReadScope({ permissions, catalog }, credentials, { refs });

  async function allowed(
    credentials: BackstageCredentials,
    permission: BasicPermission,
  ) {
    const [decision] = await permissions.authorize([{ permission }], {
      credentials,
    });
    return decision.result === AuthorizeResult.ALLOW;
  }

  /**
   * Refs the user owns through: the sign-in's ownership claims, plus the
   * groups the catalog lists the user as a member of. Lower case.
   */
  async function ownershipOf(credentials: BackstageCredentials) {
    const { userEntityRef, ownershipEntityRefs } = await userInfo.getUserInfo(
      credentials,
    );
    const user = await catalog.getEntityByRef(userEntityRef, { credentials });
    const groups = (user?.relations ?? [])
      .filter(r => r.type === RELATION_MEMBER_OF)
      .map(r => r.targetRef);
    return new Set(
      [userEntityRef, ...ownershipEntityRefs, ...groups].map(r =>
        r.toLocaleLowerCase('en-US'),
      ),
    );
  }

  async function definition(id: string) {
    const def = await store.getDefinition(id);
    if (!def) throw new NotFoundError(`no SLO ${id}`);
    return def;
  }

  router.get('/slos', async (req, res) => {
    const credentials = await reader(req);
    const state = req.query.state;
    if (state !== undefined && !STATES.includes(state as SloState))
      throw new InputError(`state must be one of ${STATES.join(', ')}`);
    const filter = {
      entityRef: refParam(req.query.entityRef, 'entityRef'),
      ownerRef: refParam(req.query.owner, 'owner'),
      systemRef: refParam(req.query.system, 'system'),
    };
    const items = await listSloSummaries(
      { permissions, catalog, store },
      credentials,
      filter,
      state as SloState | undefined,
    );
    res.json({ items });
  });

  router.get('/slos/:id', async (req, res) => {
    const credentials = await reader(req);
    const def = await definition(req.params.id);
    if (!(await readScope(credentials, [def.entityRef])).has(def.entityRef))
      throw new NotFoundError(`no SLO ${req.params.id}`);
    const status = (await store.getStatuses([def.id])).get(def.id);
    const summary = summarize(def, status);
    const now = new Date();
    if (!def.spec) {
      const refused: SloDetail = {
        ...summary,
        alerts: [],
        series: [],
        alertHistory: [],
        from: now.toISOString(),
        to: now.toISOString(),
      };
      res.json(refused);
      return;
    }
    const to = dateParam(req.query.to, 'to') ?? now;
    const from =
      dateParam(req.query.from, 'from') ??
      windowAt(def.spec.timeWindow, to).from;
    if (from >= to) throw new InputError('from must be before to');
    if (to.getTime() - from.getTime() > 400 * 86400_000)
      throw new InputError('from and to may be at most 400 days apart');
    const body: SloDetail = {
      ...summary,
      spec: def.spec,
      alerts: status?.alerts ?? [],
      series: await evaluator.series(
        def,
        minuteOf(from),
        Math.ceil(to.getTime() / 60_000),
      ),
      alertHistory: await store.listAlertEvents(def.id),
      from: from.toISOString(),
      to: to.toISOString(),
    };
    res.json(body);
  });

  router.post('/validate', async (req, res) => {
    await reader(req);
    const body = parse(validateBody, req.body, 'request');
    const preview = 'component:default/preview';
    const found = (r: SloDefinitionRow) => ({
      name: r.name,
      target: r.spec!.objective.target,
      sourceType: r.sourceType,
    });
    if ('yaml' in body) {
      const rows = toDefinitions(
        parseOpenSlo(body.yaml),
        { entityRef: preview, origin: 'ui' },
        t => evaluator.source(t),
      );
      res.json({
        slos: rows.filter(r => r.spec).map(found),
        problems: [...new Set(rows.flatMap(r => r.problems))],
      });
      return;
    }
    const paths = body.files.map(f => f.path);
    const twice = paths.find((p, i) => paths.indexOf(p) !== i);
    if (twice) throw new InputError(`files: ${twice} is given twice`);
    const parsed = parseOpenSloDocuments(
      body.files.map(f => ({ path: f.path, text: f.yaml })),
    );
    const rows = dedupeRows(
      parsed.files.flatMap(result =>
        toDefinitions(
          result,
          { entityRef: preview, origin: 'ui', file: result.path },
          t => evaluator.source(t),
        ),
      ),
      preview,
    );
    // Per file: the SLOs it declares, and the problems met reading it or
    // resolving its SLOs (each says the file it is located in).
    const files = parsed.files.map(result => {
      const mine = rows.filter(r => r.file === result.path);
      return {
        path: result.path,
        slos: mine.filter(r => r.spec).map(found),
        problems: [
          ...new Set([...result.problems, ...mine.flatMap(r => r.problems)]),
        ],
      };
    });
    res.json({
      slos: rows.filter(r => r.spec).map(r => ({ ...found(r), file: r.file })),
      problems: [...new Set(files.flatMap(f => f.problems))],
      files,
    });
  });

  // An SLO made in the UI: owners of the entity only.
  router.post('/slos', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const body = parse(createBody, req.body, 'request');
    const entityRef = refParam(body.entityRef, 'entityRef')!;
    if (!(await allowed(credentials, sloManagePermission)))
      throw new NotAllowedError('you may not manage SLOs (slo.manage)');
    const entity = await catalog.getEntityByRef(entityRef, { credentials });
    if (!entity) throw new NotFoundError(`no entity ${entityRef}`);
    const owners = ownership(entity);
    const { userEntityRef } = await userInfo.getUserInfo(credentials);
    const mine = await ownershipOf(credentials);
    if (
      !owners.ownerRef ||
      !mine.has(owners.ownerRef.toLocaleLowerCase('en-US'))
    )
      throw new NotAllowedError(
        `only the owners of ${entityRef} (${
          owners.ownerRef ?? 'none'
        }) may add SLOs to it`,
      );
    const parsed = parseOpenSlo(body.yaml);
    const rows = toDefinitions(
      parsed,
      {
        entityRef,
        ...owners,
        origin: 'ui',
        yaml: body.yaml,
        createdBy: userEntityRef,
      },
      t => evaluator.source(t),
    );
    const errors = [...new Set(rows.flatMap(r => r.problems))].filter(
      p => p.severity === 'error',
    );
    if (rows.length === 0 || errors.length > 0)
      throw new InputError(
        rows.length === 0
          ? 'the YAML holds no OpenSLO SLO'
          : `the SLO is not valid: ${errors
              .map(p => `${p.path}: ${p.message}`)
              .join('; ')}`,
      );
    const taken = await store.listDefinitions({ ids: rows.map(r => r.id) });
    if (taken.length > 0)
      throw new ConflictError(
        `${entityRef} already has an SLO named ${taken[0].name} (${taken[0].origin})`,
      );
    await store.insertDefinitions(rows);
    res.status(201).json({ items: rows.map(r => summarize(r, undefined)) });
  });

  router.delete('/slos/:id', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const def = await definition(req.params.id);
    if (def.origin !== 'ui')
      throw new ConflictError(
        `${def.id} is declared in ${
          def.origin === 'platform' ? 'the platform SLO file' : def.file
        }; change it there`,
      );
    if (!(await allowed(credentials, sloManagePermission)))
      throw new NotAllowedError('you may not manage SLOs (slo.manage)');
    const mine = await ownershipOf(credentials);
    if (!def.ownerRef || !mine.has(def.ownerRef))
      throw new NotAllowedError(
        `only the owners of ${def.entityRef} may delete its SLOs`,
      );
    await store.deleteDefinition(def.id);
    res.status(204).end();
  });

  // Counts pushed by a client, for SLOs whose source type is Push.
  router.post('/slos/:id/events', async (req, res) => {
    const credentials = await reader(req);
    if (!(await allowed(credentials, sloPushPermission)))
      throw new NotAllowedError(
        'you may not push SLO events (slo.events.push)',
      );
    const def = await definition(req.params.id);
    if (
      !def.spec ||
      sourceTypeOf(def.spec).toLowerCase() !== PUSH_SOURCE.toLowerCase()
    )
      throw new ConflictError(
        `${def.id} reads from ${
          def.sourceType || 'nowhere (it is invalid)'
        }, not from pushed events (metricSource type ${PUSH_SOURCE})`,
      );
    const body = parse(pushBody, req.body, 'events');
    const now = Date.now();
    const oldest = windowAt(def.spec.timeWindow, new Date(now)).from.getTime();
    const counts = new Map<number, Counts>();
    body.events.forEach((e, i) => {
      const t = new Date(e.timestamp).getTime();
      if (t > now + FUTURE_SKEW_MS)
        throw new InputError(
          `events[${i}].timestamp ${e.timestamp} is in the future`,
        );
      if (t < oldest)
        throw new InputError(
          `events[${i}].timestamp ${
            e.timestamp
          } is before the SLO window (${new Date(oldest).toISOString()})`,
        );
      const m = Math.floor(t / 60_000);
      const c = counts.get(m) ?? { good: 0, total: 0 };
      c.good += e.good;
      c.total += e.total;
      counts.set(m, c);
    });
    if (body.batchId && !(await store.claimBatch(def.id, body.batchId))) {
      res.json({ accepted: 0, duplicate: true });
      return;
    }
    await store.addCounts(def.id, counts);
    res.status(202).json({ accepted: body.events.length, duplicate: false });
  });

  router.get('/evaluations', async (req, res) => {
    await readScope(await reader(req), []);
    const limit = Number(req.query.limit ?? 20);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
      throw new InputError('limit must be an integer from 1 to 1000');
    res.json({ items: await store.listEvaluations(limit) });
  });

  router.get('/platform', async (req, res) => {
    const credentials = await reader(req);
    const days = Number(req.query.days ?? 7);
    if (!Number.isInteger(days) || days < 1 || days > 90)
      throw new InputError('days must be an integer from 1 to 90');
    const body: PlatformHealth = await platformHealth(
      { permissions, catalog, store },
      credentials,
      days,
    );
    res.json(body);
  });

  router.use(bodyParserErrors());
  return router;
}
