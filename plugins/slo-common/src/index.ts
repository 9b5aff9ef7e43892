/**
 * Types, permissions and pure logic of the SLO plugins: the OpenSLO parser
 * (v1, with v1alpha and v2alpha read as v1, references resolved across the
 * files read together), error budget and burn-rate arithmetic, windows.
 *
 * @packageDocumentation
 */
export * from './annotations';
export * from './budget';
export * from './openslo';
export * from './permissions';
export * from './types';
export * from './client';
