import type {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError, NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  entityRefParam,
  pageParams,
  readableEntity,
  type DiscoveredEntityOrigins,
} from '@internal/plugin-catalog-ingestion-node';
import type {
  DocsFile,
  DocsIndexPage,
  EntityDocs,
} from '@internal/plugin-repository-docs-common';
import type express from 'express';
import Router from 'express-promise-router';
import { catalogReadScope } from '@internal/portal-node';
import type { DatabaseDocsStore } from '../store/DatabaseDocsStore';

export interface RepositoryDocsRouterOptions {
  docs: DatabaseDocsStore;
  origins: DiscoveredEntityOrigins;
  catalog: CatalogService;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
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

/**
 * Routes of the repository docs, mounted on the catalog's router
 * (`/api/catalog/ingestion/docs...`). All need credentials; the files and
 * images of an entity's repository only for callers who may see the entity.
 */
export function createRepositoryDocsRouter(
  options: RepositoryDocsRouterOptions,
): express.Router {
  const { docs, origins, httpAuth } = options;
  const router = Router();

  /** The repository an entity was discovered in. */
  async function originOf(req: express.Request) {
    const ref = entityRefParam(req.query.entityRef);
    await readableEntity(options, req, ref);
    const origin = await origins.entityOrigin(ref);
    if (!origin)
      throw new NotFoundError(
        `${ref} was not discovered in a repository, so it has no repository docs`,
      );
    return { ref, origin };
  }

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
    // For the search collator: a service call, or a user seeing what
    // exists; either way only docs of entities the caller may read.
    const credentials = await httpAuth.credentials(req, {
      allow: ['service', 'user'],
    });
    const { offset, limit } = pageParams(req.query);
    const page = await docs.listForIndex(offset, limit);
    const scope = await catalogReadScope(options, credentials, {
      refs: page.items.map(i => i.entityRef),
    });
    const body: DocsIndexPage = {
      ...page,
      items: scope.filter(page.items, i => i.entityRef),
    };
    res.json(body);
  });

  router.get('/ingestion/docs/entities', async (req, res) => {
    // For the DX scorecards (a service call): which entities have docs.
    const credentials = await httpAuth.credentials(req, {
      allow: ['service', 'user'],
    });
    const items = await docs.entitiesWithDocs();
    const scope = await catalogReadScope(options, credentials, {
      refs: items,
    });
    res.json({ items: scope.filter(items, ref => ref) });
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

  return router;
}
