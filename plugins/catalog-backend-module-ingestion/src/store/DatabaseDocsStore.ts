import {
  compareDocsPaths,
  type DocsFileSummary,
  type DocsIndexItem,
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

  /** Refs of the entities whose repository has docs (what their Docs tab shows). */
  async entitiesWithDocs(): Promise<string[]> {
    const rows = await this.knex('ingestion_entities as e')
      .whereExists(q =>
        q
          .select(this.knex.raw('1'))
          .from('ingestion_docs as d')
          .whereRaw('d.source_id = e.source_id')
          .andWhereRaw('d.repository = e.repository'),
      )
      .distinct('e.entity_ref')
      .orderBy('e.entity_ref');
    return rows.map(r => r.entity_ref);
  }

  /**
   * A page of all docs files, each with the entity of its repository it is
   * shown on for search (the first Component by ref, else the first
   * entity). Files of repositories without entities are left out.
   */
  async listForIndex(
    offset: number,
    limit: number,
  ): Promise<{ items: DocsIndexItem[]; nextOffset?: number }> {
    const rows = await this.knex('ingestion_docs')
      .orderBy(['source_id', 'repository', 'path'])
      .offset(offset)
      .limit(limit + 1)
      .select();
    const page = rows.slice(0, limit);
    const repos = [
      ...new Set(page.map(r => `${r.source_id}\u0000${r.repository}`)),
    ];
    const entityOf = new Map<string, string>();
    for (const key of repos) {
      const [sourceId, repository] = key.split('\u0000');
      const refs: string[] = (
        await this.knex('ingestion_entities')
          .where({ source_id: sourceId, repository })
          .orderBy('entity_ref')
          .select('entity_ref')
      ).map(r => r.entity_ref);
      const ref = refs.find(r => r.startsWith('component:')) ?? refs[0];
      if (ref) entityOf.set(key, ref);
    }
    const items: DocsIndexItem[] = [];
    for (const r of page) {
      const entityRef = entityOf.get(`${r.source_id}\u0000${r.repository}`);
      if (entityRef)
        items.push({
          entityRef,
          path: r.path,
          title: r.title,
          markdown: r.markdown,
        });
    }
    return {
      items,
      nextOffset: rows.length > limit ? offset + limit : undefined,
    };
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
