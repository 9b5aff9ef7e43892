import type { LoggerService } from '@backstage/backend-plugin-api';
import type { EventParams, EventsService } from '@backstage/plugin-events-node';
import type { SourceConfig } from '../config';
import type { RepositoryIngester } from '../ingestion/RepositoryIngester';

/**
 * The topics of the stock SCM events modules
 * (`@backstage/plugin-events-backend-module-github` / `-gitlab`, which
 * receive and verify the host's webhooks and route them by event type).
 */
export const SCM_PUSH_TOPICS = ['github.push', 'gitlab.push'] as const;

/** The repository a push names, or why the push is ignored. */
export type PushTarget =
  | { type: 'github' | 'gitlab'; host?: string; owner: string; name: string }
  | { ignored: string };

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function hostOf(url: unknown): string | undefined {
  try {
    return str(url) ? new URL(url as string).host : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Reads a push event of GitHub (`repository.full_name`) or GitLab
 * (`project.path_with_namespace`). Only pushes to the default branch count,
 * as discovery reads that branch.
 */
export function pushTarget(event: EventParams): PushTarget {
  const payload = (event.eventPayload ?? {}) as Record<string, any>;
  const ref = str(payload.ref);
  if (event.topic === 'github.push') {
    const repo = payload.repository ?? {};
    const fullName = str(repo.full_name);
    if (!fullName || !ref || !fullName.includes('/')) {
      return { ignored: 'push payload needs repository.full_name and ref' };
    }
    const branch = str(repo.default_branch);
    if (branch && ref !== `refs/heads/${branch}`) {
      return { ignored: `${ref} is not the default branch` };
    }
    const slash = fullName.lastIndexOf('/');
    return {
      type: 'github',
      host: hostOf(repo.html_url),
      owner: fullName.slice(0, slash),
      name: fullName.slice(slash + 1),
    };
  }
  if (event.topic === 'gitlab.push') {
    const project = payload.project ?? {};
    const path = str(project.path_with_namespace);
    if (!path || !ref || !path.includes('/')) {
      return {
        ignored: 'push payload needs project.path_with_namespace and ref',
      };
    }
    const branch = str(project.default_branch);
    if (branch && ref !== `refs/heads/${branch}`) {
      return { ignored: `${ref} is not the default branch` };
    }
    const slash = path.lastIndexOf('/');
    return {
      type: 'gitlab',
      host: hostOf(project.web_url),
      owner: path.slice(0, slash),
      name: path.slice(slash + 1),
    };
  }
  return { ignored: `topic ${event.topic} is not handled` };
}

/** Whether `source` is the organisation or group a push names. */
function sourceMatches(
  source: SourceConfig,
  target: Exclude<PushTarget, { ignored: string }>,
): boolean {
  if (source.type !== target.type) return false;
  if (target.host && source.host !== target.host) return false;
  const owner = source.type === 'github' ? source.org : source.group;
  return owner.toLowerCase() === target.owner.toLowerCase();
}

/**
 * Rescans the pushed repository in every GitHub or GitLab source that
 * reads its organisation or group, for pushes that arrive through the stock
 * events plugin. One subscriber id, so with several replicas each event is
 * handled once where the events bus distributes it.
 */
export async function subscribeToScmPushes(options: {
  events: EventsService;
  logger: LoggerService;
  sources: Array<{ config: SourceConfig; ingester: RepositoryIngester }>;
}): Promise<void> {
  const { events, logger, sources } = options;
  if (
    !sources.some(s => s.config.type === 'github' || s.config.type === 'gitlab')
  ) {
    return;
  }
  await events.subscribe({
    id: 'catalog-portal-ingestion',
    topics: [...SCM_PUSH_TOPICS],
    onEvent: async event => {
      const target = pushTarget(event);
      if ('ignored' in target) {
        logger.debug(`Push event ignored: ${target.ignored}`);
        return;
      }
      const matching = sources.filter(s => sourceMatches(s.config, target));
      if (matching.length === 0) {
        logger.debug(
          `Push event for ${target.owner}/${target.name}: no ${target.type} source reads ${target.owner}`,
        );
        return;
      }
      for (const { ingester } of matching) {
        await ingester.scanRepository(target.name, 'webhook');
      }
    },
  });
}
