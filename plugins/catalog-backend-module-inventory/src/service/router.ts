import type {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  Entity,
  getCompoundEntityRef,
  RELATION_OWNED_BY,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError, NotAllowedError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  entityRefParam,
  readableEntity,
  visibleEntity,
} from '@internal/plugin-catalog-ingestion-node';
import {
  EntityDependencies,
  inventorySbomUploadPermission,
  PackageUsage,
  PackageUsageResult,
  SbomUploadResult,
} from '@internal/plugin-inventory-common';
import {
  bodyParserErrors,
  ingestionRateLimit,
  type RequestLimitOptions,
} from '@internal/request-limits';
import express from 'express';
import Router from 'express-promise-router';
import { catalogReadScope } from '@internal/portal-node';
import { SBOM_KINDS } from '../reader/readSboms';
import {
  parsePackageQuery,
  parseRange,
  versionInRange,
} from '../sbom/matchPackage';
import { parseSbom } from '../sbom/parseSbom';
import type { DatabaseSbomStore } from '../store/DatabaseSbomStore';

export interface InventoryRouterOptions {
  sboms: DatabaseSbomStore;
  catalog: CatalogService;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  /** Largest SBOM upload, in bytes (`catalog.ingestion.maxSbomBytes`). */
  sbomUploadBytes: number;
  /** Per caller and endpoint (portal.limits.requestsPerMinute). */
  requestsPerMinute: number;
  /** Shared counters, identities, proxies (requestLimits). */
  limits?: RequestLimitOptions;
}

const USAGE_ROW_LIMIT = 50_000;

/**
 * Routes of the dependency inventory, mounted on the catalog's router
 * (`/api/catalog/ingestion/dependencies/...`). All need credentials.
 */
export function createInventoryRouter(
  options: InventoryRouterOptions,
): express.Router {
  const { sboms, catalog, httpAuth, permissions } = options;
  const router = Router();

  router.get('/ingestion/dependencies/entity', async (req, res) => {
    const ref = entityRefParam(req.query.entityRef);
    await readableEntity(options, req, ref);
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
    // A token restricted to other permissions reads none: 403. A user's
    // read conditions the catalog applies in the lookup below.
    await catalogReadScope(options, credentials, { refs: [] });
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
      // Gone from the catalog, or not visible to the caller.
      if (!e) continue;
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
      const { entity, credentials } = await visibleEntity(options, req, ref);
      const [decision] = await permissions.authorize(
        [{ permission: inventorySbomUploadPermission }],
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

  router.use(bodyParserErrors());

  return router;
}
