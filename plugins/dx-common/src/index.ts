/**
 * Types, definitions and pure logic of the DX metrics: event
 * normalisation, the DORA four keys and their levels.
 *
 * @packageDocumentation
 */
export * from './api';
export * from './backfill';
export * from './definitions';
export * from './dora';
export * from './events';
export * from './permissions';
export * from './rollup';
export * from './surveys';
export * from './scorecards';
