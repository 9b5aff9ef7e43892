/**
 * Waits until `check` returns a value (not undefined), polling every
 * `intervalMs`; fails with "timed out waiting for <what>" after `timeoutMs`.
 */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined>,
  options: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(resolve =>
      setTimeout(resolve, options.intervalMs ?? 100),
    );
  }
}
