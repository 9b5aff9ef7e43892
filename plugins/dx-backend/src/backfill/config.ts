import type { Config } from '@backstage/config';
import type { ScmIntegrationRegistry } from '@backstage/integration';
import path from 'node:path';
import { GithubHistoryReader, type DeploymentsFallback } from './github';
import { GitlabHistoryReader } from './gitlab';
import { LocalGitHistoryReader } from './localGit';
import type { HistoryReader } from './types';

export interface BackfillSettings {
  /** Days read for a source that was never backfilled (0: none). */
  days: number;
  readers: Map<string, HistoryReader>;
}

/**
 * `dx.backfill`: which repository sources of `catalog.ingestion.sources`
 * (github, gitlab, local) have their history read, and how. A mistake stops
 * start-up with its path.
 */
export function readBackfillConfig(
  root: Config,
  integrations: ScmIntegrationRegistry,
): BackfillSettings {
  const c = root.getOptionalConfig('dx.backfill');
  const days = c?.getOptionalNumber('days') ?? 90;
  if (!Number.isInteger(days) || days < 0 || days > 400)
    throw new Error('dx.backfill.days: a whole number of days, 0 to 400');
  const incidentLabels = c?.getOptionalStringArray('incidentLabels') ?? [
    'incident',
  ];
  const fallback = (c?.getOptionalString('deploymentsFallback') ??
    'releases') as DeploymentsFallback;
  if (!['releases', 'none'].includes(fallback))
    throw new Error('dx.backfill.deploymentsFallback: releases or none');
  const pattern =
    c?.getOptionalString('tagPattern') ?? '^v?\\d+\\.\\d+\\.\\d+$';
  let tagPattern: RegExp;
  try {
    tagPattern = new RegExp(pattern);
  } catch (e) {
    throw new Error(`dx.backfill.tagPattern: ${(e as Error).message}`);
  }
  const perPage = c?.getOptionalNumber('perPage') ?? 100;
  const only = c?.getOptionalStringArray('sources');
  const readers = new Map<string, HistoryReader>();
  for (const source of root.getOptionalConfigArray(
    'catalog.ingestion.sources',
  ) ?? []) {
    const id = source.getString('id');
    if (only && !only.includes(id)) continue;
    const type = source.getString('type');
    if (type === 'github')
      readers.set(
        id,
        new GithubHistoryReader({
          integrations,
          host: source.getOptionalString('host') ?? 'github.com',
          org: source.getString('org'),
          incidentLabels,
          deploymentsFallback: fallback,
          perPage,
        }),
      );
    else if (type === 'gitlab')
      readers.set(
        id,
        new GitlabHistoryReader({
          integrations,
          host: source.getOptionalString('host') ?? 'gitlab.com',
          group: source.getString('group'),
          incidentLabels,
          perPage,
        }),
      );
    else if (type === 'local')
      readers.set(
        id,
        new LocalGitHistoryReader({
          sourceId: id,
          dir: path.resolve(source.getString('path')),
          tagPattern,
        }),
      );
  }
  for (const id of only ?? [])
    if (!readers.has(id))
      throw new Error(
        `dx.backfill.sources: ${id} is not a github, gitlab or local source of catalog.ingestion.sources`,
      );
  return { days, readers };
}
