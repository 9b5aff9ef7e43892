import {
  compareDocsPaths,
  type DocsFileSummary,
} from '@internal/plugin-catalog-ingestion-common';
import type { Knex } from 'knex';

/** The Markdown docs and images of each repository, as of the commit last read. */
export class DatabaseDocsStore {
  constructor(private readonly knex: Knex) {}

  async replaceRepositoryDocs(
    sourceId: string,
    repository: string,
    docs: Array<{ path: string; title: string; markdown: string }>,
    assets: Array<{ path: string; contentType: string; data: Buffer }>,
  ): Promise<void> {
    await this.knex.transaction(async tx => {
      await tx('ingestion_docs')
        .where({ source_id: sourceId, repository })
        .delete();
      await tx('ingestion_doc_assets')
        .where({ source_id: sourceId, repository })
        .delete();
      for (const d of docs) {
        await tx('ingestion_docs').insert({
          source_id: sourceId,
          repository,
          ...d,
        });
      }
      for (const a of assets) {
        await tx('ingestion_doc_assets').insert({
          source_id: sourceId,
          repository,
          path: a.path,
          content_type: a.contentType,
          data: a.data,
        });
      }
    });
  }

  async removeRepository(sourceId: string, repository: string): Promise<void> {
    await this.replaceRepositoryDocs(sourceId, repository, [], []);
  }

  async listDocs(
    sourceId: string,
    repository: string,
  ): Promise<DocsFileSummary[]> {
    const rows = await this.knex('ingestion_docs')
      .where({ source_id: sourceId, repository })
      .select('path', 'title');
    return rows
      .map(r => ({ path: r.path, title: r.title }))
      .sort((a, b) => compareDocsPaths(a.path, b.path));
  }

  async getDoc(
    sourceId: string,
    repository: string,
    path: string,
  ): Promise<string | undefined> {
    const row = await this.knex('ingestion_docs')
      .where({ source_id: sourceId, repository, path })
      .first();
    return row?.markdown;
  }

  async getAsset(
    sourceId: string,
    repository: string,
    path: string,
  ): Promise<{ contentType: string; data: Buffer } | undefined> {
    const row = await this.knex('ingestion_doc_assets')
      .where({ source_id: sourceId, repository, path })
      .first();
    return row
      ? { contentType: row.content_type, data: Buffer.from(row.data) }
      : undefined;
  }
}
