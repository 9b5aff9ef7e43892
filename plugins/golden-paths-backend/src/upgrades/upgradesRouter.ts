import type {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef, parseEntityRef } from '@backstage/catalog-model';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  goldenPathsUpgradePermission,
  type UpgradeProposal,
  type UpgradeState,
} from '@internal/plugin-golden-paths-common';
import { entityRefsShown } from '@internal/portal-node';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { templateVersions } from '../templates/templateVersions';
import type { UpgradeService } from './UpgradeService';
import type { UpgradeStore } from './UpgradeStore';

/** At most this many services in one "upgrade all". */
export const MAX_BULK = 100;

const STATES: UpgradeState[] = [
  'open',
  'conflicts',
  'merged',
  'closed',
  'up-to-date',
  'failed',
];

const proposeBody = z
  .object({
    entityRef: z.string().min(1).max(300).optional(),
    templateRef: z.string().min(1).max(300).optional(),
  })
  .strict()
  .refine(b => Boolean(b.entityRef) !== Boolean(b.templateRef), {
    message:
      'give entityRef (one service) or templateRef (every service behind)',
  });

const isoDate = z.coerce.date({ error: 'must be an ISO 8601 date' });

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value);
  if (!r.success)
    throw new InputError(
      `invalid ${what}: ${r.error.issues
        .map(i => `${i.path.length ? `${i.path.join('.')}: ` : ''}${i.message}`)
        .join('; ')}`,
    );
  return r.data;
}

const normalize = (ref: string, kind: string) => {
  try {
    return stringifyEntityRef(
      parseEntityRef(ref, { defaultKind: kind, defaultNamespace: 'default' }),
    );
  } catch (e) {
    throw new InputError(`"${ref}" is not an entity reference`);
  }
};

/**
 * `/upgrades`: propose template upgrades (one service, or every service of
 * a template that is behind), list proposals, refresh their states from
 * the hosts, and the adoption metrics of upgrades.
 */
export function createUpgradesRouter(options: {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  store: UpgradeStore;
  upgrades: UpgradeService;
}): express.Router {
  const { httpAuth, permissions, catalog, store, upgrades } = options;
  const router = Router();

  const proposer = async (req: express.Request) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const [decision] = await permissions.authorize(
      [{ permission: goldenPathsUpgradePermission }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW)
      throw new NotAllowedError('you may not propose template upgrades');
    return credentials;
  };

  router.post('/upgrades', async (req, res) => {
    const credentials = await proposer(req);
    const body = parse(proposeBody, req.body ?? {}, 'upgrade request');
    const by = credentials.principal.userEntityRef;
    if (body.entityRef) {
      const proposal = await upgrades.propose(
        normalize(body.entityRef, 'component'),
        credentials,
        by,
      );
      res.status(proposal.state === 'failed' ? 200 : 201).json(proposal);
      return;
    }
    const templateRef = normalize(body.templateRef!, 'template');
    const summary = (await templateVersions(catalog, credentials)).find(
      s => s.templateRef.toLowerCase() === templateRef.toLowerCase(),
    );
    if (!summary) throw new NotFoundError(`no template ${templateRef}`);
    const behind = summary.behind.slice(0, MAX_BULK);
    const items: UpgradeProposal[] = [];
    for (const b of behind)
      items.push(await upgrades.propose(b.entityRef, credentials, by));
    res.status(201).json({
      items,
      skipped: Math.max(0, summary.behind.length - behind.length),
    });
  });

  router.get('/upgrades', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const entityRef =
      typeof req.query.entityRef === 'string'
        ? normalize(req.query.entityRef, 'component')
        : undefined;
    const templateRef =
      typeof req.query.templateRef === 'string'
        ? normalize(req.query.templateRef, 'template')
        : undefined;
    const state =
      typeof req.query.state === 'string' ? req.query.state : undefined;
    if (state !== undefined && !STATES.includes(state as UpgradeState))
      throw new InputError(`state must be one of ${STATES.join(', ')}`);
    const limit = parse(
      z.coerce.number().int().min(1).max(1000).default(200),
      req.query.limit,
      'limit',
    );
    const items = await store.listProposals({
      entityRefs: entityRef ? [entityRef] : undefined,
      templateRef,
      states: state ? [state as UpgradeState] : undefined,
      limit,
    });
    // Only proposals of entities the caller may read.
    const allowed =
      credentials.principal.type === 'service'
        ? undefined
        : await entityRefsShown(
            catalog,
            [...new Set(items.map(i => i.entityRef))],
            credentials,
          );
    res.json({
      items: allowed
        ? items.filter(i => allowed.has(i.entityRef.toLocaleLowerCase('en-US')))
        : items,
    });
  });

  router.post('/upgrades/refresh', async (req, res) => {
    await proposer(req);
    res.json(await upgrades.refreshStates());
  });

  router.get('/metrics/upgrades', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    const to = parse(
      isoDate.default(() => new Date()),
      req.query.to,
      'to',
    );
    const from = parse(
      isoDate.default(() => new Date(to.getTime() - 90 * 86_400_000)),
      req.query.from,
      'from',
    );
    res.json(await store.metrics(from, to));
  });

  return router;
}
