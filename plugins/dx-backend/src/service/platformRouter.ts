import type {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
  HttpAuthService,
  PermissionsService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  dxOnboardingPeopleReadPermission,
  dxScorecardsRefreshPermission,
  type Scorecard,
  type ScorecardRollupResponse,
} from '@internal/plugin-dx-common';
import { catalogReadScope } from '@internal/portal-node';
import type { Knex } from 'knex';
import express from 'express';
import Router from 'express-promise-router';
import { adoptionMetrics } from '../adoption/adoption';
import { onboardingMetrics } from '../adoption/onboarding';
import type { PortalFacts } from '../facts/PortalFacts';
import { dayOf, type ScorecardStore } from '../scorecards/ScorecardStore';
import { rangeOf, refParam, toCsv } from './params';

export const SCORECARD_TASK_ID = 'dx-scorecards';

export interface PlatformRouterOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  auth: AuthService;
  discovery: DiscoveryService;
  scheduler: SchedulerService;
  catalog: CatalogService;
  knex: Knex;
  facts: PortalFacts;
  scorecards: ScorecardStore;
  cards: Scorecard[];
}

/**
 * Scorecards, adoption and onboarding: what the portal knows of components
 * and people beyond their delivery events.
 */
export function createPlatformRouter(
  options: PlatformRouterOptions,
): express.Router {
  const { httpAuth, cards, scorecards } = options;
  const router = Router();
  const reader = (req: express.Request) =>
    httpAuth.credentials(req, { allow: ['user', 'service'] });
  /** What the caller may read of the catalog (every entity, or a list). */
  const readScope = (credentials: BackstageCredentials, refs?: string[]) =>
    catalogReadScope(
      { permissions: options.permissions, catalog: options.catalog },
      credentials,
      refs ? { refs } : undefined,
    );

  /** Refs (lower case) of the entities of kind `kind` an owner owns. */
  async function ownedBy(
    owner: string,
    kind: string,
    credentials: BackstageCredentials,
  ) {
    const { items } = await options.catalog.getEntities(
      {
        filter: {
          kind,
          [kind === 'user' ? 'relations.memberOf' : 'relations.ownedBy']: owner,
        },
        fields: ['kind', 'metadata.name', 'metadata.namespace'],
      },
      { credentials },
    );
    return items.map(e => stringifyEntityRef(e).toLocaleLowerCase('en-US'));
  }

  router.get('/scorecards', async (req, res) => {
    await readScope(await reader(req), []);
    res.json({ items: cards });
  });

  router.get('/scorecards/entity', async (req, res) => {
    const credentials = await reader(req);
    const entityRef = refParam(req.query.entityRef, 'entityRef');
    if (!entityRef) throw new InputError('entityRef is required');
    const scope = await readScope(credentials, [entityRef]);
    res.json({
      items: scope.has(entityRef)
        ? await scorecards.forEntity(entityRef, cards)
        : [],
    });
  });

  router.get('/scorecards/rollup', async (req, res) => {
    const scope = await readScope(await reader(req));
    const { from, to } = rangeOf(req);
    const owner = refParam(req.query.owner, 'owner');
    const body: ScorecardRollupResponse = { items: [] };
    const teams = new Map<string, ScorecardRollupResponse['items']>();
    for (const card of cards) {
      const { perOwner, ...rollup } = await scorecards.rollup(card, {
        owner,
        entityRefs: scope.restrict(undefined),
        from: dayOf(from),
        to: dayOf(to),
      });
      body.items.push(rollup);
      for (const [team, r] of perOwner)
        teams.set(team, [...(teams.get(team) ?? []), r]);
    }
    if (!owner)
      body.teams = [...teams.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([team, items]) => ({ owner: team, items }));
    res.json(body);
  });

  // Every entity's latest result: the rows behind the roll-ups.
  router.get('/scorecards/results.csv', async (req, res) => {
    const scope = await readScope(await reader(req));
    const owner = refParam(req.query.owner, 'owner');
    const lines: Array<Array<string | number | null>> = [
      ['scorecard', 'entity', 'owner', 'level', 'score', 'failing_checks'],
    ];
    for (const card of cards) {
      for (const r of await scorecards.latest(
        card,
        owner,
        scope.restrict(undefined),
      ))
        lines.push([
          card.id,
          r.entityRef,
          r.owner ?? '',
          r.level ?? 'none',
          Math.round(r.score * 1000) / 1000,
          r.checks
            .filter(c => c.status === 'fail')
            .map(c => c.id)
            .join(' '),
        ]);
    }
    res.type('text/csv').attachment('scorecards.csv').send(toCsv(lines));
  });

  router.post('/scorecards/refresh', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const [decision] = await options.permissions.authorize(
      [{ permission: dxScorecardsRefreshPermission }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW)
      throw new NotAllowedError(
        'you may not refresh the scorecards (dx.scorecards.refresh)',
      );
    await options.scheduler.triggerTask(SCORECARD_TASK_ID);
    res.status(202).json({ triggered: SCORECARD_TASK_ID });
  });

  router.get(
    ['/metrics/adoption', '/metrics/adoption.csv'],
    async (req, res) => {
      const scope = await readScope(await reader(req));
      const { from, to, settings } = rangeOf(req);
      const owner = refParam(req.query.owner, 'owner');
      const csv = req.path.endsWith('.csv');
      const metrics = await adoptionMetrics(
        options.facts,
        { auth: options.auth, discovery: options.discovery },
        {
          owner,
          from,
          to,
          rows: settings.rows || csv,
          visible: ref => scope.has(ref),
        },
      );
      if (csv) {
        res
          .type('text/csv')
          .attachment('adoption.csv')
          .send(
            toCsv([
              [
                'entity',
                'owner',
                'owner_exists',
                'golden_path',
                'template',
                'template_version',
                'newest_version',
                'has_slo',
              ],
              ...(metrics.rows ?? []).map(r => [
                r.entityRef,
                r.owner,
                r.ownerExists,
                r.goldenPath,
                r.template,
                r.templateVersion,
                r.newestVersion,
                r.slo,
              ]),
            ]),
          );
        return;
      }
      res.json(metrics);
    },
  );

  router.get(
    ['/metrics/onboarding', '/metrics/onboarding.csv'],
    async (req, res) => {
      const credentials = await reader(req);
      const scope = await readScope(credentials);
      const { from, to } = rangeOf(req);
      const owner = refParam(req.query.owner, 'owner');
      const all = await onboardingMetrics(options.knex, {
        from,
        to,
        userRefs: scope.restrict(
          owner ? await ownedBy(owner, 'user', credentials) : undefined,
        ),
      });
      // Each person's dates: theirs, or everyone's with the permission.
      const [people] = await options.permissions.authorize(
        [{ permission: dxOnboardingPeopleReadPermission }],
        { credentials },
      );
      const self =
        credentials.principal.type === 'user'
          ? (
              credentials.principal as { userEntityRef: string }
            ).userEntityRef.toLocaleLowerCase('en-US')
          : undefined;
      const metrics =
        people.result === AuthorizeResult.ALLOW
          ? all
          : {
              ...all,
              rows: all.rows.filter(
                r => r.userRef.toLocaleLowerCase('en-US') === self,
              ),
            };
      if (req.path.endsWith('.csv')) {
        res
          .type('text/csv')
          .attachment('onboarding.csv')
          .send(
            toCsv([
              ['user', 'first_seen', 'first_change', 'first_deployment'],
              ...metrics.rows.map(r => [
                r.userRef,
                r.firstSeenAt,
                r.firstChangeAt,
                r.firstDeploymentAt,
              ]),
            ]),
          );
        return;
      }
      res.json(metrics);
    },
  );

  return router;
}
