import type { Config } from '@backstage/config';
import {
  DEFAULT_DORA_OPTIONS,
  DEFAULT_REWORK_OPTIONS,
  reworkBranchRegExp,
  type DoraOptions,
} from '@internal/plugin-dx-common';

/**
 * The DORA options of `dx.dora`: production environments, the failure
 * window and what marks a deployment as rework. A mistake stops start-up
 * with its path.
 */
export function readDoraOptions(config: Config): DoraOptions {
  const dora = config.getOptionalConfig('dx.dora');
  if (!dora) return DEFAULT_DORA_OPTIONS;
  const environments = dora.getOptionalStringArray('productionEnvironments');
  if (environments && environments.length === 0)
    throw new Error(
      'dx.dora.productionEnvironments: name at least one environment',
    );
  const days = dora.getOptionalNumber('failureWindowDays');
  if (days !== undefined && !(days > 0 && days <= 90))
    throw new Error('dx.dora.failureWindowDays: a number of days from 1 to 90');
  const rework = dora.getOptionalConfig('rework');
  // `false` (or an empty string) turns the branch rule off.
  const raw = rework?.getOptional('branchPattern');
  if (raw !== undefined && raw !== false && typeof raw !== 'string')
    throw new Error(
      'dx.dora.rework.branchPattern: a regular expression, or false',
    );
  const pattern = raw === false ? '' : raw;
  if (pattern) {
    try {
      reworkBranchRegExp(pattern);
    } catch (e) {
      throw new Error(
        `dx.dora.rework.branchPattern: not a regular expression (${
          (e as Error).message
        })`,
      );
    }
  }
  return {
    productionEnvironments:
      environments ?? DEFAULT_DORA_OPTIONS.productionEnvironments,
    failureWindowMs:
      days !== undefined
        ? days * 86_400_000
        : DEFAULT_DORA_OPTIONS.failureWindowMs,
    rework: {
      labels:
        rework?.getOptionalStringArray('labels') ??
        DEFAULT_REWORK_OPTIONS.labels,
      branchPattern:
        pattern !== undefined
          ? pattern || undefined
          : DEFAULT_REWORK_OPTIONS.branchPattern,
      linkedIncidents:
        rework?.getOptionalBoolean('linkedIncidents') ??
        DEFAULT_REWORK_OPTIONS.linkedIncidents,
    },
  };
}
