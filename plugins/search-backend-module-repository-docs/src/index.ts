/**
 * Search module that indexes repository docs stored by the catalog ingestion module.
 *
 * @packageDocumentation
 */
export { searchModuleRepositoryDocs as default } from './module';
export {
  RepositoryDocsCollatorFactory,
  markdownToText,
} from './RepositoryDocsCollatorFactory';
export type { RepositoryDocsDocument } from './RepositoryDocsCollatorFactory';
