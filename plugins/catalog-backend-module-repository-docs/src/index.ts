/**
 * Catalog module: the repository docs (README and docs/ of every discovered
 * repository, served per entity).
 *
 * @packageDocumentation
 */
export { catalogModuleRepositoryDocs as default } from './module';
