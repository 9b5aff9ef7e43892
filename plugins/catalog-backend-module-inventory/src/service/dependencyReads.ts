import type {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  Entity,
  getCompoundEntityRef,
  RELATION_OWNED_BY,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type {
  EntityDependencies,
  PackageUsage,
  PackageUsageResult,
} from '@internal/plugin-inventory-common';
import { catalogReadScope } from '@internal/portal-node';
import {
  parsePackageQuery,
  parseRange,
  versionInRange,
} from '../sbom/matchPackage';
import type { DatabaseSbomStore } from '../store/DatabaseSbomStore';

/** What the dependency reads need: the catalog as the caller sees it. */
export interface DependencyReadServices {
  sboms: DatabaseSbomStore;
  catalog: CatalogService;
  permissions: PermissionsService;
}

const USAGE_ROW_LIMIT = 50_000;

/**
 * The entities of `refs` the caller may read, by ref. A token restricted
 * to other permissions reads none: 403. A user's read conditions the
 * catalog applies in the lookup.
 */
export async function visibleEntities(
  services: Pick<DependencyReadServices, 'catalog' | 'permissions'>,
  refs: string[],
  credentials: BackstageCredentials,
): Promise<Map<string, Entity>> {
  await catalogReadScope(services, credentials, { refs: [] });
  const entities = new Map<string, Entity>();
  for (let i = 0; i < refs.length; i += 500) {
    const part = refs.slice(i, i + 500);
    const { items } = await services.catalog.getEntitiesByRefs(
      {
        entityRefs: part,
        fields: [
          'kind',
          'metadata.name',
          'metadata.namespace',
          'metadata.title',
          'spec.owner',
          'spec.system',
          'relations',
        ],
      },
      { credentials },
    );
    items.forEach((e, j) => e && entities.set(part[j], e));
  }
  return entities;
}

/** Ref, owner, system and title of an entity, for answers. */
export function describeEntity(e: Entity) {
  const system = (e.spec as { system?: string } | undefined)?.system;
  return {
    entityRef: stringifyEntityRef(getCompoundEntityRef(e)),
    owner: e.relations?.find(rel => rel.type === RELATION_OWNED_BY)?.targetRef,
    system: typeof system === 'string' ? system : undefined,
    title: e.metadata.title,
  };
}

/**
 * Which components use a package (a purl without version, or a name) in a
 * semver range, one row per component and package version, with owner and
 * system as the caller may see them; components the caller may not read
 * (or gone from the catalog) are left out.
 */
export async function packageUsages(
  services: DependencyReadServices,
  query: { package: string; range?: string },
  credentials: BackstageCredentials,
): Promise<PackageUsageResult> {
  const parsed = parsePackageQuery(query.package);
  const range = parseRange(query.range);
  const rows = (
    await services.sboms.findPackages(parsed, USAGE_ROW_LIMIT)
  ).filter(r => versionInRange(r.version, range));

  // One row per component and package version; join owner and system
  // from the catalog, as the caller is allowed to see them.
  const unique = new Map<string, (typeof rows)[number]>();
  for (const r of rows) {
    const key = `${r.entityRef} ${r.purl}`;
    const seen = unique.get(key);
    if (!seen || (r.direct && !seen.direct)) unique.set(key, r);
  }
  const entities = await visibleEntities(
    services,
    [...new Set([...unique.values()].map(r => r.entityRef))],
    credentials,
  );
  const items: PackageUsage[] = [];
  for (const r of unique.values()) {
    const e = entities.get(r.entityRef);
    // Gone from the catalog, or not visible to the caller.
    if (!e) continue;
    items.push({ ...r, ...describeEntity(e) });
  }
  items.sort(
    (a, b) =>
      a.entityRef.localeCompare(b.entityRef) ||
      a.version.localeCompare(b.version),
  );
  return {
    query: { package: query.package, range },
    components: new Set(items.map(i => i.entityRef)).size,
    items,
  };
}

/**
 * The SBOMs and packages of an entity (lower-case ref) the caller may read:
 * NotAllowedError when they read no entities at all, NotFoundError when the
 * catalog does not show them the entity.
 */
export async function entityDependencies(
  services: DependencyReadServices,
  entityRef: string,
  credentials: BackstageCredentials,
): Promise<EntityDependencies> {
  const entities = await visibleEntities(services, [entityRef], credentials);
  if (!entities.has(entityRef))
    throw new NotFoundError(`no entity ${entityRef}`);
  return {
    entityRef,
    ...(await services.sboms.entityDependencies(entityRef)),
  };
}
