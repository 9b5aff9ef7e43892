/** Signs of JavaScript internals in a message meant for people. */
export const LEAKED_INTERNALS =
  /\[object Object\]|\bfunction\b|\[native code\]/;

/** What {@link expectReadable} checks besides a non-blank string. */
export interface ReadableOptions {
  /** What must not appear; {@link LEAKED_INTERNALS} by default. */
  leaks?: RegExp;
  /** The message is shorter than this many characters. */
  maxLength?: number;
}

/**
 * A message for people: a string with more than white space, without any of
 * `leaks` and, when `maxLength` is given, shorter than that.
 */
export function expectReadable(
  message: unknown,
  options: ReadableOptions = {},
) {
  expect(typeof message).toBe('string');
  expect((message as string).trim().length).toBeGreaterThan(0);
  expect(message).not.toMatch(options.leaks ?? LEAKED_INTERNALS);
  if (options.maxLength !== undefined)
    expect((message as string).length).toBeLessThan(options.maxLength);
}
