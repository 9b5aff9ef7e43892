import type {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { NotAllowedError } from '@backstage/errors';
import { catalogEntityReadPermission } from '@backstage/plugin-catalog-common/alpha';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';

/** The services a plugin passes: its own permissions and catalog. */
export interface ReadScopeServices {
  permissions: PermissionsService;
  catalog: CatalogService;
}

/**
 * The entities a caller may read (`catalog.entity.read`), so a plugin
 * answers with data of those entities only.
 */
export interface CatalogReadScope {
  /** The caller may read every entity: nothing to filter. */
  readonly all: boolean;
  /** Whether the caller may read the entity (any case). */
  has(ref: string): boolean;
  /**
   * The items whose entity the caller may read; items without an entity
   * only when the caller reads everything.
   */
  filter<T>(items: T[], refOf: (item: T) => string | null | undefined): T[];
  /**
   * A query's entity list narrowed to what the caller may read:
   * `undefined` (every entity) stays so only when the caller reads
   * everything. Lower case.
   */
  restrict(refs: string[] | undefined): string[] | undefined;
}

const FIELDS = ['kind', 'metadata.namespace', 'metadata.name'];
const lower = (ref: string) => ref.toLocaleLowerCase('en-US');

const EVERYTHING: CatalogReadScope = {
  all: true,
  has: () => true,
  filter: items => items,
  restrict: refs => refs,
};

function scopeOf(visible: Set<string>): CatalogReadScope {
  return {
    all: false,
    has: ref => visible.has(lower(ref)),
    filter: (items, refOf) =>
      items.filter(item => {
        const ref = refOf(item);
        return ref ? visible.has(lower(ref)) : false;
      }),
    restrict: refs =>
      refs === undefined
        ? [...visible]
        : refs.map(lower).filter(ref => visible.has(ref)),
  };
}

/**
 * Which of `refs` the catalog holds and shows to `credentials`, in lower
 * case; asked 500 at a time.
 */
export async function entityRefsShown(
  catalog: CatalogService,
  refs: string[],
  credentials: BackstageCredentials,
): Promise<Set<string>> {
  const out = new Set<string>();
  for (let i = 0; i < refs.length; i += 500) {
    const { items } = await catalog.getEntitiesByRefs(
      { entityRefs: refs.slice(i, i + 500), fields: FIELDS },
      { credentials },
    );
    for (const e of items) if (e) out.add(lower(stringifyEntityRef(e)));
  }
  return out;
}

/**
 * Asks the permission framework once whether the caller may read catalog
 * entities: allowed, the scope is everything; denied (a token scoped to
 * other permissions, say), a `NotAllowedError`; conditional (the policy
 * limits reads, e.g. to owners), the catalog answers which entities,
 * applying the conditions for this caller. With `refs`, only those are
 * looked up; without, every entity the caller may read.
 */
export async function catalogReadScope(
  services: ReadScopeServices,
  credentials: BackstageCredentials,
  options?: { refs?: string[] },
): Promise<CatalogReadScope> {
  const [decision] = await services.permissions.authorizeConditional(
    [{ permission: catalogEntityReadPermission }],
    { credentials },
  );
  if (decision.result === AuthorizeResult.ALLOW) return EVERYTHING;
  if (decision.result === AuthorizeResult.DENY)
    throw new NotAllowedError(
      'this caller may not read catalog entities (catalog.entity.read), so not their data either',
    );
  const refs = options?.refs && [...new Set(options.refs.map(lower))];
  if (refs)
    return scopeOf(await entityRefsShown(services.catalog, refs, credentials));
  const { items: entities } = await services.catalog.getEntities(
    { fields: FIELDS },
    { credentials },
  );
  return scopeOf(
    new Set(
      entities.flatMap(entity =>
        entity ? [lower(stringifyEntityRef(entity))] : [],
      ),
    ),
  );
}
