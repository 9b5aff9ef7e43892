import type {
  HttpAuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  DEFAULT_DORA_OPTIONS,
  dxEventsIngestPermission,
  type DoraOptions,
  type DxEventKind,
} from '@internal/plugin-dx-common';
import {
  githubSignatureHeader,
  githubWebhookBody,
  readGithubDelivery,
} from '@internal/github-webhooks';
import {
  bodyParserErrors,
  ingestionRateLimit,
  type RequestLimitOptions,
} from '@internal/request-limits';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { catalogReadScope } from '@internal/portal-node';
import { doraCsv, goldenPathsCsv } from '../metrics/doraMetrics';
import { doraForScope, goldenPathsVersusOthers } from '../metrics/doraScope';
import type { EntityMapper } from '../mapping/EntityMapper';
import type { DxStore } from '../store/DxStore';
import type { DoraRollups } from '../rollups/DoraRollups';
import { ingest } from './ingest';
import { dateParam, rangeOf, refParam } from './params';

export const GITHUB_WEBHOOK_PATH = '/webhooks/github';
export { EXACT_SAMPLE } from '../metrics/doraScope';
/** Events per batch. */
export const MAX_BATCH_EVENTS = 10_000;

const batchBody = z.object({
  format: z.enum(['cdevents', 'generic']),
  events: z.array(z.unknown()).min(1).max(MAX_BATCH_EVENTS),
});
const KINDS: DxEventKind[] = [
  'change',
  'deployment',
  'incident',
  'build',
  'other',
];

export interface DxRouterOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  logger: LoggerService;
  store: DxStore;
  mapper: EntityMapper;
  catalog: CatalogService;
  rollups: DoraRollups;
  /** `dx.dora`: production environments, failure window, rework rules. */
  dora?: DoraOptions;
  githubWebhookSecret?: string;
  maxBodyBytes: number;
  /** Per caller and endpoint (portal.limits.requestsPerMinute). */
  requestsPerMinute: number;
  /** Shared counters, identities, proxies (requestLimits). */
  limits?: RequestLimitOptions;
}

/** The DX API, mounted at `/api/dx`. */
export function createDxRouter(options: DxRouterOptions): express.Router {
  const { httpAuth, permissions, store, mapper, catalog } = options;
  const dora = options.dora ?? DEFAULT_DORA_OPTIONS;
  const scopeServices = {
    knex: store.knex,
    rollups: options.rollups,
    dora,
    catalog,
    permissions,
  };
  const router = Router();

  // A batch of CDEvents or generic events.
  router.post(
    '/events',
    ingestionRateLimit({
      requestsPerMinute: options.requestsPerMinute,
      ...options.limits,
      endpoint: 'POST /api/dx/events',
    }),
    express.json({ limit: options.maxBodyBytes }),
    async (req, res) => {
      const credentials = await httpAuth.credentials(req, {
        allow: ['user', 'service'],
      });
      const [decision] = await permissions.authorize(
        [{ permission: dxEventsIngestPermission }],
        { credentials },
      );
      if (decision.result !== AuthorizeResult.ALLOW)
        throw new NotAllowedError(
          'you may not send DX events (dx.events.ingest)',
        );
      const parsed = batchBody.safeParse(req.body);
      if (!parsed.success)
        throw new InputError(
          `invalid batch: ${parsed.error.issues
            .slice(0, 3)
            .map(i => `${i.path.join('.') || 'body'}: ${i.message}`)
            .join('; ')}`,
        );
      const { format, events } = parsed.data;
      const result = await ingest(
        events.map(payload => ({ format, payload })),
        { store, mapper },
      );
      res.status(result.accepted > 0 ? 202 : 200).json(result);
    },
  );

  // GitHub webhooks: signed with the shared secret, no Backstage token.
  if (!options.githubWebhookSecret)
    options.logger.warn(
      `GitHub webhook ${GITHUB_WEBHOOK_PATH} refuses every delivery: dx.github.webhookSecret is not set`,
    );
  router.post(
    GITHUB_WEBHOOK_PATH,
    githubSignatureHeader(
      options.githubWebhookSecret,
      'dx.github.webhookSecret',
    ),
    ingestionRateLimit({
      requestsPerMinute: options.requestsPerMinute,
      ...options.limits,
      endpoint: `POST /api/dx${GITHUB_WEBHOOK_PATH}`,
    }),
    githubWebhookBody(options.maxBodyBytes),
    async (req, res) => {
      const delivery = await readGithubDelivery(
        req,
        res,
        options.githubWebhookSecret,
        'dx.github.webhookSecret',
      );
      if (!delivery) return;
      const { event, payload } = delivery;
      const result = await ingest(
        [
          {
            format: 'github',
            payload,
            githubEvent: event,
            deliveryId: delivery.deliveryId,
          },
        ],
        { store, mapper },
      );
      if (result.rejected.length > 0) {
        // GitHub retries failed deliveries: events we do not use are
        // acknowledged, with why.
        res.status(202).json({ ignored: result.rejected[0].reason });
        return;
      }
      res.status(202).json(result);
    },
  );

  // The stored events, for drill-down and the unmapped report.
  router.get('/events', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const kind = req.query.kind;
    if (kind !== undefined && !KINDS.includes(kind as DxEventKind))
      throw new InputError(`kind must be one of ${KINDS.join(', ')}`);
    const entityRef = refParam(req.query.entityRef, 'entityRef');
    const limit = Number(req.query.limit ?? 100);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
      throw new InputError('limit must be an integer from 1 to 1000');
    const unmapped = req.query.unmapped === 'true';
    // Events of the entities the caller may read; unmapped events (no
    // entity to ask about) only for callers who read every entity.
    const scope = await catalogReadScope(
      { permissions, catalog },
      credentials,
      entityRef ? { refs: [entityRef] } : undefined,
    );
    if (!scope.all && unmapped) {
      res.json({ items: [] });
      return;
    }
    res.json({
      items: await store.listEvents({
        entityRefs: scope.restrict(entityRef ? [entityRef] : undefined),
        kind: kind as DxEventKind | undefined,
        unmapped,
        from: dateParam(req.query.from, 'from'),
        to: dateParam(req.query.to, 'to'),
        limit,
      }),
    });
  });

  // The DORA four keys of an entity, a team (the entities it owns) or the
  // organisation, over [from, to), with the previous period beside them;
  // `/metrics/dora.csv` gives the same numbers as CSV.
  router.get(['/metrics/dora', '/metrics/dora.csv'], async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const { from, to, settings } = rangeOf(req);
    // Large samples over whole UTC days are added up from the daily
    // roll-ups; small ones, rows, another time zone or odd bounds are
    // computed exactly from the events. `source=events|rollup` chooses
    // (for comparisons).
    const source = req.query.source;
    if (source !== undefined && source !== 'events' && source !== 'rollup')
      throw new InputError('source must be events or rollup');
    const answer = await doraForScope(scopeServices, credentials, {
      entityRef: refParam(req.query.entityRef, 'entityRef'),
      owner: refParam(req.query.owner, 'owner'),
      from,
      to,
      settings,
      source,
    });
    if (req.path.endsWith('.csv')) {
      const { scope: _scope, previous, ...current } = answer;
      res
        .type('text/csv')
        .attachment('dora.csv')
        .send(doraCsv(current, previous));
      return;
    }
    res.json(answer);
  });

  // Golden paths versus the rest: the five keys of the components made
  // from a golden-path template (annotation portal.dev/template) beside
  // those of every other entity with events.
  router.get(
    ['/metrics/golden-paths', '/metrics/golden-paths.csv'],
    async (req, res) => {
      const credentials = await httpAuth.credentials(req, {
        allow: ['user', 'service'],
      });
      const { from, to, settings } = rangeOf(req);
      const comparison = await goldenPathsVersusOthers(
        scopeServices,
        credentials,
        { from, to, settings },
      );
      if (req.path.endsWith('.csv')) {
        res
          .type('text/csv')
          .attachment('golden-paths.csv')
          .send(goldenPathsCsv(comparison.goldenPath, comparison.others));
        return;
      }
      res.json(comparison);
    },
  );

  // How far the daily roll-ups are behind the events.
  router.get('/rollups/status', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    await catalogReadScope({ permissions, catalog }, credentials, {
      refs: [],
    });
    res.json({
      pendingEntities: await options.rollups.pending(),
      rolledUpAt: (await options.rollups.rolledUpAt()) ?? null,
    });
  });

  // Unmapped events name repositories and services the catalog does not
  // know: for callers who read every entity.
  router.get('/events/unmapped', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const scope = await catalogReadScope(
      { permissions, catalog },
      credentials,
      {
        refs: [],
      },
    );
    res.json({ reasons: scope.all ? await store.unmappedSummary() : [] });
  });

  router.use(bodyParserErrors());
  return router;
}
