import { createPermission } from '@backstage/plugin-permission-common';

/** Trigger an immediate re-scan of one repository. */
export const catalogIngestionRescanPermission = createPermission({
  name: 'catalog.ingestion.rescan',
  attributes: { action: 'update' },
});

/**
 * Trigger an immediate re-scan of whole sources (every repository: the
 * host's API quota), beyond the schedule.
 */
export const catalogIngestionSourceRescanPermission = createPermission({
  name: 'catalog.ingestion.source.rescan',
  attributes: { action: 'update' },
});

/**
 * See catalog ingestion's actions (agents, CLI). Entity-level reads still
 * follow catalog permissions.
 */
export const catalogIngestionActionsReadPermission = createPermission({
  name: 'catalog.ingestion.actions.read',
  attributes: { action: 'read' },
});

/** All permissions of the catalog ingestion module. */
export const catalogIngestionPermissions = [
  catalogIngestionRescanPermission,
  catalogIngestionSourceRescanPermission,
  catalogIngestionActionsReadPermission,
];
