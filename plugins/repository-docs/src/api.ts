import { createApiRef } from '@backstage/frontend-plugin-api';
import type { RepositoryDocsApi } from '@internal/plugin-repository-docs-common';

export type { RepositoryDocsApi };

/**
 * The repository docs' API (`RepositoryDocsClient` of the repository docs'
 * common package), served by the catalog backend.
 *
 * @public
 */
export const repositoryDocsApiRef = createApiRef<RepositoryDocsApi>({
  id: 'plugin.repository-docs.api',
});
