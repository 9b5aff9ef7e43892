/**
 * The DX backend plugin.
 *
 * @packageDocumentation
 */
export { dxPlugin as default } from './plugin';
