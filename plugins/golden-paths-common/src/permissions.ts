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

/**
 * See golden paths' actions (agents, CLI). Entity-level reads still follow
 * catalog permissions.
 */
export const goldenPathsActionsReadPermission = createPermission({
  name: 'golden-paths.actions.read',
  attributes: { action: 'read' },
});

/**
 * Request a golden path, or continue an approved golden gate request,
 * through the actions (agents, CLI): starts what the golden-path form
 * starts, as the caller. Granted to signed-in users by the portal's
 * permission policy; the policy check and golden gates still apply.
 */
export const goldenPathsRequestPermission = createPermission({
  name: 'golden-paths.request',
  attributes: { action: 'create' },
});

/** Every permission of the golden-paths plugin family. */
export const goldenPathsPermissions = [
  goldenGateReviewPermission,
  goldenPathsUpgradePermission,
  goldenPathsActionsReadPermission,
  goldenPathsRequestPermission,
];
