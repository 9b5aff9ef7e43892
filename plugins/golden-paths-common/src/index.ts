/**
 * Types, permissions and pure logic of golden paths: the policy format and
 * its evaluator, parameter safety checks, gate and run shapes.
 *
 * @packageDocumentation
 */
export * from './permissions';
export * from './policy';
export * from './evaluatePolicy';
export * from './parameterSafety';
export * from './types';
export * from './gateMetrics';
export * from './gateText';
export * from './client';
export * from './upgradeNotes';
