import type {
  BackstageCredentials,
  HttpAuthService,
} from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import type express from 'express';
import { CustomErrorBase } from '@backstage/errors';
import {
  ipKeyGenerator,
  MemoryStore,
  rateLimit,
  type Options,
  type Store,
} from 'express-rate-limit';
import type { Knex } from 'knex';
import { createHash } from 'node:crypto';
import { KnexRateLimitStore } from './KnexRateLimitStore';

/** Requests per minute per caller, endpoint and replica, unless configured. */
export const DEFAULT_REQUESTS_PER_MINUTE = 600;

/** Reads `portal.limits.requestsPerMinute` (0 turns the limit off). */
export function readRequestsPerMinute(config: Config): number {
  const value =
    config.getOptionalNumber('portal.limits.requestsPerMinute') ??
    DEFAULT_REQUESTS_PER_MINUTE;
  if (!Number.isInteger(value) || value < 0)
    throw new Error(
      `portal.limits.requestsPerMinute must be a whole number of 0 or more, not ${value}`,
    );
  return value;
}

/** Reads `portal.limits.trustProxy`: proxy hops whose X-Forwarded-For counts. */
export function readTrustProxy(config: Config): number {
  const value = config.getOptionalNumber('portal.limits.trustProxy') ?? 0;
  if (!Number.isInteger(value) || value < 0)
    throw new Error(
      `portal.limits.trustProxy must be a whole number of 0 or more, not ${value}`,
    );
  return value;
}

/**
 * The client's address: the socket's peer, or with `trustProxy` hops of
 * proxies in front, the address that many hops back in X-Forwarded-For
 * (as express's numeric `trust proxy`). More hops than sent: the farthest.
 */
export function clientAddress(req: express.Request, trustProxy: number) {
  const peer = req.socket.remoteAddress ?? 'unknown';
  if (trustProxy === 0) return peer;
  const forwarded = (req.header('x-forwarded-for') ?? '')
    .split(',')
    .map(a => a.trim())
    .filter(Boolean);
  const chain = [peer, ...forwarded.reverse()];
  return chain[Math.min(trustProxy, chain.length - 1)];
}

/** The caller a limit counts: `user:<entity ref>` or `service:<subject>`. */
function callerOf(credentials: BackstageCredentials): string {
  const p = credentials.principal as {
    type: string;
    userEntityRef?: string;
    subject?: string;
  };
  return p.type === 'user' ? `user:${p.userEntityRef}` : `service:${p.subject}`;
}

/**
 * Who is signed in, for counting: the user, or the service (a script's
 * external-access token, a plugin). A refreshed token is the same caller; a
 * forged or expired one is nobody (the address counts then).
 */
export function identifyWith(httpAuth: HttpAuthService) {
  return async (req: express.Request): Promise<string | undefined> => {
    if (!req.header('authorization')) return undefined;
    try {
      return callerOf(
        await httpAuth.credentials(req, { allow: ['user', 'service'] }),
      );
    } catch {
      return undefined;
    }
  };
}

/** How one plugin counts: shared counters, identities, proxies. */
export interface RequestLimitOptions {
  /** Counters all replicas share, one store per limiter (by its endpoint). */
  storeFor?: (endpoint: string) => Store;
  /** The signed-in caller; see {@link identifyWith}. */
  identify?: (req: express.Request) => Promise<string | undefined>;
  /** `portal.limits.trustProxy`. */
  trustProxy?: number;
}

const hashed = (s: string) =>
  createHash('sha256').update(s).digest('base64url').slice(0, 22);

const WINDOW_MS = 60_000;

const limitMessage = (requestsPerMinute: number, endpoint: string, s: number) =>
  `more than ${requestsPerMinute} requests per minute to ${endpoint}; retry in ${s} s`;

/** 429: a caller went over a rate limit outside an HTTP route (an action). */
export class TooManyRequestsError extends CustomErrorBase {
  readonly statusCode = 429;
}

/**
 * A rate limit for one ingestion endpoint: at most `requestsPerMinute`
 * requests per caller in a minute; more get 429 with Retry-After and a
 * Backstage-shaped error naming the endpoint. A caller is the signed-in
 * user or service when `identify` says who (new tokens of one person are
 * one caller), else the client's address (`trustProxy`). With `storeFor`
 * the counters are shared by every replica; without, each replica counts
 * on its own.
 */
export function ingestionRateLimit(
  options: {
    requestsPerMinute: number;
    endpoint: string;
  } & RequestLimitOptions,
): express.RequestHandler {
  const { requestsPerMinute, endpoint, identify, trustProxy = 0 } = options;
  if (requestsPerMinute === 0) return (_req, _res, next) => next();
  return rateLimit({
    windowMs: WINDOW_MS,
    limit: requestsPerMinute,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    keyGenerator: async req => {
      const who = identify ? await identify(req) : undefined;
      if (who) return `id:${hashed(who)}`;
      return `ip:${ipKeyGenerator(clientAddress(req, trustProxy))}`;
    },
    ...(options.storeFor && { store: options.storeFor(endpoint) }),
    validate: { trustProxy: false, xForwardedForHeader: false },
    handler(req, res) {
      const resetTime = (req as { rateLimit?: { resetTime?: Date } }).rateLimit
        ?.resetTime;
      const seconds = resetTime
        ? Math.max(1, Math.ceil((resetTime.getTime() - Date.now()) / 1000))
        : 60;
      res.setHeader('Retry-After', String(seconds));
      res.status(429).json({
        error: {
          name: 'TooManyRequestsError',
          message: limitMessage(requestsPerMinute, endpoint, seconds),
        },
      });
    },
  });
}

/**
 * The limit of {@link ingestionRateLimit} for work reached without its route
 * (an action called by an agent or a terminal): counted for the same caller
 * under the same endpoint, so the route and the action share one budget
 * when the counters are shared (`storeFor`). Over the limit it throws
 * {@link TooManyRequestsError} (429) naming the endpoint.
 */
export function callRateLimit(
  options: {
    requestsPerMinute: number;
    endpoint: string;
  } & Pick<RequestLimitOptions, 'storeFor'>,
): (credentials: BackstageCredentials) => Promise<void> {
  const { requestsPerMinute, endpoint } = options;
  if (requestsPerMinute === 0) return async () => {};
  const store = options.storeFor?.(endpoint) ?? new MemoryStore();
  store.init?.({ windowMs: WINDOW_MS } as Options);
  return async credentials => {
    const { totalHits, resetTime } = await store.increment(
      `id:${hashed(callerOf(credentials))}`,
    );
    if (totalHits <= requestsPerMinute) return;
    const seconds = resetTime
      ? Math.max(1, Math.ceil((resetTime.getTime() - Date.now()) / 1000))
      : 60;
    throw new TooManyRequestsError(
      limitMessage(requestsPerMinute, endpoint, seconds),
    );
  };
}

/**
 * Everything a plugin's rate limits need, read once: the limit, who the
 * caller is, the proxies in front, and counters in the plugin's own table
 * (shared by all replicas) when `knex` and `table` are given.
 */
export function requestLimits(options: {
  config: Config;
  httpAuth: HttpAuthService;
  knex?: Knex;
  table?: string;
}): { requestsPerMinute: number } & RequestLimitOptions {
  const { knex, table } = options;
  return {
    requestsPerMinute: readRequestsPerMinute(options.config),
    trustProxy: readTrustProxy(options.config),
    identify: identifyWith(options.httpAuth),
    ...(knex &&
      table && {
        storeFor: (endpoint: string) =>
          new KnexRateLimitStore(knex, table, endpoint),
      }),
  };
}
