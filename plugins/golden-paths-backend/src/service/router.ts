import type {
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  gateMetrics,
  gateMetricsByRequester,
  goldenGateReviewPermission,
  type GateMetrics,
  type GateStatus,
} from '@internal/plugin-golden-paths-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import type { GateService } from '../gates/GateService';
import type { PolicyService } from '../policy/PolicyService';
import type { DatabaseGoldenPathsStore } from '../store/DatabaseGoldenPathsStore';
import { templateVersions } from '../templates/templateVersions';
import type { UpgradeService } from '../upgrades/UpgradeService';
import type { UpgradeStore } from '../upgrades/UpgradeStore';
import { createUpgradesRouter } from '../upgrades/upgradesRouter';

const parametersSchema = z.record(z.string(), z.unknown());

const evaluateBody = z
  .object({
    template: z.string().min(1).max(200),
    parameters: parametersSchema,
  })
  .strict();

const checkBody = z
  .object({
    taskId: z.string().min(1).max(200),
    templateRef: z.string().min(1).max(300),
    templateVersion: z.string().max(100).optional(),
    requester: z.string().max(300).optional(),
    /** Who runs the task now: its creator, or who retried it. */
    initiator: z.string().max(300).optional(),
    parameters: parametersSchema,
    /** The approved gate request this task continues. */
    gateId: z.string().min(1).max(30).optional(),
  })
  .strict();

const approveBody = z
  .object({
    comment: z.string().max(2000).optional(),
    parameters: parametersSchema.optional(),
  })
  .strict();

const rejectBody = z.object({ comment: z.string().min(1).max(2000) }).strict();

function parse<T>(schema: z.ZodType<T>, body: unknown, what: string): T {
  const result = schema.safeParse(body);
  if (!result.success) {
    throw new InputError(
      `invalid ${what}: ${result.error.issues
        .map(i => `${i.path.length ? `${i.path.join('.')}: ` : ''}${i.message}`)
        .join('; ')}`,
    );
  }
  return result.data;
}

/** `limit` query parameter: 1 to `max`, `fallback` when absent. */
const limit = (fallback: number, max: number) =>
  z.coerce.number().int().min(1).max(max).default(fallback);

/** An ISO 8601 date query parameter. */
const isoDate = z.coerce.date({ error: 'must be an ISO 8601 date' });

const STATUSES: GateStatus[] = ['pending', 'approved', 'rejected'];

export function createGoldenPathsRouter(options: {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  store: DatabaseGoldenPathsStore;
  policy: PolicyService;
  gates: GateService;
  /** Template upgrade proposals (`/upgrades`). */
  upgrades?: { service: UpgradeService; store: UpgradeStore };
}): express.Router {
  const { httpAuth, permissions, catalog, store, policy, gates, upgrades } =
    options;
  const router = Router();
  router.use(express.json({ limit: '128kb' }));

  const canReview = async (credentials: BackstageCredentials) => {
    const [decision] = await permissions.authorize(
      [{ permission: goldenGateReviewPermission }],
      { credentials },
    );
    return decision.result === AuthorizeResult.ALLOW;
  };

  const userRef = (
    credentials: BackstageCredentials<{ userEntityRef: string }>,
  ) => credentials.principal.userEntityRef;

  // The policy check of a filled-in form (and of dry runs): no gate opens.
  router.post('/policy/evaluate', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const body = parse(evaluateBody, req.body ?? {}, 'policy request');
    res.json(await policy.check(body.template, body.parameters, credentials));
  });

  // The scaffolder's policy step. Only backend plugins may call it: the
  // requester and task id it carries are trusted.
  router.post('/checks', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['service'] });
    const body = parse(checkBody, req.body ?? {}, 'check request');
    const response = await gates.check(body, credentials);
    if (upgrades && response.decision === 'proceed') {
      // What upgrades of the service render both versions with.
      const name = response.parameters?.name;
      await upgrades.store.recordRunParameters({
        taskId: body.taskId,
        templateRef: body.templateRef,
        templateVersion: body.templateVersion,
        entityName: typeof name === 'string' ? name : undefined,
        parameters: response.parameters ?? body.parameters,
        requester: body.requester,
      });
      await upgrades.service.keepTemplateByRef(body.templateRef);
    }
    res.json(response);
  });

  router.get('/gates', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const status = req.query.status as GateStatus | undefined;
    if (status !== undefined && !STATUSES.includes(status)) {
      throw new InputError(`status must be one of ${STATUSES.join(', ')}`);
    }
    const mine = req.query.mine === 'true';
    const reviewer = await canReview(credentials);
    if (!mine && !reviewer) {
      throw new NotAllowedError(
        'only reviewers of golden gates see every request; add mine=true for your own',
      );
    }
    const items = await store.listGates({
      status,
      requester: mine ? userRef(credentials) : undefined,
      limit: parse(limit(100, 500), req.query.limit, 'limit'),
    });
    res.json({ items, canReview: reviewer });
  });

  const readableGate = async (req: express.Request) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const gate = await store.gate(req.params.id);
    if (!gate) throw new NotFoundError(`no gate request ${req.params.id}`);
    if (
      gate.requester !== userRef(credentials) &&
      !(await canReview(credentials))
    ) {
      throw new NotAllowedError('this gate request belongs to someone else');
    }
    return gate;
  };

  router.get('/gates/:id', async (req, res) => {
    res.json(await readableGate(req));
  });

  router.get('/gates/:id/audit', async (req, res) => {
    const gate = await readableGate(req);
    res.json({ items: await store.audit(gate.id) });
  });

  const reviewer = async (req: express.Request) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    if (!(await canReview(credentials))) {
      throw new NotAllowedError('only reviewers of golden gates may decide');
    }
    return credentials;
  };

  router.post('/gates/:id/approve', async (req, res) => {
    const credentials = await reviewer(req);
    const body = parse(approveBody, req.body ?? {}, 'approval');
    res.json(
      await gates.approve(
        req.params.id,
        userRef(credentials),
        body,
        credentials,
      ),
    );
  });

  router.post('/gates/:id/reject', async (req, res) => {
    const credentials = await reviewer(req);
    const body = parse(rejectBody, req.body ?? {}, 'rejection');
    res.json(
      await gates.reject(req.params.id, userRef(credentials), body.comment),
    );
  });

  // Runs: your own, or everyone's for reviewers and backend plugins.
  router.get('/runs', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const requester =
      credentials.principal.type === 'user' &&
      (req.query.mine === 'true' || !(await canReview(credentials)))
        ? (credentials as BackstageCredentials<{ userEntityRef: string }>)
            .principal.userEntityRef
        : undefined;
    const templateRef =
      typeof req.query.templateRef === 'string'
        ? req.query.templateRef
        : undefined;
    res.json({
      items: await store.listRuns({
        requester,
        templateRef,
        limit: parse(limit(100, 1000), req.query.limit, 'limit'),
      }),
    });
  });

  router.get('/metrics/gates', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    const to = parse(
      isoDate.default(() => new Date()),
      req.query.to,
      'to',
    );
    const from = parse(
      isoDate.default(() => new Date(to.getTime() - 28 * 24 * 3600 * 1000)),
      req.query.from,
      'from',
    );
    const rows = await store.gateWaits(from, to);
    // Requests people made themselves, and those agents made for people.
    const result: GateMetrics = {
      ...gateMetrics(rows),
      byRequester: gateMetricsByRequester(rows),
    };
    res.json(result);
  });

  router.get('/templates/versions', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    res.json({ items: await templateVersions(catalog, credentials) });
  });

  if (upgrades)
    router.use(
      createUpgradesRouter({
        httpAuth,
        permissions,
        catalog,
        store: upgrades.store,
        upgrades: upgrades.service,
      }),
    );

  return router;
}
