/**
 * Test helpers of the portal's frontend plugins.
 *
 * @packageDocumentation
 */

/**
 * The React warnings among `console.error` arguments that mean a page of ours
 * renders wrongly: list items without keys and invalid DOM nesting (an `<h2>`
 * inside an `<h2>`). Other warnings (deprecations in upstream packages) are
 * not ours to fail on.
 *
 * @public
 */
export function reactWarningIn(args: unknown[]): string | undefined {
  const format = typeof args[0] === 'string' ? args[0] : '';
  if (!/unique "key" prop|validateDOMNesting/.test(format)) return undefined;
  let i = 1;
  return format
    .replace(/%s/g, () => String(args[i++] ?? ''))
    .split('\n')[0]
    .trim();
}

/**
 * Fails each test whose rendering made React warn about list keys or DOM
 * nesting; call once in a package's `setupTests.ts`.
 *
 * @public
 */
export function failOnReactWarnings() {
  const seen: string[] = [];
  let spy: jest.SpyInstance | undefined;
  beforeEach(() => {
    seen.length = 0;
    // eslint-disable-next-line no-console
    const original = console.error;
    spy = jest.spyOn(console, 'error').mockImplementation((...args) => {
      const warning = reactWarningIn(args);
      if (warning) seen.push(warning);
      original(...args);
    });
  });
  afterEach(() => {
    spy?.mockRestore();
    expect(seen).toEqual([]);
  });
}
