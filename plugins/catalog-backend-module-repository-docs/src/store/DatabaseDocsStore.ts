import { resolvePackagePath } from '@backstage/backend-plugin-api';
import type {
  DiscoveredEntityOrigins,
  RepositoryKey,
} from '@internal/plugin-catalog-ingestion-node';
import {
  compareDocsPaths,
  type DocsFileSummary,
  type DocsIndexItem,
} from '@internal/plugin-repository-docs-common';
import type { Knex } from 'knex';

const migrationsDir = resolvePackagePath(
  '@internal/plugin-catalog-backend-module-repository-docs',
  'migrations',
);

/**
 * The Markdown docs and images of each repository, as of the commit last
 * read, in the catalog's database: tables of this module's migrations
 * (their own migrations table, repository_docs__knex_migrations). Which
 * entity belongs to which repository comes from catalog ingestion.
 */
export class DatabaseDocsStore {
  static async create(options: {
    knex: Knex;
    origins: DiscoveredEntityOrigins;
    skipMigrations?: boolean;
  }): Promise<DatabaseDocsStore> {
    if (!options.skipMigrations) {
      await options.knex.migrate.latest({
        directory: migrationsDir,
        tableName: 'repository_docs__knex_migrations',
      });
    }
    return new DatabaseDocsStore(options.knex, options.origins);
  }

  private constructor(
    private readonly knex: Knex,
    private readonly origins: DiscoveredEntityOrigins,
  ) {}

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
    const repositories = await this.knex('ingestion_docs').distinct(
      'source_id',
      'repository',
    );
    const entities = await this.origins.repositoryEntities(
      repositories.map(r => ({
        sourceId: r.source_id,
        repository: r.repository,
      })),
    );
    return [...new Set(entities.map(e => e.entityRef))];
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
    const key = (r: RepositoryKey) => `${r.sourceId}\u0000${r.repository}`;
    const repositories = new Map<string, RepositoryKey>();
    for (const r of page) {
      const repository = { sourceId: r.source_id, repository: r.repository };
      repositories.set(key(repository), repository);
    }
    const refs = new Map<string, string[]>();
    for (const e of await this.origins.repositoryEntities([
      ...repositories.values(),
    ])) {
      refs.set(key(e), [...(refs.get(key(e)) ?? []), e.entityRef]);
    }
    const items: DocsIndexItem[] = [];
    for (const r of page) {
      const all =
        refs.get(key({ sourceId: r.source_id, repository: r.repository })) ??
        [];
      const entityRef = all.find(ref => ref.startsWith('component:')) ?? all[0];
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
