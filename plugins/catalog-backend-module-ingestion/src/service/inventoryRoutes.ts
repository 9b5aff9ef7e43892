import type {
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  Entity,
  getCompoundEntityRef,
  parseEntityRef,
  RELATION_OWNED_BY,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  catalogIngestionSbomUploadPermission,
  DocsFile,
  DocsIndexPage,
  EntityDependencies,
  EntityDocs,
  OpenSloFilePage,
  PackageUsage,
  PackageUsageResult,
  SbomUploadResult,
} from '@internal/plugin-catalog-ingestion-common';
import {
  ingestionRateLimit,
  type RequestLimitOptions,
} from '@internal/request-limits';
import express from 'express';
import type Router from 'express-promise-router';
import {
  parsePackageQuery,
  parseRange,
  versionInRange,
} from '../sbom/matchPackage';
import { SBOM_KINDS } from '../descriptors/readExtras';
import { parseSbom } from '../sbom/parseSbom';
import type { DatabaseDocsStore } from '../store/DatabaseDocsStore';
import type { DatabaseIngestionStore } from '../store/DatabaseIngestionStore';
import type { DatabaseOpenSloStore } from '../store/DatabaseOpenSloStore';
import type { DatabaseSbomStore } from '../store/DatabaseSbomStore';

export interface InventoryRouteOptions {
  store: DatabaseIngestionStore;
  sboms: DatabaseSbomStore;
  docs: DatabaseDocsStore;
  openSlo: DatabaseOpenSloStore;
  catalog: CatalogService;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  sbomUploadBytes: number;
  requestsPerMinute: number;
  /** Shared counters, identities, proxies (requestLimits). */
  limits?: RequestLimitOptions;
}

const USAGE_ROW_LIMIT = 50_000;

function entityRefParam(value: unknown): string {
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
function pageParams(query: express.Request['query']): {
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

function pathParam(value: unknown): string {
  if (
    typeof value !== 'string' ||
    value.length === 0 ||
    value.length > 1024 ||
    value.startsWith('/') ||
    value.split('/').includes('..')
  ) {
    throw new InputError('path must be a relative path inside the repository');
  }
  return value;
}

/** Routes of the dependency inventory and repository docs. */
export function addInventoryRoutes(
  router: ReturnType<typeof Router>,
  options: InventoryRouteOptions,
) {
  const { store, sboms, docs, openSlo, catalog, httpAuth, permissions } =
    options;

  /** The entity as the caller may see it; 404 when it does not exist for them. */
  async function visibleEntity(
    req: express.Request,
    ref: string,
  ): Promise<{ entity: Entity; credentials: BackstageCredentials }> {
    const credentials = await httpAuth.credentials(req);
    const { items } = await catalog.getEntitiesByRefs(
      { entityRefs: [ref] },
      { credentials },
    );
    if (!items[0]) throw new NotFoundError(`no entity ${ref}`);
    return { entity: items[0], credentials };
  }

  /** The repository an entity was discovered in. */
  async function originOf(req: express.Request) {
    const ref = entityRefParam(req.query.entityRef);
    await visibleEntity(req, ref);
    const origin = await store.entityOrigin(ref);
    if (!origin)
      throw new NotFoundError(
        `${ref} was not discovered in a repository, so it has no repository docs`,
      );
    return { ref, origin };
  }

  router.get('/ingestion/dependencies/entity', async (req, res) => {
    const ref = entityRefParam(req.query.entityRef);
    await visibleEntity(req, ref);
    const body: EntityDependencies = {
      entityRef: ref,
      ...(await sboms.entityDependencies(ref)),
    };
    res.json(body);
  });

  router.get('/ingestion/dependencies/usages', async (req, res) => {
    if (typeof req.query.package !== 'string')
      throw new InputError(
        'package is required (a purl such as pkg:npm/lodash, or a name)',
      );
    if (req.query.range !== undefined && typeof req.query.range !== 'string')
      throw new InputError('range must be a string');
    const query = parsePackageQuery(req.query.package);
    const range = parseRange(req.query.range as string | undefined);
    const rows = (await sboms.findPackages(query, USAGE_ROW_LIMIT)).filter(r =>
      versionInRange(r.version, range),
    );

    // One row per component and package version; join owner and system
    // from the catalog, as the caller is allowed to see them.
    const unique = new Map<string, (typeof rows)[number]>();
    for (const r of rows) {
      const key = `${r.entityRef} ${r.purl}`;
      const seen = unique.get(key);
      if (!seen || (r.direct && !seen.direct)) unique.set(key, r);
    }
    const refs = [...new Set([...unique.values()].map(r => r.entityRef))];
    const credentials = await httpAuth.credentials(req);
    const entities = new Map<string, Entity>();
    for (let i = 0; i < refs.length; i += 500) {
      const part = refs.slice(i, i + 500);
      const { items } = await catalog.getEntitiesByRefs(
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
    const items: PackageUsage[] = [];
    for (const r of unique.values()) {
      const e = entities.get(r.entityRef);
      if (!e) continue; // gone from the catalog, or not visible to the caller
      const owner = e.relations?.find(
        rel => rel.type === RELATION_OWNED_BY,
      )?.targetRef;
      const system = (e.spec as { system?: string } | undefined)?.system;
      items.push({
        ...r,
        entityRef: stringifyEntityRef(getCompoundEntityRef(e)),
        owner,
        system: typeof system === 'string' ? system : undefined,
        title: e.metadata.title,
      });
    }
    items.sort(
      (a, b) =>
        a.entityRef.localeCompare(b.entityRef) ||
        a.version.localeCompare(b.version),
    );
    const body: PackageUsageResult = {
      query: { package: req.query.package, range },
      components: new Set(items.map(i => i.entityRef)).size,
      items,
    };
    res.json(body);
  });

  router.post(
    '/ingestion/dependencies/sbom',
    ingestionRateLimit({
      requestsPerMinute: options.requestsPerMinute,
      ...options.limits,
      endpoint: 'POST /api/catalog/ingestion/dependencies/sbom',
    }),
    express.json({ limit: options.sbomUploadBytes }),
    async (req, res) => {
      const ref = entityRefParam(req.query.entityRef);
      const { entity, credentials } = await visibleEntity(req, ref);
      const [decision] = await permissions.authorize(
        [{ permission: catalogIngestionSbomUploadPermission }],
        { credentials },
      );
      if (decision.result !== AuthorizeResult.ALLOW)
        throw new NotAllowedError('not allowed to upload SBOMs');
      if (!SBOM_KINDS.includes(entity.kind.toLocaleLowerCase('en-US'))) {
        throw new InputError(
          `SBOMs belong to components and resources; ${ref} is a ${entity.kind}`,
        );
      }
      const sbom = parseSbom(req.body);
      const stored = await sboms.replaceSbom({
        entityRef: ref,
        origin: 'upload',
        format: sbom.format,
        packages: sbom.packages,
      });
      const body: SbomUploadResult = { sbom: stored };
      res.status(201).json(body);
    },
  );

  router.get('/ingestion/docs', async (req, res) => {
    const { ref, origin } = await originOf(req);
    const body: EntityDocs = {
      entityRef: ref,
      sourceId: origin.sourceId,
      repository: origin.repository,
      files: await docs.listDocs(origin.sourceId, origin.repository),
    };
    res.json(body);
  });

  router.get('/ingestion/docs/index', async (req, res) => {
    // For the search collator: a service call, or a user seeing what exists.
    await httpAuth.credentials(req, { allow: ['service', 'user'] });
    const { offset, limit } = pageParams(req.query);
    const body: DocsIndexPage = await docs.listForIndex(offset, limit);
    res.json(body);
  });

  router.get('/ingestion/docs/entities', async (req, res) => {
    // For the DX scorecards (a service call): which entities have docs.
    await httpAuth.credentials(req, { allow: ['service', 'user'] });
    res.json({ items: await docs.entitiesWithDocs() });
  });

  router.get('/ingestion/openslo', async (req, res) => {
    // For the SLO backend (a service call), or a user seeing what exists.
    await httpAuth.credentials(req, { allow: ['service', 'user'] });
    const { offset, limit } = pageParams(req.query);
    const entityRef =
      req.query.entityRef === undefined
        ? undefined
        : entityRefParam(req.query.entityRef);
    const body: OpenSloFilePage = await openSlo.list({
      offset,
      limit,
      entityRef,
    });
    res.json(body);
  });

  router.get('/ingestion/docs/file', async (req, res) => {
    const { origin } = await originOf(req);
    const path = pathParam(req.query.path);
    const markdown = await docs.getDoc(
      origin.sourceId,
      origin.repository,
      path,
    );
    if (markdown === undefined)
      throw new NotFoundError(`no doc ${path} in ${origin.repository}`);
    const body: DocsFile = { path, markdown };
    res.json(body);
  });

  router.get('/ingestion/docs/asset', async (req, res) => {
    const { origin } = await originOf(req);
    const path = pathParam(req.query.path);
    const asset = await docs.getAsset(origin.sourceId, origin.repository, path);
    if (!asset)
      throw new NotFoundError(`no image ${path} in ${origin.repository}`);
    res.setHeader('Content-Type', asset.contentType);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    // An SVG opened directly must not run scripts.
    res.setHeader(
      'Content-Security-Policy',
      "default-src 'none'; style-src 'unsafe-inline'; sandbox",
    );
    res.send(asset.data);
  });
}
