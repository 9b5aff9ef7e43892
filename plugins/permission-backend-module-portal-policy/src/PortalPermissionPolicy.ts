import { stringifyEntityRef, parseEntityRef } from '@backstage/catalog-model';
import type { Config } from '@backstage/config';
import type { UserInfoService } from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  PolicyDecision,
  isResourcePermission,
} from '@backstage/plugin-permission-common';
import type {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import {
  createScaffolderActionConditionalDecision,
  createScaffolderTaskConditionalDecision,
  scaffolderActionConditions,
  scaffolderTaskConditions,
} from '@backstage/plugin-scaffolder-backend/alpha';

/** The group whose members administer the portal, unless configured. */
export const DEFAULT_PLATFORM_GROUPS = ['group:default/platform-team'];

/**
 * Permissions only members of the platform groups hold. Scripts and CI get
 * these through external-access tokens restricted to the permission (see
 * README, "Security"); plugins calling each other use plugin tokens, which
 * the permission framework allows without asking the policy.
 */
export const PLATFORM_ONLY = new Set([
  // Catalog: deleting entities and registering or removing locations (a
  // location is a URL the backend will fetch; discovery finds repositories).
  'catalog.entity.delete',
  'catalog.entity.create',
  'catalog.location.create',
  'catalog.location.delete',
  'catalog.location.analyze',
  // Golden paths: the template editor, dry runs (an inline template reads
  // any host of integrations.* with the portal's own credentials), and
  // approving or rejecting gates.
  'scaffolder.template.management',
  'scaffolder.template.dry-run',
  'golden-paths.gate.review',
  // Feeding data in by hand and re-running evaluations.
  'dx.events.ingest',
  'dx.backfill.start',
  'dx.scorecards.refresh',
  'slo.events.push',
  'catalog.ingestion.sbom.upload',
  'catalog.ingestion.advisories.import',
  // A whole source re-scanned on demand lists every repository again.
  'catalog.ingestion.source.rescan',
  // Reads of people's own data: each person sees their own rows.
  'dx.onboarding.people.read',
]);

/**
 * Writes everyone signed in may do. Anything else that is not a read and not
 * listed here is held for the platform groups, so a plugin added later is
 * closed until someone decides otherwise (`portal.permissions.everyone`).
 */
export const EVERYONE = new Set([
  'catalog.entity.refresh',
  'catalog.entity.validate',
  'catalog.ingestion.rescan',
  'scaffolder.task.create',
  'scaffolder.template.parameter.read',
  'scaffolder.template.step.read',
  // Opens a change request on a service's repository; it merges only
  // through the host's review.
  'golden-paths.upgrade.propose',
  // Requests a golden path (or continues an approved gate) through the
  // actions: it starts only what the golden-path form starts, and the
  // policy check and golden gates apply.
  'golden-paths.request',
  // The SLO backend also requires the user to own the SLO's entity.
  'slo.manage',
]);

/**
 * Scaffolder actions everyone may run (in registered templates, which come
 * only from the platform's locations and the repositories listed for
 * them); `portal.permissions.scaffolderActions` adds more. Anything else
 * runs for the platform groups only.
 */
export const DEFAULT_SCAFFOLDER_ACTIONS = [
  'fetch:template',
  'fetch:template:file',
  'fetch:plain',
  'fetch:plain:file',
  'fs:delete',
  'fs:rename',
  'fs:readdir',
  'debug:log',
  'catalog:register',
  'catalog:write',
  'catalog:fetch',
  'notification:send',
  'publish:github',
  'publish:gitlab',
  'portal:policy:check',
  'portal:publish',
  'portal:publish:local',
  'portal:catalog:visible',
];

/** Task permissions: your own tasks, or every task for the platform groups. */
const TASK_OWNER = new Set(['scaffolder.task.read', 'scaffolder.task.cancel']);

/** Entities with this annotation set to `private` are read by their owners. */
export const ANNOTATION_VISIBILITY = 'portal.dev/visibility';

export interface PortalPolicyOptions {
  platformGroups: string[];
  everyone: string[];
  /** Scaffolder action ids everyone may execute. */
  scaffolderActions: string[];
  /**
   * Entities annotated `portal.dev/visibility: private` are read only by
   * their owners and the platform groups, in the catalog and in every
   * dashboard (the plugins ask the catalog what a caller may read).
   */
  privateEntities: boolean;
}

/** Reads `portal.permissions` (see app-config.yaml). */
export function readPortalPolicyOptions(config: Config): PortalPolicyOptions {
  const section = config.getOptionalConfig('portal.permissions');
  const platformGroups = (
    section?.getOptionalStringArray('platformGroups') ?? DEFAULT_PLATFORM_GROUPS
  ).map((ref, i) => {
    try {
      return stringifyEntityRef(
        parseEntityRef(ref, {
          defaultKind: 'group',
          defaultNamespace: 'default',
        }),
      );
    } catch (e) {
      throw new Error(
        `portal.permissions.platformGroups[${i}]: "${ref}" is not an entity reference (${
          (e as Error).message
        })`,
      );
    }
  });
  if (platformGroups.length === 0)
    throw new Error(
      'portal.permissions.platformGroups is empty: nobody could review gates or delete entities',
    );
  return {
    platformGroups,
    everyone: section?.getOptionalStringArray('everyone') ?? [],
    scaffolderActions: [
      ...DEFAULT_SCAFFOLDER_ACTIONS,
      ...(section?.getOptionalStringArray('scaffolderActions') ?? []),
    ],
    privateEntities: section?.getOptionalBoolean('privateEntities') ?? false,
  };
}

const allow: PolicyDecision = { result: AuthorizeResult.ALLOW };
const deny: PolicyDecision = { result: AuthorizeResult.DENY };

/**
 * The portal's permission policy (replaces allow-all):
 * - everyone signed in reads the catalog and every dashboard, runs golden
 *   paths (with the scaffolder actions of the allow-list), re-scans
 *   repositories and manages the SLOs of what they own;
 * - only members of the platform groups delete entities, register
 *   locations, manage and dry-run templates, review golden gates and push
 *   data by hand;
 * - scaffolder tasks are visible to the person who started them (and to the
 *   platform groups);
 * - with `privateEntities`, entities annotated `portal.dev/visibility:
 *   private` are read by their owners (and the platform groups) only.
 */
export class PortalPermissionPolicy implements PermissionPolicy {
  private readonly platformGroups: Set<string>;
  private readonly everyone: Set<string>;
  private readonly scaffolderActions: string[];
  private readonly privateEntities: boolean;

  constructor(
    options: PortalPolicyOptions,
    private readonly userInfo: UserInfoService,
  ) {
    this.platformGroups = new Set(
      options.platformGroups.map(r => r.toLocaleLowerCase('en-US')),
    );
    this.everyone = new Set([...EVERYONE, ...options.everyone]);
    this.scaffolderActions = [...new Set(options.scaffolderActions)];
    this.privateEntities = options.privateEntities;
  }

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    // The framework asks the policy only for users; anything else is denied.
    if (!user) return deny;
    const { name } = request.permission;
    const info = await this.userInfo.getUserInfo(user.credentials);
    const isPlatform = info.ownershipEntityRefs.some(ref =>
      this.platformGroups.has(ref.toLocaleLowerCase('en-US')),
    );
    if (isPlatform) return allow;

    if (
      TASK_OWNER.has(name) &&
      isResourcePermission(request.permission, 'scaffolder-task')
    ) {
      return createScaffolderTaskConditionalDecision(
        request.permission,
        scaffolderTaskConditions.isTaskOwner({
          createdBy: [info.userEntityRef],
        }),
      );
    }
    if (
      name === 'scaffolder.action.execute' &&
      isResourcePermission(request.permission, 'scaffolder-action')
    ) {
      const [first, ...rest] = this.scaffolderActions.map(actionId =>
        scaffolderActionConditions.hasActionId({ actionId }),
      );
      return createScaffolderActionConditionalDecision(request.permission, {
        anyOf: [first, ...rest],
      });
    }
    if (
      this.privateEntities &&
      name === 'catalog.entity.read' &&
      isResourcePermission(request.permission, 'catalog-entity')
    ) {
      return createCatalogConditionalDecision(request.permission, {
        anyOf: [
          {
            not: catalogConditions.hasAnnotation({
              annotation: ANNOTATION_VISIBILITY,
              value: 'private',
            }),
          },
          catalogConditions.isEntityOwner({ claims: info.ownershipEntityRefs }),
        ],
      });
    }
    if (PLATFORM_ONLY.has(name)) return deny;
    if (this.everyone.has(name)) return allow;
    if (request.permission.attributes.action === 'read') return allow;
    // An unknown write (a plugin added later): closed until configured.
    return deny;
  }
}
