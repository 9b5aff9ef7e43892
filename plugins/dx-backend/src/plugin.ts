import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { SLO_DEFINITIONS_TOPIC } from '@internal/plugin-slo-common';
import {
  dxPermissions,
  parseScorecards,
  parseSurveyConfig,
  type Scorecard,
} from '@internal/plugin-dx-common';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { demoHistory } from './demo/demoHistory';
import { DEMO_SURVEY_ID_PREFIX, demoSurveyResponses } from './demo/demoSurveys';
import { EntityMapper } from './mapping/EntityMapper';
import { ingest } from './service/ingest';
import { readRequestsPerMinute, requestLimits } from '@internal/request-limits';
import { createDxRouter, GITHUB_WEBHOOK_PATH } from './service/router';
import { registerDxActions } from './actions/dxActions';
import { DxStore } from './store/DxStore';
import { readDoraOptions } from './metrics/doraConfig';
import { ScmIntegrations } from '@backstage/integration';
import { Backfill } from './backfill/Backfill';
import { createBackfillRouter } from './backfill/backfillRouter';
import { readBackfillConfig } from './backfill/config';
import { DoraRollups } from './rollups/DoraRollups';
import { SurveyStore } from './surveys/SurveyStore';
import { createSurveysRouter } from './surveys/surveysRouter';
import { syncUsersSeen } from './adoption/onboarding';
import { PortalFacts } from './facts/PortalFacts';
import { runScorecards } from './scorecards/runScorecards';
import { ScorecardStore } from './scorecards/ScorecardStore';
import {
  createPlatformRouter,
  SCORECARD_TASK_ID,
} from './service/platformRouter';

/**
 * DX metrics: an ingestion API for delivery events (CDEvents, signed GitHub
 * webhooks, generic JSON), idempotent and batched, each event mapped to a
 * catalog entity and kept raw. API at `/api/dx`.
 */
export const dxPlugin = createBackendPlugin({
  pluginId: 'dx',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        database: coreServices.database,
        scheduler: coreServices.scheduler,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        auth: coreServices.auth,
        discovery: coreServices.discovery,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        catalog: catalogServiceRef,
        events: eventsServiceRef,
        actionsRegistry: actionsRegistryServiceRef,
      },
      async init(deps) {
        const { config, logger } = deps;
        // Surveys, written as data (dx.surveys); a mistake stops start-up.
        const surveyConfig = parseSurveyConfig(
          config.getOptional('dx.surveys'),
          'dx.surveys',
        );
        deps.permissionsRegistry.addPermissions(dxPermissions);
        const store = await DxStore.create({
          knex: await deps.database.getClient(),
          skipMigrations: deps.database.migrations?.skip,
        });
        const mapper = new EntityMapper(deps.catalog, deps.auth);

        // Events that arrived before their entity are mapped once it exists.
        await deps.scheduler.scheduleTask({
          id: 'dx-remap',
          frequency: { minutes: 5 },
          timeout: { minutes: 10 },
          initialDelay: { minutes: 1 },
          scope: 'global',
          fn: async () => {
            mapper.refresh();
            const resolve = await mapper.resolver();
            let after = 0;
            let mapped = 0;
            for (;;) {
              const page = await store.unmappedPage(after, 1000);
              if (page.length === 0) break;
              after = page[page.length - 1].id;
              const found = page.flatMap(e => {
                const m = resolve(e.subject);
                return 'entityRef' in m
                  ? [{ id: e.id, entityRef: m.entityRef }]
                  : [];
              });
              await store.setEntity(found);
              mapped += found.length;
            }
            if (mapped > 0)
              logger.info(`mapped ${mapped} DX events to entities`);
          },
        });

        if (config.getOptionalBoolean('dx.demo.enabled')) {
          // Demo history for the demo catalog, once (local development only).
          await deps.scheduler.scheduleTask({
            id: 'dx-demo-history',
            frequency: { minutes: 1 },
            timeout: { minutes: 5 },
            initialDelay: { seconds: 20 },
            scope: 'global',
            fn: async () => {
              // About 12 weeks of survey answers per team (and golden-path
              // answers with provisioning times), once: their ids start
              // with demo-. No participation rows: nobody answered.
              const surveys = new SurveyStore(store.knex);
              if (
                !(await surveys.hasResponsesWithIdPrefix(DEMO_SURVEY_ID_PREFIX))
              ) {
                const { items: groups } = await deps.catalog.getEntities(
                  {
                    filter: { kind: 'group' },
                    fields: [
                      'kind',
                      'metadata.name',
                      'metadata.namespace',
                      'spec.type',
                    ],
                  },
                  { credentials: await deps.auth.getOwnServiceCredentials() },
                );
                const teams = groups.filter(g => g.spec?.type === 'team');
                const refs = (teams.length > 0 ? teams : groups).map(g =>
                  stringifyEntityRef(g).toLocaleLowerCase('en-US'),
                );
                if (refs.length > 0) {
                  const written = await surveys.insertResponses(
                    demoSurveyResponses(refs, new Date(), {
                      minGroupSize: surveyConfig.minGroupSize,
                      surveys: surveyConfig.definitions,
                    }),
                  );
                  logger.info(
                    `demo DX surveys: ${written} answers for ${refs.length} teams`,
                  );
                }
              }
              if (await store.hasEventsWithKeyPrefix('generic:demo-')) return;
              const { items } = await deps.catalog.getEntities(
                {
                  filter: { kind: 'component' },
                  fields: [
                    'kind',
                    'metadata.name',
                    'metadata.namespace',
                    'metadata.annotations',
                  ],
                },
                { credentials: await deps.auth.getOwnServiceCredentials() },
              );
              if (items.length === 0) return;
              const events = demoHistory(
                items.map(e => ({
                  entityRef: stringifyEntityRef(e),
                  goldenPath: Boolean(
                    e.metadata.annotations?.['portal.dev/template'],
                  ),
                })),
                new Date(),
              );
              mapper.refresh();
              for (let i = 0; i < events.length; i += 5000)
                await ingest(
                  events
                    .slice(i, i + 5000)
                    .map(payload => ({ format: 'generic' as const, payload })),
                  { store, mapper },
                );
              logger.info(
                `demo DX history: ${events.length} events for ${items.length} components`,
              );
            },
          });
        }

        // Scorecards, written as data (dx.scorecards.definitions, usually
        // $include-d from scorecards/*.yaml); a mistake stops start-up.
        const cards: Scorecard[] = parseScorecards(
          config.getOptional('dx.scorecards.definitions') ?? [],
          'dx.scorecards.definitions',
        );
        const facts = new PortalFacts({
          catalog: deps.catalog,
          auth: deps.auth,
          discovery: deps.discovery,
          logger,
          knex: store.knex,
        });
        const scorecards = new ScorecardStore(store.knex);
        await deps.scheduler.scheduleTask({
          id: SCORECARD_TASK_ID,
          frequency: {
            minutes:
              config.getOptionalNumber('dx.scorecards.frequencyMinutes') ?? 60,
          },
          timeout: { minutes: 15 },
          initialDelay: { seconds: 30 },
          scope: 'global',
          fn: async () => {
            const now = new Date();
            // Users first seen now: the start of their onboarding.
            await syncUsersSeen(store.knex, await facts.users(), now);
            await runScorecards(
              { cards, facts, store: scorecards, logger },
              now,
            );
          },
        });

        // SLOs added or removed: judge "has an SLO" again now, so the
        // scorecards agree with the SLO pages and the adoption numbers.
        await deps.events.subscribe({
          id: 'dx-scorecards-slo-definitions',
          topics: [SLO_DEFINITIONS_TOPIC],
          onEvent: async () => {
            try {
              await deps.scheduler.triggerTask(SCORECARD_TASK_ID);
            } catch (e) {
              // Running already: the next scheduled run picks it up.
              if ((e as Error).name !== 'ConflictError') throw e;
            }
          },
        });

        deps.httpRouter.use(
          createPlatformRouter({
            httpAuth: deps.httpAuth,
            permissions: deps.permissions,
            auth: deps.auth,
            discovery: deps.discovery,
            scheduler: deps.scheduler,
            catalog: deps.catalog,
            knex: store.knex,
            facts,
            scorecards,
            cards,
          }),
        );
        // Daily roll-ups of the four keys, for dashboards over many events.
        // dx.dora: production environments, failure window, rework rules.
        const dora = readDoraOptions(config);
        const rollups = new DoraRollups(store.knex, dora);
        await deps.scheduler.scheduleTask({
          id: 'dx-rollups',
          frequency: {
            seconds:
              config.getOptionalNumber('dx.rollups.frequencySeconds') ?? 60,
          },
          timeout: { minutes: 30 },
          initialDelay: { seconds: 10 },
          scope: 'global',
          fn: async () => {
            const { entities } = await rollups.rollUp();
            if (entities > 0)
              logger.info(
                `DX roll-ups brought up to date for ${entities} entities`,
              );
          },
        });

        deps.httpRouter.use(
          createDxRouter({
            rollups,
            dora,
            httpAuth: deps.httpAuth,
            permissions: deps.permissions,
            logger,
            store,
            mapper,
            catalog: deps.catalog,
            githubWebhookSecret: config.getOptionalString(
              'dx.github.webhookSecret',
            ),
            maxBodyBytes:
              config.getOptionalNumber('dx.ingestion.maxBodyBytes') ??
              16 * 1024 * 1024,
            requestsPerMinute: readRequestsPerMinute(config),
            limits: requestLimits({
              config,
              httpAuth: deps.httpAuth,
              knex: store.knex,
              table: 'dx_rate_limits',
            }),
          }),
        );
        // DORA numbers and scorecards for agents (MCP) and terminals.
        registerDxActions({
          actionsRegistry: deps.actionsRegistry,
          knex: store.knex,
          rollups,
          dora,
          catalog: deps.catalog,
          permissions: deps.permissions,
          scorecards,
          cards,
        });
        deps.httpRouter.use(
          createSurveysRouter({
            config: surveyConfig,
            store: new SurveyStore(store.knex),
            httpAuth: deps.httpAuth,
            auth: deps.auth,
            discovery: deps.discovery,
            catalog: deps.catalog,
            permissions: deps.permissions,
          }),
        );
        // History backfill of the repository sources (dx.backfill).
        const backfillSettings = readBackfillConfig(
          config,
          ScmIntegrations.fromConfig(config),
        );
        const backfill = new Backfill({
          knex: store.knex,
          store,
          mapper,
          readers: backfillSettings.readers,
          logger,
        });
        if (backfillSettings.readers.size > 0)
          await deps.scheduler.scheduleTask({
            id: 'dx-backfill',
            frequency: {
              seconds:
                config.getOptionalNumber('dx.backfill.frequencySeconds') ?? 15,
            },
            timeout: { minutes: 3 },
            initialDelay: { seconds: 5 },
            scope: 'global',
            fn: async () => {
              if (backfillSettings.days > 0)
                await backfill.startMissing(backfillSettings.days);
              await backfill.work({ budgetMs: 60_000 });
            },
          });
        deps.httpRouter.use(
          createBackfillRouter({
            backfill,
            httpAuth: deps.httpAuth,
            permissions: deps.permissions,
          }),
        );
        deps.httpRouter.addAuthPolicy({
          path: GITHUB_WEBHOOK_PATH,
          allow: 'unauthenticated',
        });
      },
    });
  },
});
