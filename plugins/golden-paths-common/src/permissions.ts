import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Review golden-gate requests: see every pending request, approve or reject
 * it. Granted to the platform team by the permission policy, never by name.
 */
export const goldenGateReviewPermission = createPermission({
  name: 'golden-paths.gate.review',
  attributes: { action: 'update' },
});

/** Every permission of the golden-paths plugin family. */
export const goldenPathsPermissions = [goldenGateReviewPermission];
