/**
 * Golden paths backend: policy, golden gates, run events, template drift.
 *
 * @packageDocumentation
 */
export { goldenPathsPlugin as default } from './plugin';
