import type { LoggerService } from '@backstage/backend-plugin-api';
import { HostRateLimitedError } from '@internal/portal-node';
import type { BackfillRun } from '@internal/plugin-dx-common';
import type { Knex } from 'knex';
import type { EntityMapper } from '../mapping/EntityMapper';
import { ingest, type IngestItem } from '../service/ingest';
import type { DxStore } from '../store/DxStore';
import type { BackfillPosition, HistoryReader } from './types';

const iso = (t: unknown) =>
  t ? new Date(t as string).toISOString() : undefined;

/**
 * History backfill: runs per source and date range, one job per
 * repository that keeps its place in the database after every page, so
 * any replica (the work runs as a scheduler task) goes on where the last
 * one stopped, and a host's rate limit pauses the source, not the portal.
 * Events go through the same ingestion as the APIs (same keys: a webhook
 * and the backfill store an event once).
 */
export class Backfill {
  constructor(
    private readonly deps: {
      knex: Knex;
      store: DxStore;
      mapper: EntityMapper;
      readers: ReadonlyMap<string, HistoryReader>;
      logger: LoggerService;
    },
  ) {}

  get sources(): string[] {
    return [...this.deps.readers.keys()];
  }

  /** Starts a run for a source (all its repositories, or one), for a range. */
  async start(options: {
    sourceId: string;
    repository?: string;
    from: Date;
    to: Date;
    requestedBy?: string;
  }): Promise<BackfillRun> {
    if (!this.deps.readers.has(options.sourceId))
      throw new Error(`unknown source ${options.sourceId}`);
    const [row] = await this.deps
      .knex('dx_backfill_runs')
      .insert({
        source_id: options.sourceId,
        repository: options.repository ?? null,
        from: options.from,
        to: options.to,
        state: 'listing',
        requested_by: options.requestedBy ?? null,
        created_at: new Date(),
      })
      .returning('id');
    const id = typeof row === 'object' ? row.id : row;
    return (await this.runs({ id: String(id) }))[0];
  }

  /** Starts a run of `days` for each source that never had one. */
  async startMissing(days: number, now = new Date()) {
    for (const sourceId of this.sources) {
      const seen = await this.deps
        .knex('dx_backfill_runs')
        .where({ source_id: sourceId })
        .first('id');
      if (seen) continue;
      await this.start({
        sourceId,
        from: new Date(now.getTime() - days * 86_400_000),
        to: now,
        requestedBy: 'first start',
      });
      this.deps.logger.info(
        `DX backfill: reading ${days} days of history of source ${sourceId}`,
      );
    }
  }

  /**
   * Works through what is pending until `budgetMs` is spent or `maxPages`
   * pages are read: lists the repositories of new runs, then reads one page
   * of a job at a time, saving its place after each.
   */
  async work(
    options: { budgetMs?: number; maxPages?: number } = {},
  ): Promise<number> {
    const { knex } = this.deps;
    const until = Date.now() + (options.budgetMs ?? 50_000);
    let pages = 0;
    for (const run of await knex('dx_backfill_runs').where({
      state: 'listing',
    })) {
      await this.list(run);
    }
    const paused = new Map<string, Date>();
    while (Date.now() < until && pages < (options.maxPages ?? Infinity)) {
      const job = await knex('dx_backfill_jobs as j')
        .join('dx_backfill_runs as r', 'r.id', 'j.run_id')
        .where('j.state', 'pending')
        .where(q =>
          q.whereNull('j.not_before').orWhere('j.not_before', '<=', new Date()),
        )
        .whereNotIn('r.source_id', [...paused.keys()])
        .orderBy('j.id')
        .first('j.*', 'r.source_id', 'r.from', 'r.to');
      if (!job) break;
      pages += 1;
      await this.step(job, paused);
    }
    await this.finishRuns();
    return pages;
  }

  private async list(run: any) {
    const { knex } = this.deps;
    const reader = this.deps.readers.get(run.source_id);
    try {
      if (!reader)
        throw new Error(`source ${run.source_id} is no longer configured`);
      const all = await reader.listRepositories();
      const names = run.repository
        ? all.filter(n => n === run.repository)
        : all;
      if (run.repository && names.length === 0)
        throw new Error(`${run.source_id} has no repository ${run.repository}`);
      const now = new Date();
      for (let i = 0; i < names.length; i += 500)
        await knex('dx_backfill_jobs')
          .insert(
            names.slice(i, i + 500).map(repository => ({
              run_id: run.id,
              repository,
              state: 'pending',
              phase: 'start',
              updated_at: now,
            })),
          )
          .onConflict(['run_id', 'repository'])
          .ignore();
      await knex('dx_backfill_runs')
        .where({ id: run.id, state: 'listing' })
        .update({ state: 'running' });
    } catch (error) {
      if (error instanceof HostRateLimitedError) return;
      await knex('dx_backfill_runs')
        .where({ id: run.id })
        .update({
          state: 'failed',
          error: (error as Error).message,
          finished_at: new Date(),
        });
    }
  }

  private async step(job: any, paused: Map<string, Date>) {
    const { knex } = this.deps;
    const reader = this.deps.readers.get(job.source_id);
    const position: BackfillPosition | undefined =
      job.phase === 'start'
        ? undefined
        : { phase: job.phase, cursor: job.cursor ?? undefined };
    try {
      if (!reader)
        throw new Error(`source ${job.source_id} is no longer configured`);
      const result = await reader.step(job.repository, position, {
        from: new Date(job.from),
        to: new Date(job.to),
      });
      const stored = await this.store(result.items);
      await knex('dx_backfill_jobs')
        .where({ id: job.id })
        .update({
          state: result.next ? 'pending' : 'done',
          phase: result.next?.phase ?? 'done',
          cursor: result.next?.cursor ?? null,
          pages: Number(job.pages) + 1,
          events: Number(job.events) + stored,
          not_before: result.pauseUntil ?? null,
          updated_at: new Date(),
          finished_at: result.next ? null : new Date(),
        });
      if (result.pauseUntil)
        await this.pause(job.source_id, result.pauseUntil, paused);
    } catch (error) {
      if (error instanceof HostRateLimitedError) {
        await this.pause(job.source_id, error.until, paused);
        return;
      }
      await knex('dx_backfill_jobs')
        .where({ id: job.id })
        .update({
          state: 'failed',
          error: (error as Error).message,
          updated_at: new Date(),
          finished_at: new Date(),
        });
      this.deps.logger.warn(
        `DX backfill of ${job.source_id}/${job.repository} failed: ${
          (error as Error).message
        }`,
      );
    }
  }

  /** Every pending job of the source waits for the host's window. */
  private async pause(
    sourceId: string,
    until: Date,
    paused: Map<string, Date>,
  ) {
    paused.set(sourceId, until);
    await this.deps
      .knex('dx_backfill_jobs')
      .whereIn(
        'run_id',
        this.deps
          .knex('dx_backfill_runs')
          .where({ source_id: sourceId })
          .select('id'),
      )
      .where({ state: 'pending' })
      .update({ not_before: until });
    this.deps.logger.info(
      `DX backfill of ${sourceId} waits for the host's rate limit until ${until.toISOString()}`,
    );
  }

  /** Stores events as the ingestion APIs do; answers how many were new. */
  private async store(items: IngestItem[]): Promise<number> {
    let accepted = 0;
    for (let i = 0; i < items.length; i += 500) {
      const result = await ingest(items.slice(i, i + 500), {
        store: this.deps.store,
        mapper: this.deps.mapper,
      });
      accepted += result.accepted;
      for (const r of result.rejected)
        this.deps.logger.debug(`DX backfill: event refused: ${r.reason}`);
    }
    return accepted;
  }

  private async finishRuns() {
    const { knex } = this.deps;
    const running = await knex('dx_backfill_runs').where({ state: 'running' });
    for (const run of running) {
      const open = await knex('dx_backfill_jobs')
        .where({ run_id: run.id, state: 'pending' })
        .first('id');
      if (!open)
        await knex('dx_backfill_runs')
          .where({ id: run.id, state: 'running' })
          .update({ state: 'done', finished_at: new Date() });
    }
  }

  /** Runs, newest first, with their progress. */
  async runs(filter: { id?: string } = {}, limit = 20): Promise<BackfillRun[]> {
    const { knex } = this.deps;
    const q = knex('dx_backfill_runs').orderBy('id', 'desc').limit(limit);
    if (filter.id) q.where({ id: filter.id });
    const runs = await q;
    if (runs.length === 0) return [];
    const ids = runs.map(r => r.id);
    // Per run and state: how many repositories, their events and pages,
    // the latest pause; and the first 20 failures of each run.
    const counts: Array<{
      run_id: string | number;
      state: string;
      n: string | number;
      events: string | number | null;
      pages: string | number | null;
      not_before: Date | string | number | null;
    }> = await knex('dx_backfill_jobs')
      .whereIn('run_id', ids)
      .groupBy('run_id', 'state')
      .select('run_id', 'state')
      .count({ n: '*' })
      .sum({ events: 'events', pages: 'pages' })
      .max({ not_before: 'not_before' });
    const failures = await knex
      .select('run_id', 'repository', 'error')
      .from(
        knex('dx_backfill_jobs')
          .select(
            'run_id',
            'repository',
            'error',
            knex.raw(
              'row_number() over (partition by run_id order by id) as nth',
            ),
          )
          .whereIn('run_id', ids)
          .where({ state: 'failed' })
          .as('failed'),
      )
      .where('nth', '<=', 20)
      .orderBy(['run_id', 'nth']);
    const stateOf = (runId: unknown, state: string) =>
      counts.find(c => String(c.run_id) === String(runId) && c.state === state);
    const number = (v: unknown) => Number(v ?? 0);
    return runs.map(r => {
      const of = counts.filter(c => String(c.run_id) === String(r.id));
      const done = number(stateOf(r.id, 'done')?.n);
      const failed = number(stateOf(r.id, 'failed')?.n);
      const pendingRow = stateOf(r.id, 'pending');
      const pending = number(pendingRow?.n);
      const lastPause = pendingRow?.not_before
        ? new Date(pendingRow.not_before).getTime()
        : undefined;
      const pausedUntil =
        lastPause && lastPause > Date.now() ? lastPause : undefined;
      const elapsed = (Date.now() - new Date(r.created_at).getTime()) / 1000;
      const finished = done + failed;
      return {
        id: String(r.id),
        sourceId: r.source_id,
        repository: r.repository ?? undefined,
        from: iso(r.from)!,
        to: iso(r.to)!,
        state: r.state,
        error: r.error ?? undefined,
        requestedBy: r.requested_by ?? undefined,
        createdAt: iso(r.created_at)!,
        finishedAt: iso(r.finished_at),
        repositories: {
          total: of.reduce((n, c) => n + number(c.n), 0),
          done,
          failed,
        },
        events: of.reduce((n, c) => n + number(c.events), 0),
        pages: of.reduce((n, c) => n + number(c.pages), 0),
        pausedUntil: pausedUntil
          ? new Date(pausedUntil).toISOString()
          : undefined,
        secondsLeft:
          r.state === 'running' && finished > 0
            ? Math.round((elapsed / finished) * pending)
            : undefined,
        failures: failures
          .filter(f => String(f.run_id) === String(r.id))
          .map(f => ({ repository: f.repository, error: f.error ?? '' })),
      };
    });
  }
}
