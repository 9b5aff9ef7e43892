import type {
  HttpAuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  dxEventsIngestPermission,
  type DxEventKind,
} from '@internal/plugin-dx-common';
import { verify } from '@octokit/webhooks-methods';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import type { EntityMapper } from '../mapping/EntityMapper';
import type { DxStore } from '../store/DxStore';
import { ingest } from './ingest';

export const GITHUB_WEBHOOK_PATH = '/webhooks/github';
/** Events per batch. */
export const MAX_BATCH_EVENTS = 10_000;

const batchBody = z.object({
  format: z.enum(['cdevents', 'generic']),
  events: z.array(z.unknown()).min(1).max(MAX_BATCH_EVENTS),
});
const KINDS: DxEventKind[] = [
  'change',
  'deployment',
  'incident',
  'build',
  'other',
];

export interface DxRouterOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  logger: LoggerService;
  store: DxStore;
  mapper: EntityMapper;
  githubWebhookSecret?: string;
  maxBodyBytes: number;
}

function dateParam(value: unknown, name: string): Date | undefined {
  if (value === undefined) return undefined;
  const d = typeof value === 'string' ? new Date(value) : undefined;
  if (!d || Number.isNaN(d.getTime()))
    throw new InputError(`${name} must be an ISO date-time`);
  return d;
}

/** The DX API, mounted at `/api/dx`. */
export function createDxRouter(options: DxRouterOptions): express.Router {
  const { httpAuth, permissions, store, mapper } = options;
  const router = Router();

  // A batch of CDEvents or generic events.
  router.post(
    '/events',
    express.json({ limit: options.maxBodyBytes }),
    async (req, res) => {
      const credentials = await httpAuth.credentials(req, {
        allow: ['user', 'service'],
      });
      const [decision] = await permissions.authorize(
        [{ permission: dxEventsIngestPermission }],
        { credentials },
      );
      if (decision.result !== AuthorizeResult.ALLOW)
        throw new NotAllowedError(
          'you may not send DX events (dx.events.ingest)',
        );
      const parsed = batchBody.safeParse(req.body);
      if (!parsed.success)
        throw new InputError(
          `invalid batch: ${parsed.error.issues
            .slice(0, 3)
            .map(i => `${i.path.join('.') || 'body'}: ${i.message}`)
            .join('; ')}`,
        );
      const { format, events } = parsed.data;
      const result = await ingest(
        events.map(payload => ({ format, payload })),
        { store, mapper },
      );
      res.status(result.accepted > 0 ? 202 : 200).json(result);
    },
  );

  // GitHub webhooks: signed with the shared secret, no Backstage token.
  if (!options.githubWebhookSecret)
    options.logger.warn(
      `GitHub webhook ${GITHUB_WEBHOOK_PATH} refuses every delivery: dx.github.webhookSecret is not set`,
    );
  router.post(
    GITHUB_WEBHOOK_PATH,
    express.raw({ type: () => true, limit: options.maxBodyBytes }),
    async (req, res) => {
      const secret = options.githubWebhookSecret;
      if (!secret) {
        res.status(503).json({
          error: {
            name: 'ServiceUnavailable',
            message:
              'webhook secret not configured (dx.github.webhookSecret); deliveries are refused',
          },
        });
        return;
      }
      const raw: Buffer = Buffer.isBuffer(req.body)
        ? req.body
        : Buffer.alloc(0);
      const signature = req.header('x-hub-signature-256');
      const valid =
        typeof signature === 'string' &&
        /^sha256=[0-9a-f]{64}$/.test(signature) &&
        (await verify(secret, raw.toString('utf8'), signature).catch(
          () => false,
        ));
      if (!valid) {
        res.status(401).json({
          error: {
            name: 'AuthenticationError',
            message: 'missing or invalid X-Hub-Signature-256',
          },
        });
        return;
      }
      const event = req.header('x-github-event');
      if (!event) throw new InputError('X-GitHub-Event header missing');
      let payload: unknown;
      try {
        payload = JSON.parse(raw.toString('utf8'));
      } catch {
        throw new InputError('body is not valid JSON');
      }
      const result = await ingest(
        [
          {
            format: 'github',
            payload,
            githubEvent: event,
            deliveryId: req.header('x-github-delivery') ?? undefined,
          },
        ],
        { store, mapper },
      );
      if (result.rejected.length > 0) {
        // GitHub retries failed deliveries: events we do not use are
        // acknowledged, with why.
        res.status(202).json({ ignored: result.rejected[0].reason });
        return;
      }
      res.status(202).json(result);
    },
  );

  // The stored events, for drill-down and the unmapped report.
  router.get('/events', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    const kind = req.query.kind;
    if (kind !== undefined && !KINDS.includes(kind as DxEventKind))
      throw new InputError(`kind must be one of ${KINDS.join(', ')}`);
    let entityRef: string | undefined;
    if (typeof req.query.entityRef === 'string') {
      try {
        entityRef = stringifyEntityRef(
          parseEntityRef(req.query.entityRef),
        ).toLocaleLowerCase('en-US');
      } catch (e) {
        throw new InputError(`entityRef: ${(e as Error).message}`);
      }
    }
    const limit = Number(req.query.limit ?? 100);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
      throw new InputError('limit must be an integer from 1 to 1000');
    res.json({
      items: await store.listEvents({
        entityRef,
        kind: kind as DxEventKind | undefined,
        unmapped: req.query.unmapped === 'true',
        from: dateParam(req.query.from, 'from'),
        to: dateParam(req.query.to, 'to'),
        limit,
      }),
    });
  });

  router.get('/events/unmapped', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    res.json({ reasons: await store.unmappedSummary() });
  });

  return router;
}
