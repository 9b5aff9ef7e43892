import { ResponseError } from '@backstage/errors';
import {
  getPluginJson,
  type PluginClientOptions,
  type PluginRequestOptions,
} from '@internal/portal-common';
import type { DocsFile, DocsIndexPage, EntityDocs } from './docs';

/** The repository docs' API, `/api/catalog/ingestion/docs*`. */
export interface RepositoryDocsApi {
  /** The Markdown files of the repository an entity was discovered in. */
  getEntityDocs(
    entityRef: string,
    options?: PluginRequestOptions,
  ): Promise<EntityDocs>;
  /** One Markdown file of that repository. */
  getDocsFile(
    entityRef: string,
    path: string,
    options?: PluginRequestOptions,
  ): Promise<DocsFile>;
  /** An image of that repository, by its path inside the repository. */
  getDocsAsset(
    entityRef: string,
    path: string,
    options?: PluginRequestOptions,
  ): Promise<Blob>;
}

/**
 * Typed client of the repository docs, served by the catalog backend
 * (module catalog-backend-module-repository-docs): for the Docs tab, and for
 * other plugins (search collates the index, DX asks which entities have
 * docs).
 */
export class RepositoryDocsClient implements RepositoryDocsApi {
  constructor(private readonly options: PluginClientOptions) {}

  private get<T>(
    path: string,
    query: Record<string, string>,
    options?: PluginRequestOptions,
  ) {
    const search = new URLSearchParams(query).toString();
    return getPluginJson<T>(
      this.options,
      'catalog',
      `/ingestion/docs${path}${search ? `?${search}` : ''}`,
      options,
    );
  }

  getEntityDocs(
    entityRef: string,
    options?: PluginRequestOptions,
  ): Promise<EntityDocs> {
    return this.get('', { entityRef }, options);
  }

  getDocsFile(
    entityRef: string,
    path: string,
    options?: PluginRequestOptions,
  ): Promise<DocsFile> {
    return this.get('/file', { entityRef, path }, options);
  }

  async getDocsAsset(
    entityRef: string,
    path: string,
    options?: PluginRequestOptions,
  ): Promise<Blob> {
    const base = await this.options.discoveryApi.getBaseUrl('catalog');
    const query = new URLSearchParams({ entityRef, path });
    const doFetch = this.options.fetchApi?.fetch ?? fetch;
    const response = await doFetch(`${base}/ingestion/docs/asset?${query}`, {
      headers: options?.token
        ? { authorization: `Bearer ${options.token}` }
        : undefined,
      signal: options?.signal,
    });
    if (!response.ok) throw await ResponseError.fromResponse(response);
    return response.blob();
  }

  /** Refs of the entities whose repository has docs. */
  listEntitiesWithDocs(
    options?: PluginRequestOptions,
  ): Promise<{ items: string[] }> {
    return this.get('/entities', {}, options);
  }

  /** One page of every docs file, with the entity it is shown on (for search). */
  listDocsIndex(
    request: { offset: number; limit: number },
    options?: PluginRequestOptions,
  ): Promise<DocsIndexPage> {
    return this.get(
      '/index',
      { offset: String(request.offset), limit: String(request.limit) },
      options,
    );
  }
}
