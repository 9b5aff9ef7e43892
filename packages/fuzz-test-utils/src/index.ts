/**
 * Helpers shared by the portal's property-based (fast-check) fuzz tests:
 * hostile keys and values, prototype pollution checks, mutations and edits
 * of valid inputs, the input counter and the per-input time bound. Nothing
 * here needs Node.js: common libraries use it too.
 *
 * Meant to be imported as a namespace, next to fast-check's `fc`:
 * `import * as fuzz from '@internal/fuzz-test-utils'`.
 *
 * @packageDocumentation
 */
export * from './inputs';
export * from './pollution';
export * from './hostile';
export * from './mutate';
export * from './text';
export * from './messages';
