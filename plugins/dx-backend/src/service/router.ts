import type {
  HttpAuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  DEFAULT_DORA_OPTIONS,
  diagnosticsFromCounts,
  dxEventsIngestPermission,
  unmappedDiagnostic,
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
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { catalogReadScope } from '@internal/portal-node';
import {
  doraCsv,
  doraMetrics,
  goldenPathsCsv,
  unmappedEvents,
} from '../metrics/doraMetrics';
import type { EntityMapper } from '../mapping/EntityMapper';
import type { DxStore } from '../store/DxStore';
import type { DoraRollups } from '../rollups/DoraRollups';
import { ingest } from './ingest';
import { dateParam, rangeOf, refParam } from './params';

export const GITHUB_WEBHOOK_PATH = '/webhooks/github';
/**
 * Up to this many deployments, deployed changes and resolved incidents, DORA
 * numbers are computed exactly from the events.
 */
export const EXACT_SAMPLE = 500;
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
    const entityRef = refParam(req.query.entityRef, 'entityRef');
    const owner = refParam(req.query.owner, 'owner');
    const readable = await catalogReadScope(
      { permissions, catalog },
      credentials,
      entityRef ? { refs: [entityRef] } : undefined,
    );
    let entityRefs: string[] | undefined;
    if (entityRef) entityRefs = readable.restrict([entityRef]);
    else if (owner) {
      const { items } = await catalog.getEntities(
        {
          filter: { 'relations.ownedBy': owner },
          fields: ['kind', 'metadata.name', 'metadata.namespace'],
        },
        { credentials },
      );
      entityRefs = items.map(e =>
        stringifyEntityRef(e).toLocaleLowerCase('en-US'),
      );
    } else entityRefs = readable.restrict(undefined);
    const span = to.getTime() - from.getTime();
    const previousFrom = new Date(from.getTime() - span);
    // Large samples over whole UTC days are added up from the daily
    // roll-ups; small ones (up to EXACT_SAMPLE records), rows, another
    // time zone or odd bounds are computed exactly from the events.
    // `source=events|rollup` chooses (for comparisons).
    const source = req.query.source;
    if (source !== undefined && source !== 'events' && source !== 'rollup')
      throw new InputError('source must be events or rollup');
    const rollupsPossible =
      !settings.rows &&
      settings.timeZone === 'UTC' &&
      options.rollups.covers(previousFrom, to);
    if (source === 'rollup' && !rollupsPossible)
      throw new InputError(
        'roll-ups hold whole UTC days of the last 400 days, without rows, in UTC',
      );
    // Events that map to no entity belong to the organisation's numbers.
    const unmapped = !entityRef && !owner && entityRefs === undefined;
    const period = async (range: { from: Date; to: Date }, rows: boolean) => {
      const r = { from: range.from.toISOString(), to: range.to.toISOString() };
      const exact = () =>
        doraMetrics(store.knex, { entityRefs }, r, {
          ...settings,
          rows,
          dora,
          unmapped,
        }).then(m => ({ ...m, source: 'events' as const }));
      if (source === 'events' || !rollupsPossible) return exact();
      const rolled = await options.rollups.metrics({ entityRefs }, r);
      const sample =
        rolled.deploymentFrequency.deployments +
        rolled.leadTime.changes +
        rolled.recoveryTime.incidents;
      if (source !== 'rollup' && sample <= EXACT_SAMPLE) return exact();
      // Roll-ups hold counts only: the five keys without rows, and the
      // diagnostics the counts give, without examples.
      const { rollupCounts: _counts, ...answer } = rolled;
      const diagnostics = diagnosticsFromCounts(rolled, dora);
      if (unmapped) {
        const u = unmappedDiagnostic(await unmappedEvents(store.knex, r));
        if (u) diagnostics.push(u);
      }
      return { ...answer, diagnostics };
    };
    const [current, previous] = await Promise.all([
      period({ from, to }, settings.rows),
      period({ from: previousFrom, to: from }, false),
    ]);
    let scope: Record<string, unknown> = { organisation: true };
    if (entityRef) scope = { entityRef };
    else if (owner) scope = { owner, entities: entityRefs?.length ?? 0 };
    if (req.path.endsWith('.csv')) {
      res
        .type('text/csv')
        .attachment('dora.csv')
        .send(doraCsv(current, previous));
      return;
    }
    res.json({
      scope,
      ...current,
      previous: { ...previous, perDay: undefined },
    });
  });

  // Golden paths versus the rest: the four keys of the components made
  // from a golden-path template (annotation portal.dev/template) beside
  // those of every other entity with events.
  router.get(
    ['/metrics/golden-paths', '/metrics/golden-paths.csv'],
    async (req, res) => {
      const credentials = await httpAuth.credentials(req, {
        allow: ['user', 'service'],
      });
      const { from, to, settings } = rangeOf(req);
      const scope = await catalogReadScope(
        { permissions, catalog },
        credentials,
      );
      const { items } = await catalog.getEntities(
        {
          filter: {
            kind: 'component',
            'metadata.annotations.portal.dev/template': CATALOG_FILTER_EXISTS,
          },
          fields: ['kind', 'metadata.name', 'metadata.namespace'],
        },
        { credentials },
      );
      const golden = items.map(e =>
        stringifyEntityRef(e).toLocaleLowerCase('en-US'),
      );
      const range = { from: from.toISOString(), to: to.toISOString() };
      const [goldenPath, others] = await Promise.all([
        doraMetrics(store.knex, { entityRefs: golden }, range, {
          ...settings,
          dora,
        }),
        doraMetrics(
          store.knex,
          scope.all
            ? { excludeEntityRefs: golden }
            : {
                entityRefs: scope
                  .restrict(undefined)!
                  .filter(ref => !golden.includes(ref)),
              },
          range,
          { ...settings, dora },
        ),
      ]);
      if (req.path.endsWith('.csv')) {
        res
          .type('text/csv')
          .attachment('golden-paths.csv')
          .send(goldenPathsCsv(goldenPath, others));
        return;
      }
      res.json({
        from: range.from,
        to: range.to,
        goldenPath: { entities: golden.length, ...goldenPath },
        others,
      });
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
