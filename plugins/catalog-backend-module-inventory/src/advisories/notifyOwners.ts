import type { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import {
  getCompoundEntityRef,
  RELATION_OWNED_BY,
  type Entity,
} from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import {
  packageOf,
  VEX_HIDING_STATES,
} from '@internal/plugin-inventory-common';
import type {
  DatabaseAdvisoryStore,
  VulnerabilityRow,
} from '../store/DatabaseAdvisoryStore';
import { statementFor, type DatabaseVexStore } from '../store/DatabaseVexStore';

const SEVERITY: Record<string, 'critical' | 'high'> = {
  critical: 'critical',
  high: 'high',
};

/**
 * Tells the owning group of each component when an advisory newly hits one
 * of its packages: one notification per owner and vulnerability, naming the
 * components, packages and the fixing version; each match is told once
 * (across replicas), and the notification's scope keeps one per owner and
 * vulnerability in their inbox. A match a VEX statement hides (not
 * affected, false positive, resolved) is not told. Matches whose owners
 * could not be told (the notifications backend failed) are told on a later
 * run.
 */
export async function notifyOwners(options: {
  advisories: DatabaseAdvisoryStore;
  vex: DatabaseVexStore;
  catalog: CatalogService;
  auth: AuthService;
  notifications: NotificationService;
  logger: LoggerService;
}): Promise<number> {
  const claimed = await options.advisories.claimUnnotified();
  if (claimed.length === 0) return 0;
  try {
    return await tell(options, claimed);
  } catch (error) {
    // Nothing is lost: the next run claims these again.
    await options.advisories.releaseClaims(claimed);
    throw error;
  }
}

async function tell(
  options: Parameters<typeof notifyOwners>[0],
  claimed: VulnerabilityRow[],
): Promise<number> {
  const { advisories, vex, catalog, auth, notifications, logger } = options;
  const statements = await vex.statementsFor([
    ...new Set(claimed.map(r => r.entityRef)),
  ]);
  const rows = claimed.filter(r => {
    const s = statementFor(r, statements);
    return !s || !VEX_HIDING_STATES.includes(s.state);
  });
  if (rows.length === 0) return 0;
  const refs = [...new Set(rows.map(r => r.entityRef))];
  const credentials = await auth.getOwnServiceCredentials();
  const { items } = await catalog.getEntitiesByRefs(
    {
      entityRefs: refs,
      fields: [
        'kind',
        'metadata.name',
        'metadata.namespace',
        'metadata.title',
        'relations',
      ],
    },
    { credentials },
  );
  const entities = new Map<string, Entity>();
  items.forEach((e, i) => e && entities.set(refs[i], e));

  const groups = new Map<string, VulnerabilityRow[]>();
  for (const row of rows) {
    const entity = entities.get(row.entityRef);
    const owner = entity?.relations?.find(
      r => r.type === RELATION_OWNED_BY,
    )?.targetRef;
    if (!owner) continue;
    const key = `${owner}\u0000${row.vulnKey}`;
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  let sent = 0;
  for (const [key, list] of groups) {
    const [owner, vulnKey] = key.split('\u0000');
    const { advisory, fixedIn } = list[0];
    const names = [
      ...new Set(
        list.map(r => {
          const e = entities.get(r.entityRef)!;
          return e.metadata.title ?? e.metadata.name;
        }),
      ),
    ];
    const packages = [...new Set(list.map(r => packageOf(r.purl)))];
    const severity = advisory.severity ? ` (${advisory.severity})` : '';
    const only = entities.get(list[0].entityRef)!;
    const { namespace, kind, name } = getCompoundEntityRef(only);
    const single = names.length === 1;
    try {
      await notifications.send({
        recipients: { type: 'entity', entityRef: owner },
        payload: {
          title: `${vulnKey}${severity} affects ${names.join(', ')}`,
          description: `${
            advisory.summary ?? advisory.id
          }. Affected: ${packages.join(', ')}. ${
            fixedIn ? `Fixed in ${fixedIn}.` : 'No fixed version yet.'
          }`,
          link: single
            ? `/catalog/${namespace}/${kind.toLocaleLowerCase(
                'en-US',
              )}/${name}/vulnerabilities`
            : '/vulnerabilities',
          severity: SEVERITY[advisory.severity ?? ''] ?? 'normal',
          topic: 'vulnerability',
          scope: `vulnerability:${vulnKey}:${owner}`,
        },
      });
      sent += 1;
    } catch (error) {
      logger.warn(
        `Could not tell ${owner} about ${vulnKey}, will try again: ${
          (error as Error).message
        }`,
      );
      await advisories.releaseClaims(list);
    }
  }
  return sent;
}
