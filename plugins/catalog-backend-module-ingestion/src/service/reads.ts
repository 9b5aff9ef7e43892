import type {
  AuthService,
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { catalogReadScope, entityRefsShown } from '@internal/portal-node';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  catalogIngestionRescanPermission,
  catalogIngestionSourceRescanPermission,
  type IngestionProblem,
  type IngestionRun,
  type IngestionTrigger,
  type RescanResult,
} from '@internal/plugin-catalog-ingestion-common';
import type { RepositoryIngester } from '../ingestion/RepositoryIngester';
import type { DatabaseIngestionStore } from '../store/DatabaseIngestionStore';

const lower = (ref: string) => ref.toLocaleLowerCase('en-US');

/**
 * Which of `refs` the catalog shows the caller (`readable`), and which it
 * holds but hides from them (`hidden`): answers leave the hidden ones out,
 * as if ingestion had never seen them. Refs the catalog does not hold
 * (refused, or not processed yet) are neither. A caller who may not read
 * the catalog at all gets NotAllowedError; one who reads every entity
 * (`all`) costs no second look-up.
 */
export async function entityVisibility(
  services: {
    catalog: CatalogService;
    permissions: PermissionsService;
    auth: AuthService;
  },
  refs: string[],
  credentials: BackstageCredentials,
): Promise<{ all: boolean; readable: Set<string>; hidden: Set<string> }> {
  const { catalog, permissions, auth } = services;
  const scope = await catalogReadScope({ permissions, catalog }, credentials, {
    refs: [],
  });
  const unique = [...new Set(refs.map(lower))];
  const readable = await entityRefsShown(catalog, unique, credentials);
  if (scope.all) return { all: true, readable, hidden: new Set() };
  const unread = unique.filter(r => !readable.has(r));
  const hidden = unread.length
    ? await entityRefsShown(
        catalog,
        unread,
        await auth.getOwnServiceCredentials(),
      )
    : new Set<string>();
  return { all: false, readable, hidden };
}

/** Problems that name no entity hidden from the caller. */
export const shownProblem =
  (hidden: Set<string>) =>
  (p: IngestionProblem): boolean =>
    !p.entityRef || !hidden.has(lower(p.entityRef));

/**
 * The problems of an entity (lower-case ref): those about the entity
 * itself, then those of the files of the repository it was discovered in,
 * without repeats, at most `limit`.
 */
export async function entityProblems(
  store: DatabaseIngestionStore,
  entityRef: string,
  limit: number,
): Promise<IngestionProblem[]> {
  const own = await store.listProblems({ entityRef, limit });
  const origin = await store.entityOrigin(entityRef);
  const repo = origin
    ? await store.listProblems({
        sourceId: origin.sourceId,
        repository: origin.repository,
        limit,
      })
    : [];
  const seen = new Set<string>();
  const items = [...own, ...repo].filter(p => {
    const key = JSON.stringify(p);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return items.slice(0, limit);
}

/**
 * Re-scans now, for `credentials`: one repository (by name, in one source
 * or in any) for anyone allowed `catalog.ingestion.rescan`, whole sources
 * (every repository listed again, the host's API quota) only with
 * `catalog.ingestion.source.rescan`.
 */
export async function rescan(
  services: {
    ingesters: RepositoryIngester[];
    permissions: PermissionsService;
  },
  credentials: BackstageCredentials,
  target: { sourceId?: string; repository?: string },
  trigger: IngestionTrigger = 'api',
): Promise<RescanResult> {
  const { sourceId, repository } = target;
  const [decision] = await services.permissions.authorize(
    [
      {
        permission: repository
          ? catalogIngestionRescanPermission
          : catalogIngestionSourceRescanPermission,
      },
    ],
    { credentials },
  );
  if (decision.result !== AuthorizeResult.ALLOW) {
    throw new NotAllowedError(
      repository
        ? 'not allowed to trigger catalog ingestion'
        : 'only the platform team re-scans whole sources on demand (they are scanned on their schedule); name a repository to re-scan one',
    );
  }
  const targets = sourceId
    ? services.ingesters.filter(i => i.sourceId === sourceId)
    : services.ingesters;
  if (sourceId && targets.length === 0)
    throw new NotFoundError(`no ingestion source "${sourceId}"`);
  const runs: IngestionRun[] = [];
  for (const ingester of targets) {
    const run = repository
      ? await ingester.scanRepository(repository, trigger)
      : await ingester.scanAll(trigger);
    if (run) runs.push(run);
  }
  if (repository && runs.length === 0) {
    throw new NotFoundError(
      `no repository "${repository}" in ${sourceId ?? 'any source'}`,
    );
  }
  return { runs };
}
