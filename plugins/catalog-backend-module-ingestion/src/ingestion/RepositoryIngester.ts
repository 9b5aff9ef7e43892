import { applyKindPolicy, type KindPolicy } from './allowedKinds';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import type {
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import type {
  IngestionProblem,
  IngestionRun,
  IngestionTrigger,
} from '@internal/plugin-catalog-ingestion-common';
import type {
  RepositoryFileReader,
  RepositoryFileReadResult,
} from '@internal/plugin-catalog-ingestion-node';
import pLimit from 'p-limit';
import { randomUUID } from 'node:crypto';
import { readRepository } from '../descriptors/readRepository';
import type {
  DatabaseIngestionStore,
  RunCounts,
} from '../store/DatabaseIngestionStore';
import type {
  RepositoryContent,
  RepositoryReadResult,
  RepositoryRef,
  RepositorySource,
} from './types';

/** Head recorded for a repository without commits, read and found empty. */
const EMPTY_HEAD = 'empty';

export interface RepositoryIngesterOptions {
  source: RepositorySource;
  store: DatabaseIngestionStore;
  /**
   * Read the files next to the descriptors (SBOMs, docs, OpenSLO files) of
   * every repository with content, in this order; each commits after the
   * repository's entities.
   */
  readers: RepositoryFileReader[];
  logger: LoggerService;
  globs: string[];
  maxFileBytes: number;
  /** Which kinds the source's repositories may define. */
  kindPolicy: KindPolicy;
  /** How long a replica may hold a repository while reading it. */
  leaseMs?: number;
  /** Runs older than this are deleted after each full scan. */
  runRetentionMs?: number;
  /** Repositories read at once. */
  concurrency?: number;
  /** Schedules the periodic full scan; called once connected to the catalog. */
  schedule?: (scan: () => Promise<void>) => Promise<void>;
}

type RepoOutcome = {
  found: number;
  added: number;
  changed: number;
  removed: number;
  problems: IngestionProblem[];
  read: boolean;
};

/**
 * An entity provider for one source of git repositories. A full scan lists
 * the source, reads only repositories whose head commit changed, and tells
 * the catalog the difference (a delta mutation per repository). A
 * repository can also be re-read on its own, after a push.
 *
 * Safe with several replicas: full scans run through the scheduler (one
 * at a time across replicas), and each repository is read under a lease
 * in the database, so a push handled by one replica and a scan on another
 * never read the same repository at once.
 */
export class RepositoryIngester implements EntityProvider {
  private connection?: EntityProviderConnection;
  private readonly owner = randomUUID();
  private readonly leaseMs: number;
  private readonly limit: ReturnType<typeof pLimit>;
  /** Repositories this process is reading right now. */
  private readonly reading = new Set<string>();
  /**
   * Runs that broke off (the database went away) and could not be marked
   * failed then; marked at the start of the next scan.
   */
  private interrupted: Array<{
    runId: string;
    startedAt: number;
    counts: RunCounts;
    why: string;
  }> = [];

  constructor(private readonly options: RepositoryIngesterOptions) {
    this.leaseMs = options.leaseMs ?? 5 * 60_000;
    this.limit = pLimit(options.concurrency ?? 4);
  }

  getProviderName(): string {
    return `portal-ingestion:${this.options.source.id}`;
  }

  async connect(connection: EntityProviderConnection): Promise<void> {
    this.connection = connection;
    await this.options.schedule?.(() =>
      this.scanAll('schedule').then(() => undefined),
    );
  }

  get sourceId(): string {
    return this.options.source.id;
  }

  /** Lists the source and reads every repository whose head changed. */
  /**
   * A full scan. Concurrent calls on this replica (a schedule tick, API
   * calls in a loop) share the scan already running instead of listing
   * the source again.
   */
  scanAll(trigger: IngestionTrigger): Promise<IngestionRun> {
    if (!this.fullScan) {
      this.fullScan = this.scanAllNow(trigger).finally(() => {
        this.fullScan = undefined;
      });
    }
    return this.fullScan;
  }

  private fullScan?: Promise<IngestionRun>;

  private async scanAllNow(trigger: IngestionTrigger): Promise<IngestionRun> {
    await this.markInterruptedRuns();
    const { store, source } = this.options;
    // Another replica listing this source now: its run is the answer.
    const claim = await store.claimSourceScan(
      source.id,
      this.owner,
      this.leaseMs,
    );
    if (!claim.claimed) {
      const joined = await this.awaitScanElsewhere(claim.runId);
      if (joined) return joined;
      return this.scanAllNow(trigger);
    }
    try {
      const startedAt = Date.now();
      const runId = await store.startRun(source.id, trigger);
      await store.setSourceScanRun(source.id, this.owner, runId);
      const counts: RunCounts = emptyCounts();
      try {
        return await this.scanAllIn(runId, startedAt, counts);
      } catch (error) {
        return this.interrupt(runId, startedAt, counts, error);
      }
    } finally {
      await store
        .releaseSourceScan(source.id, this.owner)
        .catch(() => undefined);
    }
  }

  /**
   * Waits for the full scan another replica holds the lease for and returns
   * its run once finished; undefined when the lease went away without a
   * finished run (that replica stopped), so the caller scans itself.
   */
  private async awaitScanElsewhere(
    runId: string | undefined,
  ): Promise<IngestionRun | undefined> {
    const { store, source } = this.options;
    const until = Date.now() + this.leaseMs;
    let current = runId;
    while (Date.now() < until) {
      if (current) {
        const run = await store.getRun(current);
        if (run && run.status !== 'running') return run;
      }
      await new Promise(r => setTimeout(r, 250));
      const claim = await store.peekSourceScan(source.id);
      if (!claim) {
        const run = current ? await store.getRun(current) : undefined;
        return run && run.status !== 'running' ? run : undefined;
      }
      current = claim.runId ?? current;
    }
    return undefined;
  }

  /**
   * A run that threw (the database went away mid-scan): marked failed now
   * if possible, else at the start of the next scan, so no run stays
   * "running". Repositories whose change was not committed are read again
   * by the next scan.
   */
  private async interrupt(
    runId: string,
    startedAt: number,
    counts: RunCounts,
    error: unknown,
  ): Promise<never> {
    const why = `interrupted: ${message(error)}`;
    try {
      await this.fail(runId, startedAt, counts, why);
    } catch {
      this.interrupted.push({ runId, startedAt, counts, why });
    }
    throw error;
  }

  private async markInterruptedRuns() {
    const pending = this.interrupted;
    this.interrupted = [];
    for (const run of pending) {
      try {
        await this.fail(run.runId, run.startedAt, run.counts, run.why);
      } catch {
        this.interrupted.push(run);
      }
    }
  }

  private async scanAllIn(
    runId: string,
    startedAt: number,
    counts: RunCounts,
  ): Promise<IngestionRun> {
    const { source, store, logger } = this.options;
    const problems: IngestionProblem[] = [];

    let listing: RepositoryRef[];
    try {
      listing = await source.list();
    } catch (error) {
      return this.fail(
        runId,
        startedAt,
        counts,
        `cannot list ${source.target}: ${message(error)}`,
      );
    }
    const known = new Map(
      (await store.listRepositories(source.id)).map(r => [r.name, r.head]),
    );
    counts.repositories = listing.length;
    if (listing.length === 0 && known.size > 0) {
      return this.fail(
        runId,
        startedAt,
        counts,
        `the listing of ${source.target} is empty but ${known.size} repositories were known; their entities are kept until a listing shows them gone`,
      );
    }

    const listed = new Set(listing.map(r => r.name));
    const outcomes = await Promise.all(
      listing.map(repo => {
        if (repo.error) {
          const problem = {
            sourceId: source.id,
            repository: repo.name,
            message: repo.error,
          };
          return store
            .replaceProblems(source.id, repo.name, [problem])
            .then(() => ({ ...emptyOutcome(), problems: [problem] }));
        }
        if (known.get(repo.name) === (repo.commit ?? EMPTY_HEAD)) {
          return Promise.resolve(emptyOutcome());
        }
        return this.limit(() => this.ingestRepository(repo));
      }),
    );
    for (const outcome of outcomes) addOutcome(counts, problems, outcome);

    for (const name of known.keys()) {
      if (listed.has(name)) continue;
      const refs = await store.removeRepository(source.id, name);
      for (const reader of this.options.readers) {
        await reader.removeRepository({
          sourceId: source.id,
          repository: name,
        });
      }
      if (refs.length > 0) {
        await this.mutate([], refs, name);
        await store.rereadRepositoriesBlockedBy(refs);
      }
      counts.removed += refs.length;
      logger.info(
        `Repository ${source.id}/${name} is gone; removed ${refs.length} entities`,
      );
    }

    if (this.options.runRetentionMs) {
      await store.pruneRuns(
        source.id,
        new Date(Date.now() - this.options.runRetentionMs),
      );
    }
    return this.finish(runId, startedAt, counts, problems);
  }

  /**
   * Reads one repository now (after a push). Returns undefined when the
   * source has no repository of that name; nothing is removed then, since
   * deletions need a complete listing.
   */
  async scanRepository(
    name: string,
    trigger: IngestionTrigger,
  ): Promise<IngestionRun | undefined> {
    const { source, store } = this.options;
    const repo = await source.get(name);
    if (!repo) return undefined;
    await this.markInterruptedRuns();
    const startedAt = Date.now();
    const runId = await store.startRun(source.id, trigger, repo.name);
    const counts: RunCounts = { ...emptyCounts(), repositories: 1 };
    try {
      return await this.scanRepositoryIn(repo, runId, startedAt, counts);
    } catch (error) {
      return this.interrupt(runId, startedAt, counts, error);
    }
  }

  private async scanRepositoryIn(
    repo: RepositoryRef,
    runId: string,
    startedAt: number,
    counts: RunCounts,
  ): Promise<IngestionRun> {
    const problems: IngestionProblem[] = [];
    if (repo.error) {
      return this.fail(runId, startedAt, counts, repo.error);
    }
    // A push may arrive while a scheduled scan reads the same repository
    // on another replica: wait for its lease rather than skip the push.
    let outcome: RepoOutcome | undefined;
    for (let attempt = 0; attempt < 50 && !outcome; attempt++) {
      outcome = await this.ingestRepository(repo);
      if (!outcome) await new Promise(r => setTimeout(r, 200));
    }
    if (!outcome) {
      return this.fail(
        runId,
        startedAt,
        counts,
        `${repo.name} is being read by another replica`,
      );
    }
    addOutcome(counts, problems, outcome);
    return this.finish(runId, startedAt, counts, problems);
  }

  /**
   * Reads one repository under its lease and applies the difference to the
   * catalog. Returns undefined when another replica holds the lease. A
   * repository that cannot be read keeps its entities.
   */
  private async ingestRepository(
    repo: RepositoryRef,
  ): Promise<RepoOutcome | undefined> {
    const { source, store } = this.options;
    // Taken before the claim: two reads of this process cannot both pass.
    if (this.reading.has(repo.name)) return undefined;
    this.reading.add(repo.name);
    // A lease this process still holds from a read that broke off (the
    // database went away before it was released) is taken over.
    const claimed = await store
      .claimRepository(source.id, repo, this.owner, this.leaseMs)
      .catch(error => {
        this.reading.delete(repo.name);
        throw error;
      });
    if (!claimed) {
      this.reading.delete(repo.name);
      return undefined;
    }
    const outcome = emptyOutcome();
    outcome.read = true;
    try {
      let result: RepositoryReadResult;
      let content: RepositoryContent | undefined;
      try {
        if (source.readEntities) {
          result = await source.readEntities(repo);
        } else {
          content = await source.read(repo);
          result = await readRepository(content, {
            globs: this.options.globs,
            maxFileBytes: this.options.maxFileBytes,
            repositoryKey: `${source.id}/${repo.name}`,
            locationOf: file => source.locationOf(repo, file),
          });
        }
        result = applyKindPolicy(result, this.options.kindPolicy, repo.name);
      } catch (error) {
        const problem = {
          sourceId: source.id,
          repository: repo.name,
          message: `cannot read repository: ${message(error)}`,
        };
        await store.replaceProblems(source.id, repo.name, [problem]);
        outcome.problems.push(problem);
        return outcome;
      }

      const problems: IngestionProblem[] = result.problems.map(p => ({
        sourceId: source.id,
        repository: repo.name,
        ...p,
      }));
      const previous = new Map(
        (await store.repositoryEntities(source.id, repo.name)).map(e => [
          e.ref,
          e,
        ]),
      );
      const elsewhere = await store.claimEntities(
        source.id,
        repo.name,
        result.entities.filter(e => !previous.has(e.ref)),
      );
      const accepted = result.entities.filter(e => {
        const other = elsewhere.get(e.ref);
        if (!other) return true;
        problems.push({
          sourceId: source.id,
          repository: repo.name,
          file: e.file,
          line: e.line,
          entityRef: e.ref,
          message: `${e.ref} is already defined in ${other.sourceId}/${other.repository} (${other.file}); this definition is ignored`,
        });
        return false;
      });
      // Files next to the descriptors; org exports have none.
      const reads: RepositoryFileReadResult[] = [];
      if (content) {
        for (const reader of this.options.readers) {
          const read = await reader.read({
            sourceId: source.id,
            repository: repo.name,
            content,
            entities: accepted,
            maxFileBytes: this.options.maxFileBytes,
          });
          reads.push(read);
          for (const p of read.problems) {
            problems.push({ sourceId: source.id, repository: repo.name, ...p });
          }
        }
      }
      const upserts = accepted.filter(
        e => previous.get(e.ref)?.hash !== e.hash,
      );
      const keep = new Set(accepted.map(e => e.ref));
      const removed = [...previous.keys()].filter(ref => !keep.has(ref));

      outcome.found = result.entities.length;
      outcome.added = upserts.filter(e => !previous.has(e.ref)).length;
      outcome.changed = upserts.length - outcome.added;
      outcome.removed = removed.length;
      outcome.problems = problems;

      if (upserts.length > 0 || removed.length > 0) {
        await this.mutate(
          upserts.map(e => e.entity),
          removed,
          repo.name,
        );
      }
      await store.commitRepository({
        sourceId: source.id,
        repository: repo,
        head: repo.commit ?? EMPTY_HEAD,
        upserts: upserts.map(e => ({
          ref: e.ref,
          hash: e.hash,
          sourceId: source.id,
          repository: repo.name,
          file: e.file,
          line: e.line,
        })),
        removed,
        problems,
      });
      if (removed.length > 0) await store.rereadRepositoriesBlockedBy(removed);
      for (const read of reads) await read.commit();
      return outcome;
    } finally {
      this.reading.delete(repo.name);
      await store.releaseRepository(source.id, repo.name, this.owner);
    }
  }

  private async mutate(added: Entity[], removed: string[], repository: string) {
    if (!this.connection) {
      throw new Error(
        `${this.getProviderName()} is not connected to the catalog yet`,
      );
    }
    const locationKey = `${this.getProviderName()}/${repository}`;
    await this.connection.applyMutation({
      type: 'delta',
      added: added.map(entity => ({ entity, locationKey })),
      removed: removed.map(entityRef => ({ entityRef, locationKey })),
    });
  }

  private async fail(
    runId: string,
    startedAt: number,
    counts: RunCounts,
    why: string,
  ) {
    const { source, store, logger } = this.options;
    logger.warn(`Ingestion of ${source.id} failed: ${why}`);
    await store.replaceProblems(source.id, null, [
      { sourceId: source.id, message: why },
    ]);
    await store.finishRun(runId, {
      ...counts,
      status: 'failed',
      errors: [{ sourceId: source.id, message: why }],
      errorCount: 1,
      message: why,
      startedAt,
    });
    return (await store.getRun(runId))!;
  }

  private async finish(
    runId: string,
    startedAt: number,
    counts: RunCounts,
    problems: IngestionProblem[],
  ) {
    const { source, store } = this.options;
    await store.replaceProblems(source.id, null, []);
    await store.finishRun(runId, {
      ...counts,
      status: problems.length > 0 ? 'partial' : 'succeeded',
      errors: problems,
      errorCount: problems.length,
      startedAt,
    });
    return (await store.getRun(runId))!;
  }
}

function emptyCounts(): RunCounts {
  return {
    repositories: 0,
    repositoriesRead: 0,
    entitiesFound: 0,
    added: 0,
    changed: 0,
    removed: 0,
  };
}

function emptyOutcome(): RepoOutcome {
  return {
    found: 0,
    added: 0,
    changed: 0,
    removed: 0,
    problems: [],
    read: false,
  };
}

function addOutcome(
  counts: RunCounts,
  problems: IngestionProblem[],
  outcome: RepoOutcome | undefined,
) {
  if (!outcome) return; // another replica is reading it
  if (outcome.read) counts.repositoriesRead += 1;
  counts.entitiesFound += outcome.found;
  counts.added += outcome.added;
  counts.changed += outcome.changed;
  counts.removed += outcome.removed;
  problems.push(...outcome.problems);
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
