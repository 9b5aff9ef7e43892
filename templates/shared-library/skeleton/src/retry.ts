export interface RetryOptions {
  /** Attempts after the first one. Default 3. */
  retries?: number;
  /** Delay before the first retry, in milliseconds. Default 100. */
  minDelayMs?: number;
  /** Longest delay between attempts, in milliseconds. Default 5000. */
  maxDelayMs?: number;
  /** Whether an error is worth another attempt. Default: every error. */
  shouldRetry?: (error: unknown) => boolean;
  /** Stops waiting and retrying when aborted. */
  signal?: AbortSignal;
}

/**
 * Calls `fn` until it resolves, waiting longer after each failure
 * (exponential backoff with full jitter). Rejects with the last error once
 * the retries are used up or `shouldRetry` says no.
 */
export async function retry<T>(
  fn: (attempt: number) => Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const {
    retries = 3,
    minDelayMs = 100,
    maxDelayMs = 5000,
    shouldRetry = () => true,
    signal,
  } = options;
  for (let attempt = 0; ; attempt++) {
    signal?.throwIfAborted();
    try {
      return await fn(attempt);
    } catch (error) {
      if (attempt >= retries || !shouldRetry(error)) throw error;
      const ceiling = Math.min(maxDelayMs, minDelayMs * 2 ** attempt);
      await sleep(Math.random() * ceiling, signal);
    }
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(done, ms);
    function done() {
      signal?.removeEventListener('abort', aborted);
      resolve();
    }
    function aborted() {
      clearTimeout(timer);
      reject(signal?.reason);
    }
    signal?.addEventListener('abort', aborted, { once: true });
  });
}
