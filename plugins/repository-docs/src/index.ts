/**
 * Frontend of the repository docs: the entity Docs tab.
 *
 * @packageDocumentation
 */
export { repositoryDocsPlugin as default } from './plugin';
export { repositoryDocsApiRef, type RepositoryDocsApi } from './api';
