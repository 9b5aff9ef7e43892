import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Upload an SBOM for a component through the API. Named as it was when the
 * inventory was part of catalog ingestion, so policies keep working.
 */
export const inventorySbomUploadPermission = createPermission({
  name: 'catalog.ingestion.sbom.upload',
  attributes: { action: 'create' },
});

/** Import the configured advisory sources now (they also run on a schedule). */
export const inventoryAdvisoryImportPermission = createPermission({
  name: 'catalog.ingestion.advisories.import',
  attributes: { action: 'update' },
});

/**
 * See the dependency inventory's actions (agents, CLI). Entity-level reads
 * still follow catalog permissions.
 */
export const inventoryActionsReadPermission = createPermission({
  name: 'catalog.inventory.actions.read',
  attributes: { action: 'read' },
});

/** All permissions of the dependency inventory. */
export const inventoryPermissions = [
  inventorySbomUploadPermission,
  inventoryAdvisoryImportPermission,
  inventoryActionsReadPermission,
];
