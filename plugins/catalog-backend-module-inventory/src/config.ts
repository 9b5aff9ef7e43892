import type { Config } from '@backstage/config';
import { DEFAULT_SBOM_GLOBS } from './reader/readSboms';

export interface InventoryConfig {
  /** `sbomGlobs` of each repository source (`catalog.ingestion.sources[]`), by id. */
  sbomGlobs: Map<string, string[]>;
  /** Largest SBOM accepted by the upload route, in bytes. */
  sbomUploadBytes: number;
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
  return {
    sbomGlobs,
    sbomUploadBytes:
      config?.getOptionalNumber('maxSbomBytes') ?? 20 * 1024 * 1024,
  };
}
