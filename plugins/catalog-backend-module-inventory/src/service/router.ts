import type {
  BackstageCredentials,
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
  AdvisoryImportResult,
  EntityDependencies,
  inventoryAdvisoryImportPermission,
  inventorySbomUploadPermission,
  PackageUsage,
  PackageUsageResult,
  SbomUploadResult,
  Vulnerability,
  VulnerabilityList,
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
import { readInventoryDocument } from '../sbom/readDocument';
import type { DatabaseSbomStore } from '../store/DatabaseSbomStore';
import type { DatabaseAdvisoryStore } from '../store/DatabaseAdvisoryStore';
import { applyVex, type DatabaseVexStore } from '../store/DatabaseVexStore';

export interface InventoryRouterOptions {
  sboms: DatabaseSbomStore;
  advisories: DatabaseAdvisoryStore;
  vex: DatabaseVexStore;
  /** Reads every configured advisory source now. */
  importAdvisories: () => Promise<AdvisoryImportResult[]>;
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
  const { sboms, advisories, vex, catalog, httpAuth, permissions } = options;
  const router = Router();

  /**
   * The entities of `refs` the caller may read, by ref. A token restricted
   * to other permissions reads none: 403. A user's read conditions the
   * catalog applies in the lookup.
   */
  async function visibleEntities(
    refs: string[],
    credentials: BackstageCredentials,
  ): Promise<Map<string, Entity>> {
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
    return entities;
  }

  /** Ref, owner, system and title of an entity, for answers. */
  function describe(e: Entity) {
    const system = (e.spec as { system?: string } | undefined)?.system;
    return {
      entityRef: stringifyEntityRef(getCompoundEntityRef(e)),
      owner: e.relations?.find(rel => rel.type === RELATION_OWNED_BY)
        ?.targetRef,
      system: typeof system === 'string' ? system : undefined,
      title: e.metadata.title,
    };
  }

  router.get('/ingestion/dependencies/vulnerabilities', async (req, res) => {
    const ref =
      req.query.entityRef === undefined
        ? undefined
        : entityRefParam(req.query.entityRef);
    const credentials = await httpAuth.credentials(req);
    if (ref) await readableEntity(options, req, ref);
    const rows = await advisories.vulnerabilities({ entityRef: ref });
    const entities = await visibleEntities(
      [...new Set(rows.map(r => r.entityRef))],
      credentials,
    );
    const matches: Vulnerability[] = [];
    for (const r of rows) {
      const e = entities.get(r.entityRef);
      if (!e) continue;
      const { owner, title } = describe(e);
      matches.push({
        entityRef: r.entityRef,
        purl: r.purl,
        advisory: r.advisory,
        vulnKey: r.vulnKey,
        fixedIn: r.fixedIn,
        firstSeenAt: r.firstSeenAt,
        owner,
        title,
      });
    }
    const statements = await vex.statementsFor([...entities.keys()]);
    const body: VulnerabilityList = applyVex(matches, statements);
    res.json(body);
  });

  router.post(
    '/ingestion/dependencies/advisories/import',
    ingestionRateLimit({
      requestsPerMinute: options.requestsPerMinute,
      ...options.limits,
      endpoint: 'POST /api/catalog/ingestion/dependencies/advisories/import',
    }),
    async (req, res) => {
      const credentials = await httpAuth.credentials(req);
      const [decision] = await permissions.authorize(
        [{ permission: inventoryAdvisoryImportPermission }],
        { credentials },
      );
      if (decision.result !== AuthorizeResult.ALLOW)
        throw new NotAllowedError(
          'only the platform team imports advisories on demand (they are read on a schedule)',
        );
      res.json({ sources: await options.importAdvisories() });
    },
  );

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
    const credentials = await httpAuth.credentials(req);
    const entities = await visibleEntities(
      [...new Set([...unique.values()].map(r => r.entityRef))],
      credentials,
    );
    const items: PackageUsage[] = [];
    for (const r of unique.values()) {
      const e = entities.get(r.entityRef);
      // Gone from the catalog, or not visible to the caller.
      if (!e) continue;
      items.push({ ...r, ...describe(e) });
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
      const document = await readInventoryDocument(req.body);
      const body: SbomUploadResult = { problems: document.problems };
      if (document.vex.statements.length > 0 || !document.sbom) {
        await vex.replaceStatements({
          entityRef: ref,
          origin: 'upload',
          statements: document.vex.statements,
        });
        body.vex = { statements: document.vex.statements.length };
      }
      if (document.sbom)
        body.sbom = await sboms.replaceSbom({
          entityRef: ref,
          origin: 'upload',
          format: document.sbom.format,
          packages: document.sbom.packages,
          problems: document.problems,
        });
      res.status(201).json(body);
    },
  );

  router.use(bodyParserErrors());

  return router;
}
