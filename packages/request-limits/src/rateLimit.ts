import type { Config } from '@backstage/config';
import type express from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { createHash } from 'node:crypto';

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

/**
 * Who is calling, for counting: the token when there is one (hashed, so the
 * limiter never holds secrets), else the network address. A forged token is
 * refused by the credentials check before the route, so it cannot be used
 * to get fresh counters.
 */
function callerKey(req: express.Request): string {
  const authorization = req.header('authorization');
  if (authorization)
    return `token:${createHash('sha256')
      .update(authorization)
      .digest('base64url')
      .slice(0, 22)}`;
  const ip = req.ip ?? req.socket.remoteAddress ?? 'unknown';
  return `ip:${ipKeyGenerator(ip)}`;
}

/**
 * A rate limit for one ingestion endpoint: at most `requestsPerMinute`
 * requests per caller in a sliding minute; more get 429 with Retry-After
 * and a Backstage-shaped error naming the endpoint. The counters live in the
 * replica's memory: with N replicas behind a load balancer a caller gets up
 * to N times the limit, which still stops a burst from one client.
 */
export function ingestionRateLimit(options: {
  requestsPerMinute: number;
  endpoint: string;
}): express.RequestHandler {
  const { requestsPerMinute, endpoint } = options;
  if (requestsPerMinute === 0) return (_req, _res, next) => next();
  return rateLimit({
    windowMs: 60_000,
    limit: requestsPerMinute,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    keyGenerator: callerKey,
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
          message: `more than ${requestsPerMinute} requests per minute to ${endpoint}; retry in ${seconds} s`,
        },
      });
    },
  });
}
