/**
 * Request limits for the endpoints that take data in.
 *
 * @packageDocumentation
 */
export {
  callRateLimit,
  clientAddress,
  identifyWith,
  ingestionRateLimit,
  readRequestsPerMinute,
  readTrustProxy,
  requestLimits,
  DEFAULT_REQUESTS_PER_MINUTE,
  TooManyRequestsError,
} from './rateLimit';
export type { RequestLimitOptions } from './rateLimit';
export { KnexRateLimitStore } from './KnexRateLimitStore';
export { bodyParserErrors } from './bodyErrors';
