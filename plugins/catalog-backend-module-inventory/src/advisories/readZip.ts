import yauzl from 'yauzl';

/** Limits of one archive read. */
export interface ZipLimits {
  /** Largest entry read, uncompressed, in bytes. */
  maxEntryBytes: number;
  /** Most bytes read from all entries together, uncompressed. */
  maxTotalBytes: number;
}

/** One JSON entry of an archive: its text, or why it was not read. */
export type ZipItem =
  | { name: string; text: string; problem?: undefined }
  | { name: string; text?: undefined; problem: string };

/** The archive as a whole cannot be read (on), unlike one of its entries. */
export class ZipError extends Error {}

/**
 * Reads the `.json` entries of a zip archive one at a time, in archive
 * order, and hands each to `handle` before the next is read, so that only
 * one entry is in memory. Entries are never written anywhere: their names
 * are only used in messages, so names such as `../x` or `/etc/x` are
 * harmless. An entry larger than `maxEntryBytes` (by its header or by what
 * it inflates to) is handed over as a problem and the others are read; more
 * than `maxTotalBytes` in all, a broken archive or a failing `handle` stops
 * the read with the error.
 */
export function readZip(
  file: string,
  limits: ZipLimits,
  handle: (item: ZipItem) => Promise<void>,
): Promise<{ entries: number }> {
  return new Promise((resolve, reject) => {
    yauzl.open(
      file,
      {
        lazyEntries: true,
        autoClose: true,
        // Names are decoded below without yauzl's checks, which would stop
        // the whole archive at the first odd name.
        decodeStrings: false,
        validateEntrySizes: true,
      },
      (openError, zip) => {
        if (openError || !zip) {
          reject(
            new ZipError(
              `not a zip archive: ${openError?.message ?? 'cannot be opened'}`,
            ),
          );
          return;
        }
        let total = 0;
        let entries = 0;
        let settled = false;
        const fail = (error: unknown) => {
          if (settled) return;
          settled = true;
          zip.close();
          reject(error);
        };
        const next = () => {
          if (!settled) zip.readEntry();
        };
        const hand = (item: ZipItem) => {
          handle(item).then(next, fail);
        };
        zip.on('error', (error: Error) =>
          fail(new ZipError(`the archive is broken: ${error.message}`)),
        );
        zip.on('end', () => {
          if (settled) return;
          settled = true;
          resolve({ entries });
        });
        zip.on('entry', (entry: yauzl.Entry) => {
          const name = yauzl.getFileNameLowLevel(
            entry.generalPurposeBitFlag,
            entry.fileNameRaw,
            entry.extraFields,
            false,
          );
          if (name.endsWith('/') || !name.endsWith('.json')) {
            next();
            return;
          }
          entries += 1;
          if (entry.uncompressedSize > limits.maxEntryBytes) {
            hand({
              name,
              problem: `larger than ${limits.maxEntryBytes} bytes`,
            });
            return;
          }
          if (!entry.canDecodeFileData()) {
            hand({
              name,
              problem: entry.isEncrypted()
                ? 'encrypted'
                : `compression method ${entry.compressionMethod} is not supported`,
            });
            return;
          }
          zip.openReadStream(entry, (streamError, stream) => {
            if (streamError || !stream) {
              hand({
                name,
                problem: `cannot be read: ${streamError?.message ?? 'no data'}`,
              });
              return;
            }
            const chunks: Buffer[] = [];
            let size = 0;
            let done = false;
            stream.on('data', (chunk: Buffer) => {
              size += chunk.length;
              total += chunk.length;
              if (total > limits.maxTotalBytes) {
                done = true;
                stream.destroy();
                fail(
                  new ZipError(
                    `the archive holds more than ${limits.maxTotalBytes} bytes uncompressed; the rest was not read`,
                  ),
                );
              } else if (size > limits.maxEntryBytes) {
                done = true;
                stream.destroy();
                hand({
                  name,
                  problem: `larger than ${limits.maxEntryBytes} bytes`,
                });
              } else {
                chunks.push(chunk);
              }
            });
            stream.on('error', (error: Error) => {
              if (done) return;
              done = true;
              hand({ name, problem: `cannot be read: ${error.message}` });
            });
            stream.on('end', () => {
              if (done) return;
              done = true;
              hand({ name, text: Buffer.concat(chunks).toString('utf8') });
            });
          });
        });
        zip.readEntry();
      },
    );
  });
}
