/**
 * One line per metric, as docs/metrics.md ("DORA keys") defines it.
 */
export const DEFINITIONS = {
  deploymentFrequency:
    'Successful deployments to a production environment that finished in the range, per week.',
  leadTime:
    "From a change's first commit (or its merge, without commit times) to the first successful production deployment of its entity after it landed; median and p90.",
  changeFailureRate:
    'Of the successful production deployments, the share followed by a production incident or a rollback before the next deployment (within 7 days).',
  recoveryTime:
    'For production incidents resolved in the range, the time from opened to resolved; median.',
  reworkRate:
    'Of the successful production deployments, the share made to fix a production problem: labelled rework, from a hotfix branch, or shipped after an incident opened.',
};

/** The drill-downs of the DORA tiles, as in `?drill=`. */
export type DoraDrill =
  | 'deployments'
  | 'lead-time'
  | 'change-failure-rate'
  | 'recovery-time';

export const DORA_DRILLS: DoraDrill[] = [
  'deployments',
  'lead-time',
  'change-failure-rate',
  'recovery-time',
];
