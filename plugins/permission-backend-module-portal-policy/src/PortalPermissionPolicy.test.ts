import { ConfigReader } from '@backstage/config';
import { mockCredentials } from '@backstage/backend-test-utils';
import {
  AuthorizeResult,
  createPermission,
} from '@backstage/plugin-permission-common';
import {
  catalogEntityDeletePermission,
  catalogEntityReadPermission,
  catalogLocationCreatePermission,
} from '@backstage/plugin-catalog-common/alpha';
import {
  actionExecutePermission,
  taskReadPermission,
  taskCreatePermission,
  templateDryRunPermission,
  templateManagementPermission,
} from '@backstage/plugin-scaffolder-common/alpha';
import {
  PortalPermissionPolicy,
  readPortalPolicyOptions,
} from './PortalPermissionPolicy';

const member = 'user:default/ada';
const outsider = 'user:default/bob';

function policyFor(config: object = {}) {
  const userInfo = {
    async getUserInfo(credentials: any) {
      const ref = credentials.principal.userEntityRef;
      return {
        userEntityRef: ref,
        ownershipEntityRefs:
          ref === member ? [ref, 'group:default/Platform-Team'] : [ref],
      };
    },
  };
  return new PortalPermissionPolicy(
    readPortalPolicyOptions(new ConfigReader(config)),
    userInfo,
  );
}

async function decide(
  policy: PortalPermissionPolicy,
  permission: any,
  userRef?: string,
) {
  const user = userRef
    ? {
        credentials: mockCredentials.user(userRef),
        info: { userEntityRef: userRef, ownershipEntityRefs: [userRef] },
      }
    : undefined;
  return policy.handle({ permission }, user);
}

const gateReview = createPermission({
  name: 'golden-paths.gate.review',
  attributes: { action: 'update' },
});
const sloManage = createPermission({
  name: 'slo.manage',
  attributes: { action: 'update' },
});
const onboardingPeople = createPermission({
  name: 'dx.onboarding.people.read',
  attributes: { action: 'read' },
});
const goldenPathRequest = createPermission({
  name: 'golden-paths.request',
  attributes: { action: 'create' },
});
/** The visibility permissions of the portal's actions (agents, CLI). */
const actionReads = [
  'catalog.ingestion.actions.read',
  'catalog.inventory.actions.read',
  'golden-paths.actions.read',
  'slo.actions.read',
  'dx.actions.read',
].map(name => createPermission({ name, attributes: { action: 'read' } }));
const laterPluginWrite = createPermission({
  name: 'some-new-plugin.thing.delete',
  attributes: { action: 'delete' },
});

describe('PortalPermissionPolicy', () => {
  it('lets everyone signed in read, run golden paths and manage SLOs', async () => {
    const policy = policyFor();
    for (const permission of [
      catalogEntityReadPermission,
      taskCreatePermission,
      sloManage,
      goldenPathRequest,
      ...actionReads,
    ]) {
      expect((await decide(policy, permission, outsider)).result).toBe(
        AuthorizeResult.ALLOW,
      );
    }
  });

  it('holds deletes, locations, template management and gate reviews for the platform group', async () => {
    const policy = policyFor();
    for (const permission of [
      catalogEntityDeletePermission,
      catalogLocationCreatePermission,
      templateManagementPermission,
      templateDryRunPermission,
      gateReview,
      onboardingPeople,
    ]) {
      expect((await decide(policy, permission, outsider)).result).toBe(
        AuthorizeResult.DENY,
      );
      // Group refs are compared without regard to case.
      expect((await decide(policy, permission, member)).result).toBe(
        AuthorizeResult.ALLOW,
      );
    }
  });

  it('closes writes of plugins it does not know until they are configured', async () => {
    expect((await decide(policyFor(), laterPluginWrite, outsider)).result).toBe(
      AuthorizeResult.DENY,
    );
    const opened = policyFor({
      portal: { permissions: { everyone: ['some-new-plugin.thing.delete'] } },
    });
    expect((await decide(opened, laterPluginWrite, outsider)).result).toBe(
      AuthorizeResult.ALLOW,
    );
  });

  it('shows people their own scaffolder tasks only', async () => {
    const decision = await decide(policyFor(), taskReadPermission, outsider);
    expect(decision).toMatchObject({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'scaffolder',
      resourceType: 'scaffolder-task',
      conditions: {
        rule: 'IS_TASK_OWNER',
        params: { createdBy: [outsider] },
      },
    });
    expect((await decide(policyFor(), taskReadPermission, member)).result).toBe(
      AuthorizeResult.ALLOW,
    );
  });

  it('lets people execute only the scaffolder actions of the allow-list', async () => {
    const decision = await decide(
      policyFor({
        portal: {
          permissions: { scaffolderActions: ['github:issues:create'] },
        },
      }),
      actionExecutePermission,
      outsider,
    );
    expect(decision).toMatchObject({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'scaffolder',
      resourceType: 'scaffolder-action',
    });
    const ids = (decision as any).conditions.anyOf.map(
      (c: { rule: string; params: { actionId: string } }) =>
        `${c.rule} ${c.params.actionId}`,
    );
    expect(ids).toContain('HAS_ACTION_ID portal:publish');
    expect(ids).toContain('HAS_ACTION_ID fetch:template');
    expect(ids).toContain('HAS_ACTION_ID github:issues:create');
    expect(ids).not.toContain('HAS_ACTION_ID fs:write');
    expect(
      (await decide(policyFor(), actionExecutePermission, member)).result,
    ).toBe(AuthorizeResult.ALLOW);
  });

  it('with privateEntities, limits reads of private entities to their owners', async () => {
    // Off by default: reads are allowed outright.
    expect(
      (await decide(policyFor(), catalogEntityReadPermission, outsider)).result,
    ).toBe(AuthorizeResult.ALLOW);
    const policy = policyFor({
      portal: { permissions: { privateEntities: true } },
    });
    const decision = await decide(
      policy,
      catalogEntityReadPermission,
      outsider,
    );
    expect(decision).toEqual({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'catalog',
      resourceType: 'catalog-entity',
      conditions: {
        anyOf: [
          {
            not: {
              rule: 'HAS_ANNOTATION',
              resourceType: 'catalog-entity',
              params: { annotation: 'portal.dev/visibility', value: 'private' },
            },
          },
          {
            rule: 'IS_ENTITY_OWNER',
            resourceType: 'catalog-entity',
            params: { claims: [outsider] },
          },
        ],
      },
    });
    // The platform group reads everything.
    expect(
      (await decide(policy, catalogEntityReadPermission, member)).result,
    ).toBe(AuthorizeResult.ALLOW);
  });

  it('denies when there is no user', async () => {
    expect(
      (await decide(policyFor(), catalogEntityReadPermission)).result,
    ).toBe(AuthorizeResult.DENY);
  });

  it('takes the platform groups from config and refuses bad ones', async () => {
    const policy = policyFor({
      portal: { permissions: { platformGroups: ['sre'] } },
    });
    // ada is in platform-team, which is no longer the platform group.
    expect((await decide(policy, gateReview, member)).result).toBe(
      AuthorizeResult.DENY,
    );
    expect(() =>
      readPortalPolicyOptions(
        new ConfigReader({ portal: { permissions: { platformGroups: [] } } }),
      ),
    ).toThrow(/platformGroups is empty/);
    expect(() =>
      readPortalPolicyOptions(
        new ConfigReader({
          portal: { permissions: { platformGroups: ['group:default/'] } },
        }),
      ),
    ).toThrow(/platformGroups\[0\]/);
  });
});
