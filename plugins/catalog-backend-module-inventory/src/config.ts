import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  type SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import path from 'node:path';
import type { AdvisorySource } from './advisories/importAdvisories';
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
  ).map(source => ({
    id: source.getString('id'),
    path: path.resolve(source.getString('path')),
  }));
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
