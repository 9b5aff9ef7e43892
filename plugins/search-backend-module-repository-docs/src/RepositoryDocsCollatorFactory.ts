import type {
  AuthService,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { catalogEntityReadPermission } from '@backstage/plugin-catalog-common/alpha';
import type {
  DocumentCollatorFactory,
  IndexableDocument,
} from '@backstage/plugin-search-common';
import { RepositoryDocsClient } from '@internal/plugin-repository-docs-common';
import { asService } from '@internal/portal-common';
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
 * Collates the README and docs/ files that the repository docs module
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
    const docs = new RepositoryDocsClient({ discoveryApi: discovery });
    let offset: number | undefined = 0;
    while (offset !== undefined) {
      const page = await docs.listDocsIndex(
        { offset, limit: this.options.pageSize ?? 100 },
        await asService(auth, 'catalog'),
      );
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
