/**
 * Frontend of the dependency inventory: the Dependencies page and the
 * entity Dependencies tab.
 *
 * @packageDocumentation
 */
export { inventoryPlugin as default } from './plugin';
export { inventoryApiRef, type InventoryApi } from './api';
