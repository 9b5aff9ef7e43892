import type {
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { catalogReadScope } from '@internal/portal-node';

/*
 * Request parameters and checks shared by the routes that catalog modules
 * add under `/api/catalog/ingestion/`.
 */

/** An `entityRef` parameter as a lower-case ref; InputError otherwise. */
export function entityRefParam(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 512) {
    throw new InputError(
      'entityRef must be an entity ref such as component:default/name',
    );
  }
  try {
    return stringifyEntityRef(parseEntityRef(value)).toLocaleLowerCase('en-US');
  } catch (error) {
    throw new InputError(
      `entityRef "${value}" is not an entity ref: ${(error as Error).message}`,
    );
  }
}

/** offset and limit of a paged list (limit 1 to 500, default 100). */
export function pageParams(query: Record<string, unknown>): {
  offset: number;
  limit: number;
} {
  const offset = Number(query.offset ?? 0);
  const limit = Number(query.limit ?? 100);
  if (!Number.isInteger(offset) || offset < 0)
    throw new InputError('offset must be a non-negative integer');
  if (!Number.isInteger(limit) || limit < 1 || limit > 500)
    throw new InputError('limit must be an integer from 1 to 500');
  return { offset, limit };
}

/** The entity as the catalog shows it to `credentials`; NotFoundError otherwise. */
async function entityFor(
  catalog: CatalogService,
  credentials: BackstageCredentials,
  ref: string,
): Promise<Entity> {
  const { items } = await catalog.getEntitiesByRefs(
    { entityRefs: [ref] },
    { credentials },
  );
  if (!items[0]) throw new NotFoundError(`no entity ${ref}`);
  return items[0];
}

/**
 * The entity as the caller of a request may see it, with the caller's
 * credentials; NotFoundError when it does not exist for them.
 */
export async function visibleEntity(
  services: { httpAuth: HttpAuthService; catalog: CatalogService },
  req: Parameters<HttpAuthService['credentials']>[0],
  ref: string,
): Promise<{ entity: Entity; credentials: BackstageCredentials }> {
  const credentials = await services.httpAuth.credentials(req);
  return {
    entity: await entityFor(services.catalog, credentials, ref),
    credentials,
  };
}

/**
 * The entity, for a route that shows its data: NotAllowedError when the
 * caller reads no entities at all (`catalog.entity.read` denied, as for a
 * token restricted to other permissions, whose catalog calls the catalog
 * would answer as this plugin); NotFoundError when the catalog does not
 * show it to them (a user's read conditions apply in that lookup).
 */
export async function readableEntity(
  services: {
    httpAuth: HttpAuthService;
    catalog: CatalogService;
    permissions: PermissionsService;
  },
  req: Parameters<HttpAuthService['credentials']>[0],
  ref: string,
): Promise<{ entity: Entity; credentials: BackstageCredentials }> {
  const credentials = await services.httpAuth.credentials(req);
  await catalogReadScope(services, credentials, { refs: [] });
  return {
    entity: await entityFor(services.catalog, credentials, ref),
    credentials,
  };
}
