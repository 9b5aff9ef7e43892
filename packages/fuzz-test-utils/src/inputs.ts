/** How long one fuzz test may take. */
export const TIMEOUT_MS = 60_000;

/** A count as test titles write it: `12,000`. */
export const fmt = (count: number) => count.toLocaleString('en-US');

/** What a call returned, or what it threw. */
export type Attempt<T> = { value: T } | { error: unknown };

/**
 * Counts the inputs a fuzz test file hands to the code under test, so that a
 * test can check that its property really ran on as many inputs as it says,
 * and keeps the slowest call for the per-input time bound.
 */
export interface InputCounter {
  /** Inputs counted so far. */
  readonly executed: number;
  /** The slowest timed call so far, in milliseconds (0 before the first). */
  readonly slowest: number;
  /** Counts one input. */
  count(): void;
  /** Counts one input and times `call`; what it throws is thrown. */
  time<T>(call: () => T): T;
  /** Counts one input and times `call`; what it throws is returned. */
  attempt<T>(call: () => T): Attempt<T>;
  /**
   * Logs `fuzz <name>: <n> inputs, seed <seed>`, with the slowest call when
   * any was timed. Needs no `this`: `afterAll(inputs.report)`.
   */
  report(): void;
}

/** An input counter for the fuzz tests of `name`, run with `seed`. */
export function createInputCounter(name: string, seed: number): InputCounter {
  let executed = 0;
  let slowest: number | undefined;

  function time<T>(call: () => T): T {
    executed++;
    const started = performance.now();
    try {
      return call();
    } finally {
      slowest = Math.max(slowest ?? 0, performance.now() - started);
    }
  }

  function attempt<T>(call: () => T): Attempt<T> {
    try {
      return { value: time(call) };
    } catch (error) {
      return { error };
    }
  }

  return {
    get executed() {
      return executed;
    },
    get slowest() {
      return slowest ?? 0;
    },
    count: () => {
      executed++;
    },
    time,
    attempt,
    report: () => {
      const timing =
        slowest === undefined ? '' : `, slowest ${slowest.toFixed(1)} ms`;
      // eslint-disable-next-line no-console -- the count is part of the report
      console.log(`fuzz ${name}: ${executed} inputs, seed ${seed}${timing}`);
    },
  };
}
