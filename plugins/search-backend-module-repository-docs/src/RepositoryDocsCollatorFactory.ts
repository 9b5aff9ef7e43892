import type {
  AuthService,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import { catalogEntityReadPermission } from '@backstage/plugin-catalog-common/alpha';
import type {
  DocumentCollatorFactory,
  IndexableDocument,
} from '@backstage/plugin-search-common';
import type { DocsIndexPage } from '@internal/plugin-catalog-ingestion-common';
import { Readable } from 'node:stream';

/** A repository docs file in the search index. */
export interface RepositoryDocsDocument extends IndexableDocument {
  entityRef: string;
  path: string;
}

/** Markdown to searchable text: no markup, links kept as their text. */
export function markdownToText(markdown: string): string {
  return markdown
    .replace(/```[\s\S]*?```/g, block => block.replace(/```\w*/g, ' '))
    .replace(/<[^>]+>/g, ' ')
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[#>*_`~|-]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Collates the README and docs/ files that the catalog ingestion module
 * stored, read page by page from `/api/catalog/ingestion/docs/index` with
 * the search plugin's own service token. Each document is authorized as
 * its entity: people only find docs of entities they may read.
 */
export class RepositoryDocsCollatorFactory implements DocumentCollatorFactory {
  readonly type = 'repository-docs';
  readonly visibilityPermission = catalogEntityReadPermission;

  constructor(
    private readonly options: {
      auth: AuthService;
      discovery: DiscoveryService;
      pageSize?: number;
    },
  ) {}

  async getCollator(): Promise<Readable> {
    return Readable.from(this.documents());
  }

  private async *documents(): AsyncGenerator<RepositoryDocsDocument> {
    const { auth, discovery } = this.options;
    const baseUrl = await discovery.getBaseUrl('catalog');
    let offset: number | undefined = 0;
    while (offset !== undefined) {
      const { token } = await auth.getPluginRequestToken({
        onBehalfOf: await auth.getOwnServiceCredentials(),
        targetPluginId: 'catalog',
      });
      const res = await fetch(
        `${baseUrl}/ingestion/docs/index?offset=${offset}&limit=${
          this.options.pageSize ?? 100
        }`,
        { headers: { authorization: `Bearer ${token}` } },
      );
      if (!res.ok) throw await ResponseError.fromResponse(res);
      const page = (await res.json()) as DocsIndexPage;
      for (const item of page.items) {
        const { kind, namespace, name } = parseEntityRef(item.entityRef);
        const query = new URLSearchParams({ path: item.path });
        yield {
          title: `${name}: ${item.title}`,
          text: markdownToText(item.markdown),
          location: `/catalog/${namespace}/${kind}/${name}/docs?${query}`,
          entityRef: item.entityRef,
          path: item.path,
          authorization: { resourceRef: item.entityRef },
        };
      }
      offset = page.nextOffset;
    }
  }
}
