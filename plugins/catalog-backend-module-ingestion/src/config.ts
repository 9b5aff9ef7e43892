import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import type { HumanDuration } from '@backstage/types';
import path from 'node:path';
import { DEFAULT_SBOM_GLOBS } from './descriptors/readExtras';

export interface RepositorySourceConfig {
  id: string;
  type: 'local';
  /** Absolute directory of repositories. */
  path: string;
  globs: string[];
  sbomGlobs: string[];
  schedule: SchedulerServiceTaskScheduleDefinition;
}

export interface IngestionConfig {
  sources: RepositorySourceConfig[];
  maxFileBytes: number;
  runRetentionMs: number;
  webhookBodyBytes: number;
  sbomUploadBytes: number;
  githubWebhookSecret?: string;
}

const DEFAULT_SCHEDULE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { seconds: 30 },
  timeout: { minutes: 10 },
  initialDelay: { seconds: 5 },
};

function durationMs(d: HumanDuration): number {
  const ms =
    (d.milliseconds ?? 0) +
    1000 *
      ((d.seconds ?? 0) +
        60 *
          ((d.minutes ?? 0) +
            60 * ((d.hours ?? 0) + 24 * ((d.days ?? 0) + 7 * (d.weeks ?? 0)))));
  return ms;
}

/** Reads `catalog.ingestion` once at start-up; relative paths resolve from the working directory. */
export function readIngestionConfig(root: Config): IngestionConfig {
  const config = root.getOptionalConfig('catalog.ingestion');
  const sources = (config?.getOptionalConfigArray('sources') ?? []).map(
    (source, index) => {
      const id = source.getString('id');
      if (!/^[a-z0-9][a-z0-9-]*$/.test(id)) {
        throw new InputError(
          `catalog.ingestion.sources[${index}].id "${id}" must be lower-case letters, digits and dashes`,
        );
      }
      const type = source.getString('type');
      if (type !== 'local') {
        throw new InputError(
          `catalog.ingestion.sources[${index}].type "${type}" is not supported; use local`,
        );
      }
      return {
        id,
        type,
        path: path.resolve(source.getString('path')),
        globs: source.getOptionalStringArray('globs') ?? ['catalog-info.yaml'],
        sbomGlobs:
          source.getOptionalStringArray('sbomGlobs') ?? DEFAULT_SBOM_GLOBS,
        schedule: source.has('schedule')
          ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
              source.getConfig('schedule'),
            )
          : DEFAULT_SCHEDULE,
      } satisfies RepositorySourceConfig;
    },
  );
  const ids = new Set<string>();
  for (const s of sources) {
    if (ids.has(s.id))
      throw new InputError(
        `catalog.ingestion.sources: id "${s.id}" is used twice`,
      );
    ids.add(s.id);
  }
  const retentionDays = config?.getOptionalNumber('runRetentionDays') ?? 30;
  return {
    sources,
    maxFileBytes: config?.getOptionalNumber('maxFileBytes') ?? 1024 * 1024,
    runRetentionMs: durationMs({ days: retentionDays }),
    webhookBodyBytes:
      config?.getOptionalNumber('webhooks.maxBodyBytes') ?? 5 * 1024 * 1024,
    sbomUploadBytes:
      config?.getOptionalNumber('maxSbomBytes') ?? 20 * 1024 * 1024,
    githubWebhookSecret:
      config?.getOptionalString('webhooks.github.secret') || undefined,
  };
}
