/**
 * Shared types, permissions and pure logic of the catalog ingestion module.
 *
 * @packageDocumentation
 */
export * from './types';
export * from './permissions';
export * from './health';
export * from './annotations';
export * from './client';
