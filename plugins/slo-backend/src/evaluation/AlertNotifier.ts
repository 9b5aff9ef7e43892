import type { LoggerService } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import type { SloAlertEvent } from '@internal/plugin-slo-common';
import type { SloDefinitionRow } from '../store/SloStore';

/** The entity page's SLO tab, where an alert links to. */
export function sloLink(def: SloDefinitionRow): string {
  const { kind, namespace, name } = parseEntityRef(def.entityRef);
  return `/catalog/${namespace}/${kind}/${name}/slo?slo=${encodeURIComponent(
    def.id,
  )}`;
}

/**
 * Sends each alert state change to the group owning the SLO's entity,
 * through Backstage notifications (one per change; the evaluator records
 * the change and calls this once).
 */
export function alertNotifier(
  notifications: NotificationService,
  logger: LoggerService,
) {
  return async (def: SloDefinitionRow, event: SloAlertEvent) => {
    if (!def.ownerRef) {
      logger.warn(
        `SLO ${def.id}: alert ${event.rule} ${event.state}, but its entity has no owner to notify`,
      );
      return;
    }
    const title = def.spec?.displayName ?? def.name;
    const firing = event.state === 'firing';
    let severity: 'critical' | 'high' | 'normal' = 'normal';
    if (firing) severity = event.severity === 'page' ? 'critical' : 'high';
    await notifications.send({
      recipients: { type: 'entity', entityRef: def.ownerRef },
      payload: {
        title: firing
          ? `SLO ${title}: error budget burning (${event.rule})`
          : `SLO ${title}: burn-rate alert resolved (${event.rule})`,
        description: firing
          ? `Burning ${event.longRate.toFixed(
              1,
            )}x the allowed error rate over the long window and ${event.shortRate.toFixed(
              1,
            )}x over the short one (${event.severity}).`
          : `The burn rate is back under the alert threshold (${event.longRate.toFixed(
              1,
            )}x long, ${event.shortRate.toFixed(1)}x short).`,
        link: sloLink(def),
        severity,
        topic: 'slo-alert',
        scope: `slo:${def.id}:${event.rule}`,
      },
    });
  };
}
