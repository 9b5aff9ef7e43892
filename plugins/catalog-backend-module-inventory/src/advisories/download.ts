import fs from 'node:fs';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';

/** Validators of an earlier download, sent so that an unchanged one is not sent again. */
export interface Validators {
  etag?: string;
  lastModified?: string;
}

export type DownloadResult =
  | { notModified: true }
  | {
      notModified?: false;
      bytes: number;
      contentType?: string;
      etag?: string;
      lastModified?: string;
    };

/** A download that did not complete, said in a sentence. */
export class DownloadError extends Error {}

/** The URL without credentials or query, for messages and logs. */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '(an invalid URL)';
  }
}

function why(error: unknown, timeoutMs: number): string {
  const e = error as Error & { cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError')
    return `no complete answer within ${timeoutMs / 1000} seconds (timeout)`;
  const message = String(e?.message ?? e);
  const { code, message: detail } = e?.cause ?? {};
  if (!detail) return code ? `${message} (${code})` : message;
  return code && !detail.includes(code)
    ? `${message}: ${detail} (${code})`
    : `${message}: ${detail}`;
}

/**
 * Downloads `url` into `file` with the global fetch, streamed to disk: at
 * most `maxBytes` (by Content-Length, and by the bytes that arrive), within
 * `timeoutMs` for the whole exchange. With validators of an earlier
 * download, a 304 answer means nothing was sent and nothing is written.
 */
export async function download(
  url: string,
  file: string,
  options: { maxBytes: number; timeoutMs: number; previous?: Validators },
): Promise<DownloadResult> {
  const { maxBytes, timeoutMs, previous } = options;
  const shown = displayUrl(url);
  const headers: Record<string, string> = {
    accept: 'application/zip, application/json;q=0.9, */*;q=0.5',
  };
  if (previous?.etag) headers['if-none-match'] = previous.etag;
  if (previous?.lastModified)
    headers['if-modified-since'] = previous.lastModified;
  const signal = AbortSignal.timeout(timeoutMs);
  let response: Response;
  try {
    response = await fetch(url, { headers, signal, redirect: 'follow' });
  } catch (error) {
    throw new DownloadError(
      `${shown} cannot be downloaded: ${why(error, timeoutMs)}`,
    );
  }
  const discard = () => response.body?.cancel().catch(() => {});
  if (response.status === 304) {
    await discard();
    return { notModified: true };
  }
  if (!response.ok || !response.body) {
    await discard();
    throw new DownloadError(
      `${shown} answered ${response.status} ${response.statusText}`.trim(),
    );
  }
  const length = Number(response.headers.get('content-length') ?? NaN);
  if (length > maxBytes) {
    await discard();
    throw new DownloadError(
      `${shown} is ${length} bytes, more than the ${maxBytes} allowed (maxBytes); nothing was read`,
    );
  }
  let bytes = 0;
  const count = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      if (bytes > maxBytes)
        callback(
          new DownloadError(
            `${shown} sent more than the ${maxBytes} bytes allowed (maxBytes); nothing was read`,
          ),
        );
      else callback(null, chunk);
    },
  });
  try {
    await pipeline(
      Readable.fromWeb(response.body as unknown as WebReadableStream),
      count,
      fs.createWriteStream(file),
    );
  } catch (error) {
    if (error instanceof DownloadError) throw error;
    throw new DownloadError(
      `the download of ${shown} broke off: ${why(error, timeoutMs)}`,
    );
  }
  return {
    bytes,
    contentType: response.headers.get('content-type') ?? undefined,
    etag: response.headers.get('etag') ?? undefined,
    lastModified: response.headers.get('last-modified') ?? undefined,
  };
}
