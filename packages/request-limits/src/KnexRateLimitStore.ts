import type { Knex } from 'knex';
import type { IncrementResponse, Options, Store } from 'express-rate-limit';

/**
 * Rate-limit counters in a table of the plugin's own database, so every
 * replica counts against the same limit (the in-memory store multiplies
 * it by the number of replicas). Fixed windows of the limiter's
 * `windowMs`; one row per key, overwritten when a new window starts.
 *
 * The table (the plugin's migration creates it): `key` string primary key,
 * `window_start` big integer (ms), `hits` integer.
 */
export class KnexRateLimitStore implements Store {
  readonly localKeys = false;
  private windowMs = 60_000;
  private increments = 0;

  constructor(
    private readonly knex: Knex,
    private readonly table: string,
    /** Keeps the counters of several limiters apart. */
    readonly prefix: string,
  ) {}

  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  private windowStart(now = Date.now()): number {
    return Math.floor(now / this.windowMs) * this.windowMs;
  }

  async increment(key: string): Promise<IncrementResponse> {
    const start = this.windowStart();
    const { table } = this;
    const [row] = await this.knex(table)
      .insert({ key: `${this.prefix}:${key}`, window_start: start, hits: 1 })
      .onConflict('key')
      .merge({
        hits: this.knex.raw(
          `CASE WHEN ??.window_start = ? THEN ??.hits + 1 ELSE 1 END`,
          [table, start, table],
        ),
        window_start: start,
      })
      .returning(['hits', 'window_start']);
    this.increments += 1;
    if (this.increments % 500 === 0) {
      // Keys of callers who stopped calling: gone after two windows.
      await this.knex(table)
        .where('window_start', '<', start - this.windowMs)
        .delete();
    }
    return {
      totalHits: Number(row.hits),
      resetTime: new Date(Number(row.window_start) + this.windowMs),
    };
  }

  async decrement(key: string): Promise<void> {
    await this.knex(this.table)
      .where({ key: `${this.prefix}:${key}`, window_start: this.windowStart() })
      .where('hits', '>', 0)
      .decrement('hits', 1);
  }

  async resetKey(key: string): Promise<void> {
    await this.knex(this.table)
      .where({ key: `${this.prefix}:${key}` })
      .delete();
  }
}
