import type {
  AuthService,
  HttpAuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  IngestionHealth,
  IngestionRun,
  IngestionSourceSummary,
  OpenSloFilePage,
  RescanResult,
  summarizeRuns,
} from '@internal/plugin-catalog-ingestion-common';
import {
  entityRefParam,
  pageParams,
} from '@internal/plugin-catalog-ingestion-node';
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
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { catalogReadScope } from '@internal/portal-node';
import express from 'express';
import Router from 'express-promise-router';
import type { RepositoryIngester } from '../ingestion/RepositoryIngester';
import type { DatabaseIngestionStore } from '../store/DatabaseIngestionStore';
import type { DatabaseOpenSloStore } from '../store/DatabaseOpenSloStore';
import type { IngestionCanary } from '../canary/IngestionCanary';
import {
  entityProblems,
  entityVisibility,
  rescan,
  shownProblem,
} from './reads';

/** The re-scan route, as its rate limit names it (shared with the action). */
export const RESCAN_ENDPOINT = 'POST /api/catalog/ingestion/rescan';

export interface RouterOptions {
  ingesters: RepositoryIngester[];
  sources: Array<{
    id: string;
    type: IngestionSourceSummary['type'];
    target: string;
  }>;
  store: DatabaseIngestionStore;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  logger: LoggerService;
  githubWebhookSecret?: string;
  webhookBodyBytes: number;
  openSlo: DatabaseOpenSloStore;
  /** The catalog, to ask which entities a caller may read. */
  catalog: CatalogService;
  /** The plugin's own credentials: which entities the catalog hides. */
  auth: AuthService;
  /** The canary, when on. */
  canary?: IngestionCanary;
  /** Per caller and endpoint (portal.limits.requestsPerMinute). */
  requestsPerMinute: number;
  /** Shared counters, identities, proxies (requestLimits). */
  limits?: RequestLimitOptions;
}

/** Path of the GitHub push webhook, relative to the catalog's base URL. */
export const GITHUB_WEBHOOK_PATH = '/ingestion/webhooks/github';

function limitParam(value: unknown, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) {
    throw new InputError(`limit must be an integer from 1 to ${max}`);
  }
  return n;
}

function dateParam(name: string, value: unknown, fallback: Date): Date {
  if (value === undefined) return fallback;
  const d = new Date(String(value));
  if (Number.isNaN(d.getTime()))
    throw new InputError(`${name} must be an ISO 8601 date`);
  return d;
}

function stringParam(name: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0 || value.length > 512) {
    throw new InputError(
      `${name} must be a non-empty string of at most 512 characters`,
    );
  }
  return value;
}

/**
 * Routes of the ingestion module, mounted on the catalog's router
 * (`/api/catalog/ingestion/...`). All need credentials except the GitHub
 * webhook, which authenticates each delivery by its HMAC signature.
 */
export function createIngestionRouter(options: RouterOptions): express.Router {
  const { store, ingesters, httpAuth, permissions, logger } = options;
  const router = Router();

  router.get('/ingestion/sources', async (_req, res) => {
    const [stats, runs] = await Promise.all([
      store.sourceStats(),
      store.lastRuns(),
    ]);
    const body: IngestionSourceSummary[] = options.sources.map(s => ({
      id: s.id,
      type: s.type,
      target: s.target,
      repositories: stats.get(s.id)?.repositories ?? 0,
      entities: stats.get(s.id)?.entities ?? 0,
      problems: stats.get(s.id)?.problems ?? 0,
      lastRun: runs.get(s.id)?.last,
      lastSuccessfulRunAt: runs.get(s.id)?.lastGoodAt,
    }));
    res.json(body);
  });

  router.get('/ingestion/runs', async (req, res) => {
    const items = await store.listRuns({
      sourceId: stringParam('source', req.query.source),
      limit: limitParam(req.query.limit, 50, 500),
    });
    res.json({ items });
  });

  router.get('/ingestion/runs/:id', async (req, res) => {
    if (!/^\d{1,18}$/.test(req.params.id))
      throw new InputError('run id must be a number');
    const run = await store.getRun(req.params.id);
    if (!run) throw new NotFoundError(`no ingestion run ${req.params.id}`);
    res.json(run);
  });

  router.get('/ingestion/problems', async (req, res) => {
    const limit = limitParam(req.query.limit, 200, 1000);
    const entityRef = stringParam(
      'entityRef',
      req.query.entityRef,
    )?.toLocaleLowerCase('en-US');
    const credentials = await httpAuth.credentials(req);
    // Problems about the entity itself, and those of the files of the
    // repository it was discovered in; or those of a source or repository.
    const items = entityRef
      ? await entityProblems(store, entityRef, limit)
      : await store.listProblems({
          sourceId: stringParam('source', req.query.source),
          repository: stringParam('repository', req.query.repository),
          limit,
        });
    // Not those naming an entity the catalog hides from the caller.
    const { hidden } = await entityVisibility(
      { catalog: options.catalog, permissions, auth: options.auth },
      items.flatMap(p => (p.entityRef ? [p.entityRef] : [])),
      credentials,
    );
    res.json({ items: items.filter(shownProblem(hidden)) });
  });

  router.get('/ingestion/health', async (req, res) => {
    const to = dateParam('to', req.query.to, new Date());
    const from = dateParam(
      'from',
      req.query.from,
      new Date(to.getTime() - 24 * 3600_000),
    );
    if (from >= to) throw new InputError('from must be before to');
    const rows = await store.countRuns(from, to);
    const bySource = new Map<string, Record<string, number>>();
    const total: Record<string, number> = {};
    for (const row of rows) {
      const counts = bySource.get(row.sourceId) ?? {};
      counts[row.status] = (counts[row.status] ?? 0) + row.count;
      bySource.set(row.sourceId, counts);
      total[row.status] = (total[row.status] ?? 0) + row.count;
    }
    const body: IngestionHealth = {
      ...summarizeRuns(total, from, to),
      sources: options.sources.map(s => ({
        sourceId: s.id,
        ...summarizeRuns(bySource.get(s.id) ?? {}, from, to),
      })),
    };
    if (options.canary) {
      const canary = await options.canary.summary(from, to);
      body.canary = {
        ...canary,
        visibleRate: canary.total ? canary.visible / canary.total : null,
      };
    }
    res.json(body);
  });

  router.post(
    '/ingestion/rescan',
    ingestionRateLimit({
      requestsPerMinute: options.requestsPerMinute,
      ...options.limits,
      endpoint: RESCAN_ENDPOINT,
    }),
    express.json({ limit: '16kb' }),
    async (req, res) => {
      const credentials = await httpAuth.credentials(req, {
        allow: ['user', 'service'],
      });
      const body = (req.body ?? {}) as Record<string, unknown>;
      const result: RescanResult = await rescan(
        { ingesters, permissions },
        credentials,
        {
          sourceId: stringParam('source', body.source),
          repository: stringParam('repository', body.repository),
        },
      );
      res.json(result);
    },
  );

  if (!options.githubWebhookSecret) {
    logger.warn(
      `GitHub push webhook ${GITHUB_WEBHOOK_PATH} refuses every delivery: catalog.ingestion.webhooks.github.secret is not set`,
    );
  }
  router.post(
    GITHUB_WEBHOOK_PATH,
    githubSignatureHeader(
      options.githubWebhookSecret,
      'catalog.ingestion.webhooks.github.secret',
    ),
    ingestionRateLimit({
      requestsPerMinute: options.requestsPerMinute,
      ...options.limits,
      endpoint: `POST /api/catalog${GITHUB_WEBHOOK_PATH}`,
    }),
    githubWebhookBody(options.webhookBodyBytes),
    async (req, res) => {
      const delivery = await readGithubDelivery(
        req,
        res,
        options.githubWebhookSecret,
        'catalog.ingestion.webhooks.github.secret',
      );
      if (!delivery) return;
      const { event, digest } = delivery;
      const payload = delivery.payload as any;
      if (event === 'ping') {
        res.json({ ok: true });
        return;
      }
      // A replay has the same signed body, whatever its X-GitHub-Delivery.
      if (!(await store.claimDelivery(digest))) {
        res.status(202).json({ ignored: 'this delivery was already received' });
        return;
      }
      if (event !== 'push') {
        res.status(202).json({ ignored: `event ${event} is not handled` });
        return;
      }
      const name = payload?.repository?.name;
      const defaultBranch = payload?.repository?.default_branch;
      if (typeof name !== 'string' || typeof payload?.ref !== 'string') {
        throw new InputError('push payload needs repository.name and ref');
      }
      if (
        typeof defaultBranch === 'string' &&
        payload.ref !== `refs/heads/${defaultBranch}`
      ) {
        res
          .status(202)
          .json({ ignored: `${payload.ref} is not the default branch` });
        return;
      }
      const runs: IngestionRun[] = [];
      for (const ingester of ingesters) {
        const run = await ingester.scanRepository(name, 'webhook');
        if (run) runs.push(run);
      }
      if (runs.length === 0) {
        res
          .status(202)
          .json({ ignored: `no source has a repository named ${name}` });
        return;
      }
      const result: RescanResult = { runs };
      res.json(result);
    },
  );

  router.get('/ingestion/openslo', async (req, res) => {
    // For the SLO backend (a service call), or a user seeing what exists;
    // either way only files of entities the caller may read.
    const credentials = await httpAuth.credentials(req, {
      allow: ['service', 'user'],
    });
    const { offset, limit } = pageParams(req.query);
    const entityRef =
      req.query.entityRef === undefined
        ? undefined
        : entityRefParam(req.query.entityRef);
    const page = await options.openSlo.list({
      offset,
      limit,
      entityRef,
    });
    const scope = await catalogReadScope(
      { permissions, catalog: options.catalog },
      credentials,
      { refs: page.items.map(i => i.entityRef) },
    );
    const body: OpenSloFilePage = {
      ...page,
      items: scope.filter(page.items, i => i.entityRef),
    };
    res.json(body);
  });

  router.use(bodyParserErrors());

  return router;
}
