/**
 * Search backend module: catalog entities found by name, title, description and tags.
 *
 * @packageDocumentation
 */
export { searchModuleCatalogText as default } from './module';
export { catalogEntityText } from './catalogEntityText';
