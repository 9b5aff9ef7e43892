import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';

/**
 * A permissions service for tests of what callers may see: each user in
 * `denied` is denied those permissions (by name), everything else is
 * allowed; the users in `privateHiddenFrom` read only entities not
 * annotated `portal.dev/visibility: private`, as the portal policy answers
 * for someone who owns none of them.
 */
export function permissionsForTest(options: {
  denied?: Record<string, string[]>;
  privateHiddenFrom?: string[];
}) {
  const denied = options.denied ?? {};
  const hidden = new Set(options.privateHiddenFrom ?? []);
  const who = (o: any): string | undefined =>
    o?.credentials?.principal?.userEntityRef;
  return createServiceFactory({
    service: coreServices.permissions,
    deps: {},
    factory: () => ({
      async authorize(requests: any[], o: any) {
        const user = who(o);
        return requests.map(r => ({
          result:
            user && denied[user]?.includes(r.permission.name)
              ? AuthorizeResult.DENY
              : AuthorizeResult.ALLOW,
        })) as any;
      },
      async authorizeConditional(requests: any[], o: any) {
        const user = who(o);
        return requests.map(r =>
          user &&
          hidden.has(user) &&
          r.permission.name === 'catalog.entity.read'
            ? {
                result: AuthorizeResult.CONDITIONAL,
                pluginId: 'catalog',
                resourceType: 'catalog-entity',
                conditions: {
                  not: {
                    rule: 'HAS_ANNOTATION',
                    resourceType: 'catalog-entity',
                    params: {
                      annotation: 'portal.dev/visibility',
                      value: 'private',
                    },
                  },
                },
              }
            : { result: AuthorizeResult.ALLOW },
        ) as any;
      },
    }),
  });
}
