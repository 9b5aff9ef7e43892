import { resolvePackagePath } from '@backstage/backend-plugin-api';
import type {
  IngestionProblem,
  IngestionRun,
  IngestionRunStatus,
  IngestionTrigger,
} from '@internal/plugin-catalog-ingestion-common';
import type { RepositoryKey } from '@internal/plugin-catalog-ingestion-node';
import type { Knex } from 'knex';

const migrationsDir = resolvePackagePath(
  '@internal/plugin-catalog-backend-module-ingestion',
  'migrations',
);

/** Most errors kept on one run row; the count is always exact. */
export const MAX_ERRORS_PER_RUN = 200;

export interface StoredRepository {
  name: string;
  head: string | null;
}

export interface StoredEntity {
  ref: string;
  hash: string;
  sourceId: string;
  repository: string;
  file: string;
  line: number;
}

export interface RunCounts {
  repositories: number;
  repositoriesRead: number;
  entitiesFound: number;
  added: number;
  changed: number;
  removed: number;
}

export interface SourceStats {
  sourceId: string;
  repositories: number;
  entities: number;
  problems: number;
}

const CHUNK = 500;

function chunks<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK)
    out.push(items.slice(i, i + CHUNK));
  return out;
}

function iso(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  return new Date(value as string | number | Date).toISOString();
}

/**
 * Storage of the ingestion module in the catalog's database: which
 * repositories were read at which commit, which entity came from where,
 * the problems outstanding, and the history of runs.
 */
export class DatabaseIngestionStore {
  static async create(options: {
    knex: Knex;
    skipMigrations?: boolean;
  }): Promise<DatabaseIngestionStore> {
    if (!options.skipMigrations) {
      await options.knex.migrate.latest({
        directory: migrationsDir,
        tableName: 'ingestion__knex_migrations',
      });
    }
    return new DatabaseIngestionStore(options.knex);
  }

  private constructor(private readonly knex: Knex) {}

  async listRepositories(sourceId: string): Promise<StoredRepository[]> {
    return this.knex('ingestion_repositories')
      .where({ source_id: sourceId })
      .select('name', 'head');
  }

  /**
   * Takes the lease on a repository so that one replica reads it at a
   * time. Returns false while another replica holds an unexpired lease;
   * `owner`'s own lease (left by a read that broke off) is taken over.
   */
  async claimRepository(
    sourceId: string,
    repo: { name: string; location: string; branch?: string },
    owner: string,
    leaseMs: number,
  ): Promise<boolean> {
    const now = new Date();
    await this.knex('ingestion_repositories')
      .insert({
        source_id: sourceId,
        name: repo.name,
        location: repo.location,
        branch: repo.branch ?? null,
        head: null,
      })
      .onConflict(['source_id', 'name'])
      .ignore();
    const claimed = await this.knex('ingestion_repositories')
      .where({ source_id: sourceId, name: repo.name })
      .andWhere(q =>
        q
          .whereNull('lease_until')
          .orWhere('lease_until', '<', now)
          .orWhere('lease_owner', owner),
      )
      .update({
        lease_until: new Date(now.getTime() + leaseMs),
        lease_owner: owner,
      });
    return claimed === 1;
  }

  /**
   * Takes the lease on a full scan of a source, so that replicas list it one
   * at a time. Returns `{ claimed: true }`, or the run of the scan another
   * replica holds (`runId` undefined until that scan has started its run).
   */
  async claimSourceScan(
    sourceId: string,
    owner: string,
    leaseMs: number,
  ): Promise<{ claimed: true } | { claimed: false; runId?: string }> {
    const now = new Date();
    const leaseUntil = new Date(now.getTime() + leaseMs);
    const inserted = await this.knex('ingestion_source_scans')
      .insert({
        source_id: sourceId,
        run_id: null,
        lease_owner: owner,
        lease_until: leaseUntil,
      })
      .onConflict('source_id')
      .ignore()
      .returning('source_id');
    if (inserted.length === 1) return { claimed: true };
    const taken = await this.knex('ingestion_source_scans')
      .where({ source_id: sourceId })
      .andWhere(q =>
        q.where('lease_until', '<', now).orWhere('lease_owner', owner),
      )
      .update({ run_id: null, lease_owner: owner, lease_until: leaseUntil });
    if (taken === 1) return { claimed: true };
    const row = await this.knex('ingestion_source_scans')
      .where({ source_id: sourceId })
      .first('run_id');
    if (!row) return this.claimSourceScan(sourceId, owner, leaseMs);
    return {
      claimed: false,
      runId: row.run_id === null ? undefined : String(row.run_id),
    };
  }

  /** The full scan of a source in progress on some replica, if any. */
  async peekSourceScan(
    sourceId: string,
  ): Promise<{ runId?: string } | undefined> {
    const row = await this.knex('ingestion_source_scans')
      .where({ source_id: sourceId })
      .andWhere('lease_until', '>=', new Date())
      .first('run_id');
    if (!row) return undefined;
    return { runId: row.run_id === null ? undefined : String(row.run_id) };
  }

  /** Names the run of the full scan this replica holds the lease for. */
  async setSourceScanRun(sourceId: string, owner: string, runId: string) {
    await this.knex('ingestion_source_scans')
      .where({ source_id: sourceId, lease_owner: owner })
      .update({ run_id: runId });
  }

  /** Gives up the lease on a source's full scan. */
  async releaseSourceScan(sourceId: string, owner: string): Promise<void> {
    await this.knex('ingestion_source_scans')
      .where({ source_id: sourceId, lease_owner: owner })
      .delete();
  }

  async releaseRepository(
    sourceId: string,
    name: string,
    owner: string,
  ): Promise<void> {
    await this.knex('ingestion_repositories')
      .where({ source_id: sourceId, name, lease_owner: owner })
      .update({ lease_until: null, lease_owner: null });
  }

  async repositoryEntities(
    sourceId: string,
    repository: string,
  ): Promise<StoredEntity[]> {
    const rows = await this.knex('ingestion_entities')
      .where({ source_id: sourceId, repository })
      .select();
    return rows.map(toStoredEntity);
  }

  /**
   * Claims entity refs for a repository: the first repository to define a
   * ref owns it (an atomic insert that ignores conflicts, so two replicas
   * or two concurrent reads cannot both win). Returns the refs owned by
   * other repositories, with where they are defined.
   */
  async claimEntities(
    sourceId: string,
    repository: string,
    entities: Array<{ ref: string; file: string; line: number }>,
  ): Promise<Map<string, StoredEntity>> {
    const out = new Map<string, StoredEntity>();
    for (const part of chunks(entities)) {
      await this.knex('ingestion_entities')
        .insert(
          part.map(e => ({
            entity_ref: e.ref,
            source_id: sourceId,
            repository,
            file: e.file,
            line: e.line,
            hash: '',
          })),
        )
        .onConflict('entity_ref')
        .ignore();
      const rows = await this.knex('ingestion_entities')
        .whereIn(
          'entity_ref',
          part.map(e => e.ref),
        )
        .andWhere(q =>
          q.whereNot({ source_id: sourceId }).orWhereNot({ repository }),
        )
        .select();
      for (const row of rows) out.set(row.entity_ref, toStoredEntity(row));
    }
    return out;
  }

  /**
   * Records a completed read of a repository: its entities, the problems
   * found and the commit read, in one transaction.
   */
  async commitRepository(options: {
    sourceId: string;
    repository: { name: string; location: string; branch?: string };
    head: string;
    upserts: StoredEntity[];
    removed: string[];
    problems: IngestionProblem[];
  }): Promise<void> {
    const { sourceId, repository } = options;
    await this.knex.transaction(async tx => {
      for (const part of chunks(options.removed)) {
        await tx('ingestion_entities')
          .where({ source_id: sourceId, repository: repository.name })
          .whereIn('entity_ref', part)
          .delete();
      }
      for (const part of chunks(options.upserts)) {
        await tx('ingestion_entities')
          .insert(
            part.map(e => ({
              entity_ref: e.ref,
              source_id: sourceId,
              repository: repository.name,
              file: e.file,
              line: e.line,
              hash: e.hash,
            })),
          )
          .onConflict('entity_ref')
          .merge();
      }
      await this.replaceProblemsIn(
        tx,
        sourceId,
        repository.name,
        options.problems,
      );
      await tx('ingestion_repositories')
        .where({ source_id: sourceId, name: repository.name })
        .update({
          head: options.head,
          location: repository.location,
          branch: repository.branch ?? null,
          read_at: new Date(),
        });
    });
  }

  /** Replaces the outstanding problems of a repository (or of a whole source with `null`). */
  async replaceProblems(
    sourceId: string,
    repository: string | null,
    problems: IngestionProblem[],
  ): Promise<void> {
    await this.knex.transaction(tx =>
      this.replaceProblemsIn(tx, sourceId, repository, problems),
    );
  }

  private async replaceProblemsIn(
    tx: Knex.Transaction,
    sourceId: string,
    repository: string | null,
    problems: IngestionProblem[],
  ) {
    const del = tx('ingestion_problems').where({ source_id: sourceId });
    await (repository === null
      ? del.whereNull('repository')
      : del.where({ repository })
    ).delete();
    const now = new Date();
    for (const part of chunks(problems)) {
      await tx('ingestion_problems').insert(
        part.map(p => ({
          source_id: sourceId,
          repository,
          file: p.file ?? null,
          line: p.line ?? null,
          entity_ref: p.entityRef ?? null,
          message: p.message,
          found_at: now,
        })),
      );
    }
  }

  /**
   * Forgets a repository that disappeared from a complete listing. Returns
   * the refs of its entities, which the caller removes from the catalog.
   */
  async removeRepository(sourceId: string, name: string): Promise<string[]> {
    return this.knex.transaction(async tx => {
      const refs: string[] = (
        await tx('ingestion_entities')
          .where({ source_id: sourceId, repository: name })
          .select('entity_ref')
      ).map(r => r.entity_ref);
      await tx('ingestion_entities')
        .where({ source_id: sourceId, repository: name })
        .delete();
      await tx('ingestion_problems')
        .where({ source_id: sourceId, repository: name })
        .delete();
      await tx('ingestion_repositories')
        .where({ source_id: sourceId, name })
        .delete();
      return refs;
    });
  }

  /**
   * Makes repositories that were refused an entity because another
   * repository defined it read again on the next scan, once that other
   * definition is gone.
   */
  async rereadRepositoriesBlockedBy(refs: string[]): Promise<void> {
    for (const part of chunks(refs)) {
      const blocked = await this.knex('ingestion_problems')
        .whereIn('entity_ref', part)
        .whereNotNull('repository')
        .where('message', 'like', '%already defined%')
        .distinct('source_id', 'repository');
      for (const row of blocked) {
        await this.knex('ingestion_repositories')
          .where({ source_id: row.source_id, name: row.repository })
          .update({ head: null });
      }
    }
  }

  async startRun(
    sourceId: string,
    trigger: IngestionTrigger,
    repository?: string,
  ): Promise<string> {
    const [row] = await this.knex('ingestion_runs')
      .insert({
        source_id: sourceId,
        trigger,
        repository: repository ?? null,
        started_at: new Date(),
        status: 'running',
      })
      .returning('id');
    return String(typeof row === 'object' ? row.id : row);
  }

  async finishRun(
    id: string,
    result: RunCounts & {
      status: Exclude<IngestionRunStatus, 'running'>;
      errors: IngestionProblem[];
      errorCount: number;
      message?: string;
      startedAt: number;
    },
  ): Promise<void> {
    const finished = new Date();
    await this.knex('ingestion_runs')
      .where({ id })
      .update({
        finished_at: finished,
        duration_ms: finished.getTime() - result.startedAt,
        status: result.status,
        repositories: result.repositories,
        repositories_read: result.repositoriesRead,
        entities_found: result.entitiesFound,
        added: result.added,
        changed: result.changed,
        removed: result.removed,
        error_count: result.errorCount,
        errors: JSON.stringify(result.errors.slice(0, MAX_ERRORS_PER_RUN)),
        message: result.message ?? null,
      });
  }

  async getRun(id: string): Promise<IngestionRun | undefined> {
    const row = await this.knex('ingestion_runs').where({ id }).first();
    return row ? toRun(row) : undefined;
  }

  async listRuns(options: {
    sourceId?: string;
    limit: number;
  }): Promise<IngestionRun[]> {
    const query = this.knex('ingestion_runs')
      .orderBy('id', 'desc')
      .limit(options.limit);
    if (options.sourceId) query.where({ source_id: options.sourceId });
    return (await query.select()).map(toRun);
  }

  async lastRuns(): Promise<
    Map<string, { last?: IngestionRun; lastGoodAt?: string }>
  > {
    const out = new Map<string, { last?: IngestionRun; lastGoodAt?: string }>();
    const lastIds: Array<{ source_id: string; id: string | number }> =
      await this.knex('ingestion_runs')
        .groupBy('source_id')
        .select('source_id')
        .max({ id: 'id' });
    const ids = lastIds.map(r => r.id);
    const rows = ids.length
      ? await this.knex('ingestion_runs').whereIn('id', ids).select()
      : [];
    for (const row of rows) out.set(row.source_id, { last: toRun(row) });
    const good: Array<{ source_id: string; at: unknown }> = await this.knex(
      'ingestion_runs',
    )
      .whereIn('status', ['succeeded', 'partial'])
      .groupBy('source_id')
      .select('source_id')
      .max({ at: 'finished_at' });
    for (const row of good) {
      out.set(row.source_id, {
        ...out.get(row.source_id),
        lastGoodAt: iso(row.at),
      });
    }
    return out;
  }

  /** Finished runs per source and status that started in [from, to). */
  async countRuns(
    from: Date,
    to: Date,
  ): Promise<
    Array<{ sourceId: string; status: IngestionRunStatus; count: number }>
  > {
    const rows: Array<{
      source_id: string;
      status: string;
      count: string | number;
    }> = await this.knex('ingestion_runs')
      .where('started_at', '>=', from)
      .andWhere('started_at', '<', to)
      .groupBy('source_id', 'status')
      .select('source_id', 'status')
      .count({ count: '*' });
    return rows.map(r => ({
      sourceId: String(r.source_id),
      status: r.status as IngestionRunStatus,
      count: Number(r.count),
    }));
  }

  /** Deletes runs that started before `before`. */
  async pruneRuns(sourceId: string, before: Date): Promise<void> {
    await this.knex('ingestion_runs')
      .where({ source_id: sourceId })
      .andWhere('started_at', '<', before)
      .delete();
  }

  /**
   * Records a webhook delivery id. False when it was recorded before: a
   * replay (or GitHub's "redeliver"), which must not act twice. Ids older
   * than a week are forgotten.
   */
  async claimDelivery(deliveryId: string, now = new Date()): Promise<boolean> {
    await this.knex('ingestion_webhook_deliveries')
      .where('received_at', '<', new Date(now.getTime() - 7 * 86_400_000))
      .delete();
    const claimed = await this.knex('ingestion_webhook_deliveries')
      .where({ delivery_id: deliveryId })
      .first('delivery_id');
    if (claimed) return false;
    try {
      await this.knex('ingestion_webhook_deliveries').insert({
        delivery_id: deliveryId,
        received_at: now,
      });
      return true;
    } catch (error) {
      // Another replica took the same delivery at the same moment.
      if (/unique|duplicate/i.test(String((error as Error).message)))
        return false;
      throw error;
    }
  }

  async listProblems(filter: {
    sourceId?: string;
    repository?: string;
    entityRef?: string;
    limit: number;
  }): Promise<IngestionProblem[]> {
    const query = this.knex('ingestion_problems')
      .orderBy('id')
      .limit(filter.limit);
    if (filter.sourceId) query.where({ source_id: filter.sourceId });
    if (filter.repository) query.where({ repository: filter.repository });
    if (filter.entityRef) query.where({ entity_ref: filter.entityRef });
    const rows = await query.select();
    return rows.map(r => ({
      sourceId: r.source_id,
      repository: r.repository ?? undefined,
      file: r.file ?? undefined,
      line: r.line ?? undefined,
      entityRef: r.entity_ref ?? undefined,
      message: r.message,
    }));
  }

  /** The repository an entity was discovered in, if any. */
  async entityOrigin(ref: string): Promise<StoredEntity | undefined> {
    const row = await this.knex('ingestion_entities')
      .where({ entity_ref: ref })
      .first();
    return row ? toStoredEntity(row) : undefined;
  }

  /** The entities discovered in the given repositories, ordered by ref. */
  async entitiesOfRepositories(
    repositories: RepositoryKey[],
  ): Promise<Array<RepositoryKey & { entityRef: string }>> {
    const out: Array<RepositoryKey & { entityRef: string }> = [];
    for (const part of chunks(repositories)) {
      const rows = await this.knex('ingestion_entities')
        .whereIn(
          ['source_id', 'repository'],
          part.map(r => [r.sourceId, r.repository]),
        )
        .select('entity_ref', 'source_id', 'repository');
      for (const r of rows) {
        out.push({
          sourceId: r.source_id,
          repository: r.repository,
          entityRef: r.entity_ref,
        });
      }
    }
    return out.sort((a, b) =>
      a.entityRef < b.entityRef ? -1 : Number(a.entityRef > b.entityRef),
    );
  }

  async sourceStats(): Promise<Map<string, SourceStats>> {
    const out = new Map<string, SourceStats>();
    const get = (id: string) => {
      let s = out.get(id);
      if (!s) {
        s = { sourceId: id, repositories: 0, entities: 0, problems: 0 };
        out.set(id, s);
      }
      return s;
    };
    const count = async (
      table: string,
    ): Promise<Array<{ source_id: string; count: string | number }>> =>
      this.knex(table)
        .groupBy('source_id')
        .select('source_id')
        .count({ count: '*' });
    for (const r of await count('ingestion_repositories'))
      get(String(r.source_id)).repositories = Number(r.count);
    for (const r of await count('ingestion_entities'))
      get(String(r.source_id)).entities = Number(r.count);
    for (const r of await count('ingestion_problems'))
      get(String(r.source_id)).problems = Number(r.count);
    return out;
  }
}

function toStoredEntity(row: any): StoredEntity {
  return {
    ref: row.entity_ref,
    hash: row.hash,
    sourceId: row.source_id,
    repository: row.repository,
    file: row.file,
    line: row.line,
  };
}

function toRun(row: any): IngestionRun {
  return {
    id: String(row.id),
    sourceId: row.source_id,
    trigger: row.trigger,
    repository: row.repository ?? undefined,
    startedAt: iso(row.started_at)!,
    finishedAt: iso(row.finished_at),
    durationMs: row.duration_ms ?? undefined,
    status: row.status,
    repositories: row.repositories,
    repositoriesRead: row.repositories_read,
    entitiesFound: row.entities_found,
    added: row.added,
    changed: row.changed,
    removed: row.removed,
    errorCount: row.error_count,
    errors: row.errors ? JSON.parse(row.errors) : [],
    message: row.message ?? undefined,
  };
}
