/**
 * A git host's API answered that the caller is over its rate limit: wait
 * until `until` (from `Retry-After`, or the reset time of GitHub's
 * `x-ratelimit-*` / GitLab's `ratelimit-*` headers).
 */
export class HostRateLimitedError extends Error {
  readonly name = 'HostRateLimitedError';
  constructor(message: string, readonly until: Date) {
    super(message);
  }
}

/** Longest pause a host's rate-limit answer is trusted for. */
const MAX_PAUSE_MS = 60 * 60_000;

/** When a rate-limited host may be asked again, from its answer's headers. */
export function rateLimitedUntil(
  headers: Headers,
  now = Date.now(),
): Date | undefined {
  const retryAfter = headers.get('retry-after');
  if (retryAfter !== null) {
    const seconds = Number(retryAfter);
    const at = Number.isFinite(seconds)
      ? now + seconds * 1000
      : Date.parse(retryAfter);
    if (Number.isFinite(at))
      return new Date(Math.min(Math.max(at, now), now + MAX_PAUSE_MS));
  }
  const remaining =
    headers.get('x-ratelimit-remaining') ?? headers.get('ratelimit-remaining');
  const reset =
    headers.get('x-ratelimit-reset') ?? headers.get('ratelimit-reset');
  if (remaining === '0' && reset !== null && Number.isFinite(Number(reset)))
    return new Date(
      Math.min(Math.max(Number(reset) * 1000, now), now + MAX_PAUSE_MS),
    );
  return undefined;
}

/**
 * One JSON request to a git host's API: no redirects followed (a request
 * never ends up at another host), a timeout, the status in the error, and
 * the next page from the `Link` header, refused when it points elsewhere.
 * A rate-limit answer (429, or 403 with the limit spent) throws a
 * HostRateLimitedError saying until when; a page that spends the last
 * request of the window says so in `pauseUntil`.
 */
export async function scmRequest<T>(
  url: string,
  options: { headers: Record<string, string>; timeoutMs: number; host: string },
): Promise<{ body: T; next?: string; pauseUntil?: Date }> {
  const res = await fetch(url, {
    headers: options.headers,
    redirect: 'error',
    signal: AbortSignal.timeout(options.timeoutMs),
  });
  if (!res.ok) {
    const until =
      res.status === 429 || res.status === 403
        ? rateLimitedUntil(res.headers)
        : undefined;
    if (until || res.status === 429)
      throw new HostRateLimitedError(
        `${options.host} rate limit reached for ${
          new URL(url).pathname
        }; waiting until ${(
          until ?? new Date(Date.now() + 60_000)
        ).toISOString()}`,
        until ?? new Date(Date.now() + 60_000),
      );
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
  return {
    body: (await res.json()) as T,
    next,
    pauseUntil: rateLimitedUntil(res.headers),
  };
}
