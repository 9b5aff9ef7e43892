import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Review golden-gate requests: see every pending request, approve or reject
 * it. Granted to the platform team by the permission policy, never by name.
 */
export const goldenGateReviewPermission = createPermission({
  name: 'golden-paths.gate.review',
  attributes: { action: 'update' },
});

/**
 * Propose template upgrades: open change requests on services' repositories
 * (never their default branch). Granted to signed-in users by the portal's
 * permission policy; a proposal merges only through the host's review.
 */
export const goldenPathsUpgradePermission = createPermission({
  name: 'golden-paths.upgrade.propose',
  attributes: { action: 'create' },
});

/** Every permission of the golden-paths plugin family. */
export const goldenPathsPermissions = [
  goldenGateReviewPermission,
  goldenPathsUpgradePermission,
];
