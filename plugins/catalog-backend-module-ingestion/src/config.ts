import {
  DEFAULT_ORG_KINDS,
  DEFAULT_REPOSITORY_KINDS,
} from './ingestion/allowedKinds';
import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import type { HumanDuration } from '@backstage/types';
import path from 'node:path';
import { DEFAULT_OPENSLO_GLOBS } from './descriptors/readOpenSlo';

export interface RepositorySourceConfig {
  id: string;
  type: 'local';
  /** Absolute directory of repositories. */
  path: string;
  globs: string[];
  openSloGlobs: string[];
  /** Kinds this source may emit (see allowedKinds.ts). */
  kinds: string[];
  /** Repositories that may also emit Templates. */
  templateRepositories: string[];
  schedule: SchedulerServiceTaskScheduleDefinition;
}

export interface OrgSourceConfig {
  id: string;
  type: 'org';
  /** Absolute file path or http(s) URL of the export. */
  target: string;
  format: 'csv' | 'yaml';
  /** Kinds this source may emit (see allowedKinds.ts). */
  kinds: string[];
  /** Repositories that may also emit Templates. */
  templateRepositories: string[];
  schedule: SchedulerServiceTaskScheduleDefinition;
}

export interface GithubSourceConfig {
  id: string;
  type: 'github';
  host: string;
  org: string;
  globs: string[];
  openSloGlobs: string[];
  /** Kinds this source may emit (see allowedKinds.ts). */
  kinds: string[];
  /** Repositories that may also emit Templates. */
  templateRepositories: string[];
  schedule: SchedulerServiceTaskScheduleDefinition;
}

export interface GitlabSourceConfig {
  id: string;
  type: 'gitlab';
  host: string;
  group: string;
  globs: string[];
  openSloGlobs: string[];
  /** Kinds this source may emit (see allowedKinds.ts). */
  kinds: string[];
  /** Repositories that may also emit Templates. */
  templateRepositories: string[];
  schedule: SchedulerServiceTaskScheduleDefinition;
}

export type SourceConfig =
  | RepositorySourceConfig
  | OrgSourceConfig
  | GithubSourceConfig
  | GitlabSourceConfig;

/** What the source reads, for logs and the health page. */
export function sourceTarget(s: SourceConfig): string {
  if (s.type === 'org') return s.target;
  if (s.type === 'github') return `https://${s.host}/${s.org}`;
  if (s.type === 'gitlab') return `https://${s.host}/${s.group}`;
  return s.path;
}

export interface IngestionConfig {
  sources: SourceConfig[];
  maxOrgExportBytes: number;
  maxFileBytes: number;
  runRetentionMs: number;
  webhookBodyBytes: number;
  githubWebhookSecret?: string;
  /** Undefined: no canary. */
  canary?: { intervalSeconds: number; timeoutMs: number; owner: string };
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
      const schedule = source.has('schedule')
        ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
            source.getConfig('schedule'),
          )
        : DEFAULT_SCHEDULE;
      const where = `catalog.ingestion.sources[${index}]`;
      const kinds = readKinds(
        source.getOptionalStringArray('kinds') ??
          (type === 'org' ? DEFAULT_ORG_KINDS : DEFAULT_REPOSITORY_KINDS),
        `${where}.kinds`,
      );
      const templateRepositories =
        source.getOptionalStringArray('templateRepositories') ?? [];
      if (type === 'org') {
        const url = source.getOptionalString('url');
        const file = source.getOptionalString('path');
        if (!url === !file) {
          throw new InputError(
            `${where}: an org source needs exactly one of path or url`,
          );
        }
        const target = url ?? path.resolve(file!);
        const extension = /\.(csv|ya?ml)$/i.exec(target)?.[1].toLowerCase();
        const format =
          source.getOptionalString('format') ??
          (extension === 'csv' ? 'csv' : extension && 'yaml');
        if (format !== 'csv' && format !== 'yaml') {
          throw new InputError(
            `${where}.format must be csv or yaml (it cannot be told from "${target}")`,
          );
        }
        return {
          id,
          type,
          target,
          format,
          kinds,
          templateRepositories,
          schedule,
        } satisfies OrgSourceConfig;
      }
      const globs = source.getOptionalStringArray('globs') ?? [
        'catalog-info.yaml',
      ];
      const openSloGlobs =
        source.getOptionalStringArray('openSloGlobs') ?? DEFAULT_OPENSLO_GLOBS;
      if (type === 'github') {
        return {
          id,
          type,
          host: source.getOptionalString('host') ?? 'github.com',
          org: source.getString('org'),
          globs,
          openSloGlobs,
          kinds,
          templateRepositories,
          schedule,
        } satisfies GithubSourceConfig;
      }
      if (type === 'gitlab') {
        return {
          id,
          type,
          host: source.getOptionalString('host') ?? 'gitlab.com',
          group: source.getString('group'),
          globs,
          openSloGlobs,
          kinds,
          templateRepositories,
          schedule,
        } satisfies GitlabSourceConfig;
      }
      if (type !== 'local') {
        throw new InputError(
          `${where}.type "${type}" is not supported; use local, github, gitlab or org`,
        );
      }
      return {
        id,
        type,
        path: path.resolve(source.getString('path')),
        globs,
        openSloGlobs,
        kinds,
        templateRepositories,
        schedule,
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
    maxOrgExportBytes:
      config?.getOptionalNumber('maxOrgExportBytes') ?? 20 * 1024 * 1024,
    maxFileBytes: config?.getOptionalNumber('maxFileBytes') ?? 1024 * 1024,
    runRetentionMs: durationMs({ days: retentionDays }),
    webhookBodyBytes:
      config?.getOptionalNumber('webhooks.maxBodyBytes') ?? 5 * 1024 * 1024,
    githubWebhookSecret:
      config?.getOptionalString('webhooks.github.secret') || undefined,
    canary: readCanary(config?.getOptionalConfig('canary')),
  };
}

function readCanary(config?: Config): IngestionConfig['canary'] {
  const intervalSeconds = config?.getOptionalNumber('intervalSeconds') ?? 300;
  const timeoutSeconds = config?.getOptionalNumber('timeoutSeconds') ?? 60;
  if (!(intervalSeconds >= 0))
    throw new InputError(
      'catalog.ingestion.canary.intervalSeconds must be 0 (off) or more',
    );
  if (!(timeoutSeconds > 0))
    throw new InputError(
      'catalog.ingestion.canary.timeoutSeconds must be more than 0',
    );
  if (intervalSeconds === 0) return undefined;
  return {
    intervalSeconds,
    timeoutMs: timeoutSeconds * 1000,
    owner: config?.getOptionalString('owner') ?? 'group:default/platform-team',
  };
}

const KNOWN_KINDS = [
  'API',
  'Component',
  'Domain',
  'Group',
  'Location',
  'Resource',
  'System',
  'Template',
  'User',
];

/** Checks configured kinds against the kinds the catalog knows. */
function readKinds(kinds: string[], where: string): string[] {
  return kinds.map((kind, i) => {
    const known = KNOWN_KINDS.find(
      k => k.toLocaleLowerCase('en-US') === kind.toLocaleLowerCase('en-US'),
    );
    if (!known) {
      throw new InputError(
        `${where}[${i}] "${kind}" is not a kind; use ${KNOWN_KINDS.join(', ')}`,
      );
    }
    return known;
  });
}
