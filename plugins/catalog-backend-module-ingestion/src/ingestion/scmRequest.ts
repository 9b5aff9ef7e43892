/**
 * One JSON request to a git host's API: no redirects followed (a request
 * never ends up at another host), a timeout, the status in the error, and
 * the next page from the `Link` header, refused when it points elsewhere.
 */
export async function scmRequest<T>(
  url: string,
  options: { headers: Record<string, string>; timeoutMs: number; host: string },
): Promise<{ body: T; next?: string }> {
  const res = await fetch(url, {
    headers: options.headers,
    redirect: 'error',
    signal: AbortSignal.timeout(options.timeoutMs),
  });
  if (!res.ok) {
    throw new Error(
      `${options.host} answered ${res.status} ${res.statusText} for ${
        new URL(url).pathname
      }`,
    );
  }
  const next = /<([^>]+)>;\s*rel="next"/.exec(
    res.headers.get('link') ?? '',
  )?.[1];
  if (next && new URL(next).origin !== new URL(url).origin) {
    throw new Error(
      `${options.host} pagination points to another host (${
        new URL(next).origin
      }); refused`,
    );
  }
  return { body: (await res.json()) as T, next };
}
