import type {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { dxBackfillStartPermission } from '@internal/plugin-dx-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import type { Backfill } from './Backfill';

const DAY = 86_400_000;

const startBody = z
  .object({
    sourceId: z.string().min(1).max(255),
    repository: z.string().min(1).max(255).optional(),
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();

/**
 * `GET /backfill`: the sources whose history can be read and the runs with
 * their progress. `POST /backfill` `{ sourceId, repository?, from?, to? }`:
 * start one (`dx.backfill.start`); default the last 90 days.
 */
export function createBackfillRouter(options: {
  backfill: Backfill;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
}): express.Router {
  const { backfill, httpAuth, permissions } = options;
  const router = Router();

  router.get('/backfill', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    res.json({ sources: backfill.sources, runs: await backfill.runs() });
  });

  router.post(
    '/backfill',
    express.json({ limit: '16kb' }),
    async (req, res) => {
      const credentials = await httpAuth.credentials(req, {
        allow: ['user', 'service'],
      });
      const [decision] = await permissions.authorize(
        [{ permission: dxBackfillStartPermission }],
        { credentials },
      );
      if (decision.result !== AuthorizeResult.ALLOW)
        throw new NotAllowedError(
          'only the platform team starts a history backfill (dx.backfill.start)',
        );
      const parsed = startBody.safeParse(req.body ?? {});
      if (!parsed.success)
        throw new InputError(
          `invalid backfill request: ${parsed.error.issues
            .slice(0, 3)
            .map(i => `${i.path.join('.') || 'body'}: ${i.message}`)
            .join('; ')}`,
        );
      const body = parsed.data;
      if (!backfill.sources.includes(body.sourceId))
        throw new InputError(
          `sourceId: ${JSON.stringify(
            body.sourceId,
          )} is not a source whose history can be read (${
            backfill.sources.join(', ') || 'none configured'
          })`,
        );
      const to = body.to ? new Date(body.to) : new Date();
      const from = body.from
        ? new Date(body.from)
        : new Date(to.getTime() - 90 * DAY);
      if (from >= to) throw new InputError('from: must be before to');
      if (to.getTime() - from.getTime() > 400 * DAY)
        throw new InputError('from: at most 400 days before to');
      if (from.getTime() < Date.UTC(2000, 0, 1))
        throw new InputError('from: not before 2000');
      const requestedBy =
        'userEntityRef' in credentials.principal
          ? (credentials.principal as { userEntityRef: string }).userEntityRef
          : undefined;
      const run = await backfill.start({
        sourceId: body.sourceId,
        repository: body.repository,
        from,
        to,
        requestedBy,
      });
      res.status(202).json(run);
    },
  );

  return router;
}
