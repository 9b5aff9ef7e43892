import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import {
  parseOsv,
  type AdvisoryImportResult,
} from '@internal/plugin-inventory-common';
import type {
  DatabaseAdvisoryStore,
  UpsertOutcome,
} from '../store/DatabaseAdvisoryStore';
import { download, DownloadError, displayUrl } from './download';
import { readZip, ZipError } from './readZip';
import { readSourceState, writeSourceState } from './sourceState';

/** A configured place to read OSV advisories from: a `path` or a `url`. */
export type AdvisorySource = {
  id: string;
  /** Largest download of a `url` source, in bytes (DEFAULT_MAX_DOWNLOAD_BYTES). */
  maxBytes?: number;
  /** How long a download of a `url` source may take (DEFAULT_DOWNLOAD_TIMEOUT_MS). */
  timeoutMs?: number;
} & (
  | {
      /**
       * A directory of OSV JSON files (an unpacked osv.dev archive), read
       * recursively, or a `.zip` of them (an osv.dev archive as it is).
       */
      path: string;
      url?: undefined;
    }
  | {
      /**
       * A zip of OSV JSON files (an osv.dev archive such as
       * https://osv-vulnerabilities.storage.googleapis.com/npm/all.zip), or
       * one OSV JSON document or a JSON array of them.
       */
      url: string;
      path?: undefined;
    }
);

/** What one import of a source did. */
export type AdvisoryImport = AdvisoryImportResult;

/** Largest advisory file read; OSV documents are a few KiB. */
export const MAX_ADVISORY_BYTES = 4 * 1024 * 1024;
/** Largest download of a `url` source unless configured (`maxBytes`). */
export const DEFAULT_MAX_DOWNLOAD_BYTES = 512 * 1024 * 1024;
/** How long a download may take unless configured (`timeout`). */
export const DEFAULT_DOWNLOAD_TIMEOUT_MS = 10 * 60 * 1000;
/**
 * An archive inflates to at most this many times its size limit: OSV JSON
 * compresses about tenfold, a zip bomb far more.
 */
export const MAX_INFLATION = 16;
/** A JSON (not zip) download is parsed as a whole: at most this large. */
export const MAX_JSON_DOWNLOAD_BYTES = 64 * 1024 * 1024;

/** What an import may use besides the advisory store. */
export interface ImportAdvisoriesOptions {
  /**
   * Where the validators of the last complete read of each `url` source (and
   * local archive) are kept, so that an unchanged one is not read again.
   * Without it, every import reads the whole source.
   */
  knex?: Knex;
}

async function* jsonFiles(dir: string): AsyncGenerator<string> {
  const entries = await fs.readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const e of entries) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) yield* jsonFiles(full);
    else if (e.isFile() && e.name.endsWith('.json')) yield full;
  }
}

async function startsLikeZip(file: string): Promise<boolean> {
  const handle = await fs.open(file, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(4), 0, 4, 0);
    const magic = buffer.subarray(0, bytesRead).toString('latin1');
    return magic === 'PK\x03\x04' || magic === 'PK\x05\x06';
  } finally {
    await handle.close();
  }
}

/**
 * Reads every OSV document of a source: the files of a directory, the
 * entries of a zip archive (a local file or a download), or a downloaded
 * JSON document or array. A document that is not valid OSV is refused with
 * its problems and the others are read; an unchanged document is not
 * processed again; a changed one is matched against the stored packages at
 * once. A download is conditional on the last complete one (with `knex`):
 * when the server answers 304 Not Modified, nothing is read.
 */
export async function importAdvisories(
  source: AdvisorySource,
  store: DatabaseAdvisoryStore,
  options: ImportAdvisoriesOptions = {},
): Promise<AdvisoryImport> {
  const result: AdvisoryImport = {
    sourceId: source.id,
    files: 0,
    added: 0,
    changed: 0,
    unchanged: 0,
    refused: [],
    refusedCount: 0,
  };
  const refuse = (file: string, problems: string[]) => {
    result.refusedCount += 1;
    if (result.refused.length < 100) result.refused.push({ file, problems });
  };
  /** One document, by the name it is refused under. */
  const take = async (name: string, text: string) => {
    result.files += 1;
    if (Buffer.byteLength(text) > MAX_ADVISORY_BYTES) {
      refuse(name, [`larger than ${MAX_ADVISORY_BYTES} bytes`]);
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      refuse(name, [`not JSON: ${(e as Error).message}`]);
      return;
    }
    const { advisory, problems } = parseOsv(json);
    if (!advisory) {
      refuse(name, problems);
      return;
    }
    const outcome: UpsertOutcome = await store.upsert(
      advisory,
      text,
      source.id,
    );
    result[outcome] += 1;
  };
  const maxBytes = source.maxBytes ?? DEFAULT_MAX_DOWNLOAD_BYTES;
  /** Reads an archive; false when it could not be read to its end. */
  const readArchive = async (file: string, shown: string) => {
    try {
      await readZip(
        file,
        {
          maxEntryBytes: MAX_ADVISORY_BYTES,
          maxTotalBytes: maxBytes * MAX_INFLATION,
        },
        async item => {
          if (item.problem === undefined) {
            await take(item.name, item.text);
            return;
          }
          result.files += 1;
          refuse(item.name, [item.problem]);
        },
      );
      return true;
    } catch (e) {
      if (!(e instanceof ZipError)) throw e;
      refuse(shown, [
        `${e.message} (${shown} of advisory source ${source.id})`,
      ]);
      return false;
    }
  };

  if (source.url !== undefined) {
    const url = source.url;
    const shown = displayUrl(url);
    const previous = options.knex
      ? await readSourceState(options.knex, source.id, url)
      : undefined;
    const dir = await fs.mkdtemp(
      path.join(os.tmpdir(), 'inventory-advisories-'),
    );
    try {
      const file = path.join(dir, 'download');
      let got;
      try {
        got = await download(url, file, {
          maxBytes,
          timeoutMs: source.timeoutMs ?? DEFAULT_DOWNLOAD_TIMEOUT_MS,
          previous,
        });
      } catch (e) {
        if (!(e instanceof DownloadError)) throw e;
        refuse(shown, [`${e.message} (advisory source ${source.id})`]);
        return result;
      }
      if (got.notModified) {
        result.notModified = true;
        return result;
      }
      let complete = true;
      if (
        new URL(url).pathname.toLowerCase().endsWith('.zip') ||
        /zip/i.test(got.contentType ?? '') ||
        (await startsLikeZip(file))
      ) {
        complete = await readArchive(file, shown);
      } else if (got.bytes > MAX_JSON_DOWNLOAD_BYTES) {
        refuse(shown, [
          `a JSON download is read whole and may be at most ${MAX_JSON_DOWNLOAD_BYTES} bytes; ${shown} is ${got.bytes} (serve a zip archive instead)`,
        ]);
        complete = false;
      } else {
        const text = await fs.readFile(file, 'utf8');
        const name = path.posix.basename(new URL(url).pathname) || shown;
        let json: unknown = undefined;
        try {
          json = JSON.parse(text);
        } catch {
          // Refused with its message below.
        }
        if (Array.isArray(json)) {
          for (const [i, doc] of json.entries())
            await take(`${name}[${i}]`, JSON.stringify(doc));
        } else {
          await take(name, text);
        }
      }
      // Only a read to the end makes the next download conditional.
      if (complete && options.knex)
        await writeSourceState(options.knex, source.id, {
          location: url,
          etag: got.etag,
          lastModified: got.lastModified,
        });
      return result;
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  }

  let stat;
  try {
    stat = await fs.stat(source.path);
  } catch {
    stat = undefined;
  }
  if (stat?.isFile() && source.path.toLowerCase().endsWith('.zip')) {
    // A local archive is read again only when its size or time changed.
    const version = `${stat.size}:${stat.mtimeMs}`;
    const previous = options.knex
      ? await readSourceState(options.knex, source.id, source.path)
      : undefined;
    if (previous?.etag === version) {
      result.notModified = true;
      return result;
    }
    const complete = await readArchive(source.path, source.path);
    if (complete && options.knex)
      await writeSourceState(options.knex, source.id, {
        location: source.path,
        etag: version,
      });
    return result;
  }
  if (!stat?.isDirectory()) {
    refuse(source.path, [
      `the directory ${source.path} of advisory source ${source.id} cannot be read`,
    ]);
    return result;
  }
  for await (const file of jsonFiles(source.path)) {
    const name = path.relative(source.path, file) || '.';
    const { size } = await fs.stat(file);
    if (size > MAX_ADVISORY_BYTES) {
      result.files += 1;
      refuse(name, [`larger than ${MAX_ADVISORY_BYTES} bytes`]);
      continue;
    }
    await take(name, await fs.readFile(file, 'utf8'));
  }
  return result;
}
