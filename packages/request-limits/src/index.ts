/**
 * Request limits for the endpoints that take data in.
 *
 * @packageDocumentation
 */
export {
  clientAddress,
  identifyWith,
  ingestionRateLimit,
  readRequestsPerMinute,
  readTrustProxy,
  requestLimits,
  DEFAULT_REQUESTS_PER_MINUTE,
} from './rateLimit';
export type { RequestLimitOptions } from './rateLimit';
export { KnexRateLimitStore } from './KnexRateLimitStore';
export { bodyParserErrors } from './bodyErrors';
