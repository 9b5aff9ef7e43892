/**
 * @acme/${{ values.name }}: the public API of the library. Everything
 * exported here is covered by semantic versioning.
 *
 * @packageDocumentation
 */
export { retry, type RetryOptions } from './retry.js';
