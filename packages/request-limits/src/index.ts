/**
 * Request limits for the endpoints that take data in.
 *
 * @packageDocumentation
 */
export {
  ingestionRateLimit,
  readRequestsPerMinute,
  DEFAULT_REQUESTS_PER_MINUTE,
} from './rateLimit';
export { bodyParserErrors } from './bodyErrors';
