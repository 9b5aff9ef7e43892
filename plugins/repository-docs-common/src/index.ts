/**
 * Shared types, pure logic and client of the repository docs.
 *
 * @packageDocumentation
 */
export * from './docs';
export * from './client';
