import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { goldenPathsPermissions } from '@internal/plugin-golden-paths-common';
import { registerGoldenPathActions } from './actions/goldenPathActions';
import { GateService } from './gates/GateService';
import { PolicyService, readPolicy } from './policy/PolicyService';
import { RunRecorder, SCAFFOLDER_TASK_TOPIC } from './runs/RunRecorder';
import { createGoldenPathsRouter } from './service/router';
import { ScaffolderTasks } from './service/ScaffolderTasks';
import { DatabaseGoldenPathsStore } from './store/DatabaseGoldenPathsStore';
import { RepositoryTargets } from './upgrades/repositoryTarget';
import {
  CHANGE_REQUEST_TOPICS,
  UpgradeService,
} from './upgrades/UpgradeService';
import { UpgradeStore } from './upgrades/UpgradeStore';

/**
 * Golden paths: the organisation policy, golden-gate requests with
 * approvals, notifications and audit, the record of every template run,
 * and template versions with drift. API at `/api/golden-paths`.
 */
export const goldenPathsPlugin = createBackendPlugin({
  pluginId: 'golden-paths',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        database: coreServices.database,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        auth: coreServices.auth,
        discovery: coreServices.discovery,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        urlReader: coreServices.urlReader,
        scheduler: coreServices.scheduler,
        catalog: catalogServiceRef,
        events: eventsServiceRef,
        notifications: notificationService,
        actionsRegistry: actionsRegistryServiceRef,
      },
      async init({
        config,
        logger,
        database,
        httpRouter,
        httpAuth,
        auth,
        discovery,
        permissions,
        permissionsRegistry,
        urlReader,
        scheduler,
        catalog,
        events,
        notifications,
        actionsRegistry,
      }) {
        permissionsRegistry.addPermissions(goldenPathsPermissions);
        const policy = new PolicyService(readPolicy(config), catalog);
        const store = await DatabaseGoldenPathsStore.create({
          knex: await database.getClient(),
          skipMigrations: database.migrations?.skip,
        });
        const scaffolder = new ScaffolderTasks(auth, discovery);
        const gates = new GateService({
          store,
          policy,
          notifications,
          logger,
          catalog,
          notifyGroup: config.getOptionalString('goldenPaths.gates.notify'),
          fourEyes: config.getOptionalBoolean('goldenPaths.gates.fourEyes'),
        });
        const recorder = new RunRecorder({ store, scaffolder, logger });
        await events.subscribe({
          id: 'golden-paths-runs',
          topics: [SCAFFOLDER_TASK_TOPIC],
          onEvent: params => recorder.onEvent(params),
        });
        const upgradeStore = new UpgradeStore(store.knex);
        const upgrades = new UpgradeService({
          store: upgradeStore,
          catalog,
          auth,
          discovery,
          urlReader,
          targets: new RepositoryTargets(config),
          logger,
          author: config.has('scaffolder.defaultAuthor.name')
            ? {
                name: config.getString('scaffolder.defaultAuthor.name'),
                email:
                  config.getOptionalString('scaffolder.defaultAuthor.email') ??
                  'portal@localhost',
              }
            : undefined,
        });
        // Merged and closed change requests: told by the hosts' webhooks
        // (the stock GitHub and GitLab events modules), and asked of them.
        await events.subscribe({
          id: 'golden-paths-upgrades',
          topics: CHANGE_REQUEST_TOPICS,
          onEvent: event => upgrades.onChangeRequestEvent(event),
        });
        const pollMinutes =
          config.getOptionalNumber('goldenPaths.upgrades.pollMinutes') ?? 5;
        if (!(pollMinutes >= 0))
          throw new Error(
            `goldenPaths.upgrades.pollMinutes must be 0 (never) or more minutes, not ${pollMinutes}`,
          );
        if (pollMinutes > 0)
          await scheduler.scheduleTask({
            id: 'golden-paths-upgrade-states',
            frequency: { minutes: pollMinutes },
            timeout: { minutes: 5 },
            initialDelay: { seconds: 30 },
            scope: 'global',
            fn: async () => {
              await upgrades.refreshStates();
            },
          });
        // The golden paths as actions, for coding agents (MCP clients).
        registerGoldenPathActions({
          actionsRegistry,
          auth,
          discovery,
          permissions,
          catalog,
          store,
          policy,
          policyData: readPolicy(config),
          gates,
        });
        httpRouter.use(
          createGoldenPathsRouter({
            httpAuth,
            permissions,
            catalog,
            store,
            policy,
            gates,
            upgrades: { service: upgrades, store: upgradeStore },
          }),
        );
      },
    });
  },
});
