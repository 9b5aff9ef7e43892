import type {
  AuditorService,
  CacheService,
  HttpAuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { catalogEntityReadPermission } from '@backstage/plugin-catalog-common/alpha';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import express, {
  type NextFunction,
  type Request,
  type Response,
} from 'express';
import type { Knex } from 'knex';
import { createHash } from 'node:crypto';

/** Response header telling whether an answer came from the cache. */
export const CATALOG_CACHE_HEADER = 'x-portal-catalog-cache';

/**
 * The read routes of the catalog page: list, count and facets. The
 * catalog page sends its lists and counts as POST /entities/by-query with
 * the query in a JSON body; other clients send them as GET.
 */
const ROUTES: Record<
  string,
  { methods: string[]; eventId: string; queryType?: string }
> = {
  '/entities/by-query': {
    methods: ['GET', 'POST'],
    eventId: 'entity-fetch',
    queryType: 'by-query',
  },
  '/entity-facets': { methods: ['GET'], eventId: 'entity-facets' },
};

/**
 * The catalog router's own JSON parser (express.json() with its default
 * limit), run here first so the body is part of the cache key; it marks the
 * request as parsed, and the catalog's parser then leaves it as it is.
 */
const parseJson = express.json();

export interface CatalogReadCacheOptions {
  knex: Knex;
  cache: CacheService;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
  logger: LoggerService;
  /** How long an answer is kept at most. */
  ttlMs: number;
  /** Larger answers are not kept. */
  maxBodyBytes: number;
}

/**
 * What a reader of the catalog can see, as a version: the catalog's own
 * publication generation (allocated at commit for every entity written) and
 * our count of transactions that removed entities. Both are transactional
 * counters bumped at commit, so once a change is visible, so is its new
 * version; an answer computed after reading a version is never older than
 * that version.
 */
class CatalogVersion {
  private ready?: Promise<boolean>;
  private retryAt = 0;

  constructor(
    private readonly knex: Knex,
    private readonly logger: LoggerService,
  ) {}

  async current(): Promise<string | undefined> {
    if (!(await this.ensure())) return undefined;
    const { rows } = await this.knex.raw(
      `SELECT (SELECT generation FROM catalog_generation_counter WHERE id = 1) AS generation,
              (SELECT removals FROM ingestion_catalog_removals WHERE id = 1) AS removals`,
    );
    const row = rows[0];
    if (row?.generation === null || row?.removals === null) return undefined;
    return `${row.generation}:${row.removals}`;
  }

  /**
   * Installs the removal trigger on the catalog's final_entities once (the
   * catalog's tables exist by the time requests arrive). PostgreSQL only.
   */
  private ensure(): Promise<boolean> {
    if (this.knex.client.config.client !== 'pg') return Promise.resolve(false);
    if (!this.ready && Date.now() >= this.retryAt) {
      this.ready = this.install().catch(error => {
        this.logger.warn(
          `Catalog read cache is off until the catalog's tables are readable: ${error}`,
        );
        this.retryAt = Date.now() + 60_000;
        this.ready = undefined;
        return false;
      });
    }
    return this.ready ?? Promise.resolve(false);
  }

  private async install(): Promise<boolean> {
    await this.knex.transaction(async tx => {
      // One replica at a time; the others find the trigger in place.
      await tx.raw('SELECT pg_advisory_xact_lock(?)', [74_201_612]);
      const { rows } = await tx.raw(
        `SELECT to_regclass('final_entities') AS entities,
                to_regclass('catalog_generation_counter') AS generations,
                EXISTS (SELECT 1 FROM pg_trigger
                         WHERE tgname = 'portal_final_entities_removals'
                           AND tgrelid = to_regclass('final_entities')) AS installed`,
      );
      if (!rows[0].entities || !rows[0].generations) {
        throw new Error(
          'the catalog has no final_entities or generation counter',
        );
      }
      if (!rows[0].installed) {
        await tx.raw(`
          CREATE CONSTRAINT TRIGGER portal_final_entities_removals
            AFTER DELETE ON final_entities
            DEFERRABLE INITIALLY DEFERRED
            FOR EACH ROW EXECUTE FUNCTION portal_count_catalog_removal()`);
      }
    });
    return true;
  }
}

/**
 * Keeps the answers of the catalog page's list, count and facet queries
 * until the catalog changes. With 100,000 entities the catalog computes a
 * count or a set of facets in several hundred milliseconds on two cores
 * (docs/benchmarks.md); a page that nobody changed since is then answered
 * from the cache.
 *
 * Only answers that are the same for every caller are kept: the caller must
 * be allowed to read every entity (an unconditional ALLOW for
 * catalog.entity.read; a conditional decision goes to the catalog, which
 * filters), the request is the first page (no cursor) and has no free-text
 * search, in the query string (GET) or the JSON body (POST).
 * `Cache-Control: no-cache` skips the cache. Every answer is checked against
 * the catalog's version, read from the database, so several replicas (and a
 * shared cache store) never serve a stale answer.
 */
export function createCatalogReadCache(options: CatalogReadCacheOptions) {
  const { cache, httpAuth, permissions, auditor, ttlMs, maxBodyBytes } =
    options;
  const version = new CatalogVersion(options.knex, options.logger);

  return async function catalogReadCache(
    req: Request,
    res: Response,
    next: NextFunction,
  ) {
    const route = ROUTES[req.path];
    if (!route || !route.methods.includes(req.method)) {
      next();
      return;
    }
    if (req.method === 'POST') {
      // A malformed or oversized body: the same 400 or 413 the catalog's
      // parser gives.
      const parsed = await new Promise<unknown>(resolve =>
        parseJson(req, res, resolve),
      );
      if (parsed) {
        next(parsed);
        return;
      }
    }
    if (!cacheable(req)) {
      next();
      return;
    }
    try {
      let credentials;
      try {
        credentials = await httpAuth.credentials(req);
      } catch {
        next(); // the catalog answers 401 itself
        return;
      }
      const [decision] = await permissions.authorizeConditional(
        [{ permission: catalogEntityReadPermission }],
        { credentials },
      );
      const current =
        decision.result === AuthorizeResult.ALLOW
          ? await version.current()
          : undefined;
      if (!current) {
        next();
        return;
      }
      const key = `catalog-read:${createHash('sha256')
        .update(
          req.method === 'POST'
            ? `POST ${req.url} ${JSON.stringify(req.body)}`
            : req.url,
        )
        .digest('hex')}`;
      const hit = (await cache.get(key)) as
        | { version: string; body: string }
        | undefined;
      if (hit?.version === current) {
        const event = await auditor.createEvent({
          eventId: route.eventId,
          request: req,
          meta: {
            ...(route.queryType && { queryType: route.queryType }),
            cache: 'hit',
          },
        });
        res.setHeader(CATALOG_CACHE_HEADER, 'hit');
        res.type('application/json; charset=utf-8').send(hit.body);
        await event.success();
        return;
      }
      res.setHeader(CATALOG_CACHE_HEADER, 'miss');
      captureBody(res, maxBodyBytes, body => {
        cache
          .set(key, { version: current, body }, { ttl: ttlMs })
          .catch(() => {});
      });
    } catch (error) {
      // A cache that cannot answer must not stand in the catalog's way.
      options.logger.warn(`Catalog read cache skipped: ${error}`);
    }
    next();
  };
}

/** The first page of a query without free-text search, as asked. */
function cacheable(req: Request): boolean {
  if (req.headers['cache-control']?.includes('no-cache')) return false;
  const query = req.query as Record<string, unknown>;
  if (query.cursor !== undefined || query.fullTextFilterTerm !== undefined)
    return false;
  if (req.method !== 'POST') return true;
  const body = req.body as
    | { cursor?: unknown; fullTextFilter?: { term?: unknown } }
    | undefined;
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return false;
  const term = body.fullTextFilter?.term;
  // An empty search box sends an empty term.
  return (
    body.cursor === undefined && !(typeof term === 'string' && term.trim())
  );
}

/** Passes the catalog's answer through and hands a complete 200 body on. */
function captureBody(
  res: Response,
  maxBytes: number,
  onBody: (body: string) => void,
) {
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  const keep = (chunk: unknown, encoding: unknown) => {
    if (tooLarge || chunk === undefined || chunk === null) return;
    if (typeof chunk === 'function') return;
    const buffer = Buffer.isBuffer(chunk)
      ? chunk
      : Buffer.from(
          String(chunk),
          typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8',
        );
    size += buffer.length;
    if (size > maxBytes) {
      tooLarge = true;
      chunks.length = 0;
    } else {
      chunks.push(buffer);
    }
  };
  const write = res.write.bind(res) as (...args: unknown[]) => boolean;
  const end = res.end.bind(res) as (...args: unknown[]) => Response;
  (res as any).write = (...args: unknown[]) => {
    keep(args[0], args[1]);
    return write(...args);
  };
  (res as any).end = (...args: unknown[]) => {
    keep(args[0], args[1]);
    if (!tooLarge && res.statusCode === 200) {
      onBody(Buffer.concat(chunks).toString('utf8'));
    }
    return end(...args);
  };
}
