/**
 * Types, definitions and pure logic of the DX metrics: event
 * normalisation, the DORA keys, their levels and diagnostics.
 *
 * @packageDocumentation
 */
export * from './api';
export * from './backfill';
export * from './definitions';
export * from './dora';
export * from './doraDiagnostics';
export * from './events';
export * from './permissions';
export * from './rollup';
export * from './surveys';
export * from './scorecards';
