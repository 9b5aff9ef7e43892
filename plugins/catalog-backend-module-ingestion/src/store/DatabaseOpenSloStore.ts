import type {
  OpenSloFile,
  OpenSloFilePage,
} from '@internal/plugin-catalog-ingestion-common';
import type { Knex } from 'knex';

const CHUNK = 100;

function toOpenSloFile(row: any): OpenSloFile {
  return {
    entityRef: row.entity_ref,
    file: row.file,
    content: row.content,
    sourceId: row.source_id,
    repository: row.repository,
    storedAt: new Date(row.stored_at).toISOString(),
  };
}

/**
 * The OpenSLO files of each repository, as of the commit last read (table
 * created by the module's migrations, see DatabaseIngestionStore.create).
 */
export class DatabaseOpenSloStore {
  constructor(private readonly knex: Knex) {}

  /** Replaces all OpenSLO files of a repository, in one transaction. */
  async replaceRepositoryFiles(
    sourceId: string,
    repository: string,
    files: Array<{ entityRef: string; file: string; content: string }>,
  ): Promise<void> {
    const storedAt = new Date();
    await this.knex.transaction(async tx => {
      await tx('ingestion_openslo_files')
        .where({ source_id: sourceId, repository })
        .delete();
      for (let i = 0; i < files.length; i += CHUNK) {
        await tx('ingestion_openslo_files').insert(
          files.slice(i, i + CHUNK).map(f => ({
            source_id: sourceId,
            repository,
            entity_ref: f.entityRef.toLocaleLowerCase('en-US'),
            file: f.file,
            content: f.content,
            stored_at: storedAt,
          })),
        );
      }
    });
  }

  async removeRepository(sourceId: string, repository: string): Promise<void> {
    await this.replaceRepositoryFiles(sourceId, repository, []);
  }

  /** A page of OpenSLO files, ordered by entity ref and file; optionally of one entity. */
  async list(options: {
    offset: number;
    limit: number;
    entityRef?: string;
  }): Promise<OpenSloFilePage> {
    const { offset, limit, entityRef } = options;
    const query = this.knex('ingestion_openslo_files')
      .orderBy(['entity_ref', 'file', 'source_id', 'repository'])
      .offset(offset)
      .limit(limit + 1);
    if (entityRef) query.where({ entity_ref: entityRef });
    const rows = await query.select();
    return {
      items: rows.slice(0, limit).map(toOpenSloFile),
      nextOffset: rows.length > limit ? offset + limit : undefined,
    };
  }
}
