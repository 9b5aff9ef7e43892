import {
  coreServices,
  createBackendPlugin,
  type SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import type { Config } from '@backstage/config';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import {
  SLO_DEFINITIONS_TOPIC,
  sloPermissions,
} from '@internal/plugin-slo-common';
import {
  sloSourcesExtensionPoint,
  type SliSource,
} from '@internal/plugin-slo-node';
import path from 'node:path';
import { DefinitionSync } from './definitions/DefinitionSync';
import { alertNotifier } from './evaluation/AlertNotifier';
import {
  DEFAULT_EVALUATOR_SETTINGS,
  SloEvaluator,
} from './evaluation/SloEvaluator';
import { DEFAULT_PROBE_TARGETS, Prober } from './platform/Prober';
import { ProvisioningCollector } from './platform/ProvisioningCollector';
import { readRequestsPerMinute, requestLimits } from '@internal/request-limits';
import { createSloRouter } from './service/router';
import { registerSloActions } from './actions/sloActions';
import { PortalSource } from './sources/PortalSource';
import { PrometheusSource } from './sources/PrometheusSource';
import { SloStore } from './store/SloStore';

const EVERY_MINUTE = { minutes: 1 };

function schedule(
  config: Config,
  key: string,
  fallback: SchedulerServiceTaskScheduleDefinition['frequency'],
): SchedulerServiceTaskScheduleDefinition {
  const frequency = config.has(key)
    ? { milliseconds: config.getNumber(key) }
    : fallback;
  return {
    frequency,
    timeout: { minutes: 5 },
    initialDelay: { seconds: 5 },
    scope: 'global',
  };
}

/**
 * SLOs of the platform and its services: OpenSLO definitions from
 * repositories, the platform's own file and the UI; SLI sources (the portal
 * measuring itself, Prometheus, pushed counts, and any a module adds);
 * evaluation every minute into per-minute buckets; error budgets, burn
 * rates and alerts sent through notifications. API at `/api/slo`.
 */
export const sloPlugin = createBackendPlugin({
  pluginId: 'slo',
  register(env) {
    const extraSources: SliSource[] = [];
    env.registerExtensionPoint(sloSourcesExtensionPoint, {
      addSource(...sources) {
        extraSources.push(...sources);
      },
    });
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        database: coreServices.database,
        scheduler: coreServices.scheduler,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        auth: coreServices.auth,
        userInfo: coreServices.userInfo,
        discovery: coreServices.discovery,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        catalog: catalogServiceRef,
        notifications: notificationService,
        events: eventsServiceRef,
        actionsRegistry: actionsRegistryServiceRef,
      },
      async init(deps) {
        const { config, logger, scheduler, auth, discovery } = deps;
        deps.permissionsRegistry.addPermissions(sloPermissions);
        const store = await SloStore.create({
          knex: await deps.database.getClient(),
          skipMigrations: deps.database.migrations?.skip,
        });
        store.onDefinitionsChanged(() => {
          deps.events
            .publish({ topic: SLO_DEFINITIONS_TOPIC, eventPayload: {} })
            .catch(e =>
              logger.warn(
                `could not announce changed SLO definitions: ${
                  (e as Error).message
                }`,
              ),
            );
        });
        const slo = config.getOptionalConfig('slo');
        const prometheus = slo?.getOptionalConfig('prometheus');
        const evaluation = slo?.getOptionalConfig('evaluation');
        const evaluator = new SloEvaluator({
          store,
          logger,
          sources: [
            new PortalSource({ store, auth, discovery }),
            new PrometheusSource({
              baseUrl: prometheus?.getOptionalString('baseUrl'),
              allowedUrls:
                prometheus?.getOptionalStringArray('allowedUrls') ?? [],
              stepSeconds: prometheus?.getOptionalNumber('stepSeconds') ?? 60,
              maxResponseBytes: 20 * 1024 * 1024,
            }),
            ...extraSources,
          ],
          settings: {
            ...DEFAULT_EVALUATOR_SETTINGS,
            ...(evaluation?.has('delayMinutes') && {
              delayMinutes: evaluation.getNumber('delayMinutes'),
            }),
            ...(evaluation?.has('backfillDays') && {
              backfillMinutes: evaluation.getNumber('backfillDays') * 1440,
            }),
            ...(evaluation?.has('timeoutMs') && {
              timeoutMs: evaluation.getNumber('timeoutMs'),
            }),
          },
          onAlert: alertNotifier(deps.notifications, logger),
        });
        const platformFile = slo?.getOptionalString('platform.file');
        const sync = new DefinitionSync({
          store,
          catalog: deps.catalog,
          auth,
          discovery,
          logger,
          source: t => evaluator.source(t),
          platform: {
            file: platformFile ? path.resolve(platformFile) : undefined,
            entityRef:
              slo?.getOptionalString('platform.entityRef') ??
              'component:default/platform-portal',
          },
        });

        await scheduler.scheduleTask({
          id: 'slo-definitions',
          ...schedule(config, 'slo.sync.frequencyMs', EVERY_MINUTE),
          fn: async () => {
            await sync.syncAll();
          },
        });
        await scheduler.scheduleTask({
          id: 'slo-evaluate',
          ...schedule(config, 'slo.evaluation.frequencyMs', EVERY_MINUTE),
          fn: async () => {
            const startedAt = new Date();
            const r = await evaluator.evaluateAll(startedAt);
            await store.recordEvaluation({
              startedAt,
              durationMs: r.ms,
              evaluated: r.evaluated,
              failed: r.failed,
            });
            logger.info(
              `evaluated ${r.evaluated} SLOs in ${r.ms} ms (${r.failed} with errors)`,
            );
          },
        });
        if (slo?.getOptionalBoolean('probe.enabled') ?? true) {
          const prober = new Prober({
            store,
            auth,
            discovery,
            logger,
            backendBaseUrl: config.getString('backend.baseUrl'),
            timeoutMs: slo?.getOptionalNumber('probe.timeoutMs') ?? 5000,
            targets:
              slo?.getOptionalConfigArray('probe.targets')?.map(t => ({
                name: t.getString('name'),
                plugin: t.getOptionalString('plugin'),
                path: t.getString('path'),
              })) ?? DEFAULT_PROBE_TARGETS,
          });
          await scheduler.scheduleTask({
            id: 'slo-probe',
            ...schedule(config, 'slo.probe.frequencyMs', EVERY_MINUTE),
            fn: async () => {
              await prober.probeAll();
              // Probe results older than the longest window are not needed.
              await store.pruneProbes(
                Math.floor(Date.now() / 60_000) - 92 * 1440,
              );
            },
          });
        }
        await scheduler.scheduleTask({
          id: 'slo-prune',
          ...schedule(config, 'slo.prune.frequencyMs', { hours: 1 }),
          fn: async () => {
            await evaluator.pruneAll();
          },
        });
        const collector = new ProvisioningCollector({
          store,
          auth,
          discovery,
          lookBackHours:
            slo?.getOptionalNumber('provisioning.lookBackHours') ?? 6,
          maxPages: 50,
        });
        await scheduler.scheduleTask({
          id: 'slo-provisioning',
          ...schedule(config, 'slo.provisioning.frequencyMs', EVERY_MINUTE),
          fn: async () => {
            await collector.collect();
          },
        });

        deps.httpRouter.use(
          createSloRouter({
            httpAuth: deps.httpAuth,
            auth,
            userInfo: deps.userInfo,
            permissions: deps.permissions,
            catalog: deps.catalog,
            store,
            evaluator,
            maxBodyBytes:
              config.getOptionalNumber('slo.maxBodyBytes') ?? 2 * 1024 * 1024,
            requestsPerMinute: readRequestsPerMinute(config),
            limits: requestLimits({
              config,
              httpAuth: deps.httpAuth,
              knex: store.knex,
              table: 'slo_rate_limits',
            }),
          }),
        );
        // The same reads for agents (MCP) and terminals.
        registerSloActions({
          actionsRegistry: deps.actionsRegistry,
          permissions: deps.permissions,
          catalog: deps.catalog,
          store,
        });
      },
    });
  },
});
