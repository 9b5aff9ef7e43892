/**
 * Catalog module: the dependency inventory (SBOMs of components, from
 * their repositories or uploaded, and which components use a package).
 *
 * @packageDocumentation
 */
export { catalogModuleInventory as default } from './module';
