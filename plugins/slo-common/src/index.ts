/**
 * Types, permissions and pure logic of the SLO plugins: the OpenSLO v1
 * parser, error budget and burn-rate arithmetic, windows.
 *
 * @packageDocumentation
 */
export * from './annotations';
export * from './budget';
export * from './openslo';
export * from './permissions';
export * from './types';
export * from './client';
