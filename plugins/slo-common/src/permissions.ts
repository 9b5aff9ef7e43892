import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Create, change or delete an SLO in the UI. The backend also requires the
 * user to own the entity the SLO is for.
 */
export const sloManagePermission = createPermission({
  name: 'slo.manage',
  attributes: { action: 'update' },
});

/** Push good/total counts to an SLO (service tokens and users). */
export const sloPushPermission = createPermission({
  name: 'slo.events.push',
  attributes: { action: 'create' },
});

/**
 * See the SLO plugin's actions (agents, CLI). Entity-level reads still
 * follow catalog permissions.
 */
export const sloActionsReadPermission = createPermission({
  name: 'slo.actions.read',
  attributes: { action: 'read' },
});

/** Every permission of the SLO plugin family. */
export const sloPermissions = [
  sloManagePermission,
  sloPushPermission,
  sloActionsReadPermission,
];
