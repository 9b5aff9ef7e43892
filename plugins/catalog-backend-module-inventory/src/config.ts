import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  type SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { readDurationFromConfig, type Config } from '@backstage/config';
import path from 'node:path';
import {
  DEFAULT_DOWNLOAD_TIMEOUT_MS,
  DEFAULT_MAX_DOWNLOAD_BYTES,
  type AdvisorySource,
} from './advisories/importAdvisories';
import { DEFAULT_SBOM_GLOBS } from './reader/readSboms';

export interface InventoryConfig {
  /** `sbomGlobs` of each repository source (`catalog.ingestion.sources[]`), by id. */
  sbomGlobs: Map<string, string[]>;
  /** Largest SBOM accepted by the upload route, in bytes. */
  sbomUploadBytes: number;
  /** Where advisories in OSV format are read from (`catalog.ingestion.advisories`). */
  advisorySources: AdvisorySource[];
  advisorySchedule: SchedulerServiceTaskScheduleDefinition;
}

/**
 * Reads the inventory's keys of `catalog.ingestion` once at start-up (the
 * ingestion module checks the rest of each source).
 */
export function readInventoryConfig(root: Config): InventoryConfig {
  const config = root.getOptionalConfig('catalog.ingestion');
  const sbomGlobs = new Map<string, string[]>();
  for (const source of config?.getOptionalConfigArray('sources') ?? []) {
    if (source.getString('type') === 'org') continue;
    sbomGlobs.set(
      source.getString('id'),
      source.getOptionalStringArray('sbomGlobs') ?? DEFAULT_SBOM_GLOBS,
    );
  }
  const advisories = config?.getOptionalConfig('advisories');
  const advisorySources = (
    advisories?.getOptionalConfigArray('sources') ?? []
  ).map(readAdvisorySource);
  const ids = new Set<string>();
  for (const { id } of advisorySources) {
    if (ids.has(id))
      throw new Error(
        `catalog.ingestion.advisories.sources: the id ${id} is used by more than one source`,
      );
    ids.add(id);
  }
  return {
    sbomGlobs,
    advisorySources,
    advisorySchedule: advisories?.has('schedule')
      ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
          advisories.getConfig('schedule'),
        )
      : {
          frequency: { hours: 6 },
          timeout: { minutes: 30 },
          initialDelay: { minutes: 1 },
        },
    sbomUploadBytes:
      config?.getOptionalNumber('maxSbomBytes') ?? 20 * 1024 * 1024,
  };
}

const MS: Record<string, number> = {
  milliseconds: 1,
  seconds: 1000,
  minutes: 60_000,
  hours: 3_600_000,
  days: 86_400_000,
  weeks: 7 * 86_400_000,
};

/**
 * One entry of `catalog.ingestion.advisories.sources`: `path` or `url`,
 * exactly one of them.
 */
function readAdvisorySource(source: Config): AdvisorySource {
  const id = source.getString('id');
  const where = `catalog.ingestion.advisories.sources: source ${id}`;
  const dir = source.getOptionalString('path');
  const url = source.getOptionalString('url');
  if (dir !== undefined && url !== undefined)
    throw new Error(`${where} has both path and url; give exactly one`);
  const maxBytes =
    source.getOptionalNumber('maxBytes') ?? DEFAULT_MAX_DOWNLOAD_BYTES;
  if (!Number.isSafeInteger(maxBytes) || maxBytes <= 0)
    throw new Error(`${where}: maxBytes must be a positive whole number`);
  let timeoutMs = DEFAULT_DOWNLOAD_TIMEOUT_MS;
  if (source.has('timeout')) {
    const duration = readDurationFromConfig(source, { key: 'timeout' });
    const unknown = Object.keys(duration).filter(unit => !(unit in MS));
    if (unknown.length > 0)
      throw new Error(
        `${where}: timeout must be given in weeks, days, hours, minutes, seconds or milliseconds, not ${unknown.join(
          ', ',
        )}`,
      );
    timeoutMs = Object.entries(duration).reduce(
      (sum, [unit, n]) => sum + MS[unit] * (n ?? 0),
      0,
    );
    if (!(timeoutMs > 0))
      throw new Error(`${where}: timeout must be longer than nothing`);
  }
  if (url === undefined) {
    if (dir === undefined)
      throw new Error(
        `${where} has neither path (a directory or .zip of OSV files) nor url (an OSV archive to download); give exactly one`,
      );
    return { id, path: path.resolve(dir), maxBytes };
  }
  let protocol;
  try {
    protocol = new URL(url).protocol;
  } catch {
    throw new Error(`${where}: url is not a valid URL`);
  }
  if (protocol !== 'https:' && protocol !== 'http:')
    throw new Error(`${where}: url must be http or https, not ${protocol}`);
  return { id, url, maxBytes, timeoutMs };
}
