import fs from 'node:fs/promises';
import path from 'node:path';
import {
  parseOsv,
  type AdvisoryImportResult,
} from '@internal/plugin-inventory-common';
import type {
  DatabaseAdvisoryStore,
  UpsertOutcome,
} from '../store/DatabaseAdvisoryStore';

/** A configured place to read OSV advisories from. */
export interface AdvisorySource {
  id: string;
  /** A directory of OSV JSON files (an unpacked osv.dev archive), read recursively. */
  path: string;
}

/** What one import of a source did. */
export type AdvisoryImport = AdvisoryImportResult;

/** Largest advisory file read; OSV documents are a few KiB. */
export const MAX_ADVISORY_BYTES = 4 * 1024 * 1024;

async function* jsonFiles(dir: string): AsyncGenerator<string> {
  const entries = await fs.readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const e of entries) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) yield* jsonFiles(full);
    else if (e.isFile() && e.name.endsWith('.json')) yield full;
  }
}

/**
 * Reads every OSV file of a source. A file that is not a valid OSV document
 * is refused with its problems and the others are read; an unchanged
 * document is not processed again; a changed one is matched against the
 * stored packages at once.
 */
export async function importAdvisories(
  source: AdvisorySource,
  store: DatabaseAdvisoryStore,
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
    if (result.refused.length < 100)
      result.refused.push({
        file: path.relative(source.path, file) || '.',
        problems,
      });
  };
  try {
    await fs.access(source.path);
  } catch {
    refuse(source.path, [
      `the directory ${source.path} of advisory source ${source.id} cannot be read`,
    ]);
    return result;
  }
  for await (const file of jsonFiles(source.path)) {
    result.files += 1;
    const { size } = await fs.stat(file);
    if (size > MAX_ADVISORY_BYTES) {
      refuse(file, [`larger than ${MAX_ADVISORY_BYTES} bytes`]);
      continue;
    }
    const text = await fs.readFile(file, 'utf8');
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      refuse(file, [`not JSON: ${(e as Error).message}`]);
      continue;
    }
    const { advisory, problems } = parseOsv(json);
    if (!advisory) {
      refuse(file, problems);
      continue;
    }
    const outcome: UpsertOutcome = await store.upsert(
      advisory,
      text,
      source.id,
    );
    result[outcome] += 1;
  }
  return result;
}
