/**
 * What backend modules use to extend the SLO backend: add SLI sources for
 * metric source types of their own.
 *
 * @packageDocumentation
 */
export * from './sources';
