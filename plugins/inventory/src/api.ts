import { createApiRef } from '@backstage/frontend-plugin-api';
import type { InventoryApi } from '@internal/plugin-inventory-common';

export type { InventoryApi };

/**
 * The dependency inventory's API (`InventoryClient` of the inventory's
 * common package), served by the catalog backend.
 *
 * @public
 */
export const inventoryApiRef = createApiRef<InventoryApi>({
  id: 'plugin.inventory.api',
});
