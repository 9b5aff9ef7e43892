import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Upload an SBOM for a component through the API. Named as it was when the
 * inventory was part of catalog ingestion, so policies keep working.
 */
export const inventorySbomUploadPermission = createPermission({
  name: 'catalog.ingestion.sbom.upload',
  attributes: { action: 'create' },
});

/** All permissions of the dependency inventory. */
export const inventoryPermissions = [inventorySbomUploadPermission];
