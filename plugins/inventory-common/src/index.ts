/**
 * Shared types, permission and client of the dependency inventory.
 *
 * @packageDocumentation
 */
export * from './dependencies';
export * from './permissions';
export * from './client';
export * from './advisories';
