import type {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
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
import { SBOM_KINDS } from '../reader/readSboms';
import { readInventoryDocument } from '../sbom/readDocument';
import {
  describeEntity,
  entityDependencies,
  packageUsages,
  visibleEntities,
} from './dependencyReads';
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

/**
 * Routes of the dependency inventory, mounted on the catalog's router
 * (`/api/catalog/ingestion/dependencies/...`). All need credentials.
 */
export function createInventoryRouter(
  options: InventoryRouterOptions,
): express.Router {
  const { sboms, advisories, vex, httpAuth, permissions } = options;
  const router = Router();

  router.get('/ingestion/dependencies/vulnerabilities', async (req, res) => {
    const ref =
      req.query.entityRef === undefined
        ? undefined
        : entityRefParam(req.query.entityRef);
    const credentials = await httpAuth.credentials(req);
    if (ref) await readableEntity(options, req, ref);
    const rows = await advisories.vulnerabilities({ entityRef: ref });
    const entities = await visibleEntities(
      options,
      [...new Set(rows.map(r => r.entityRef))],
      credentials,
    );
    const matches: Vulnerability[] = [];
    for (const r of rows) {
      const e = entities.get(r.entityRef);
      if (!e) continue;
      const { owner, title } = describeEntity(e);
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
    const credentials = await httpAuth.credentials(req);
    const body: EntityDependencies = await entityDependencies(
      options,
      ref,
      credentials,
    );
    res.json(body);
  });

  router.get('/ingestion/dependencies/usages', async (req, res) => {
    if (typeof req.query.package !== 'string')
      throw new InputError(
        'package is required (a purl such as pkg:npm/lodash, or a name)',
      );
    if (req.query.range !== undefined && typeof req.query.range !== 'string')
      throw new InputError('range must be a string');
    const credentials = await httpAuth.credentials(req);
    const body: PackageUsageResult = await packageUsages(
      options,
      {
        package: req.query.package,
        range: req.query.range as string | undefined,
      },
      credentials,
    );
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
