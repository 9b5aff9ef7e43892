import {
  coreServices,
  createServiceFactory,
  type BackstageCredentials,
  type HttpAuthService,
} from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';

const SERVICE_TOKEN_PREFIX = 'mock-service-token:';

/**
 * Backstage's mock HTTP auth, anonymous without a token, with one fix: a
 * plugin's token on behalf of a user carries the plugin as its actor, as
 * real tokens do. (The mock drops it, and the permission backend refuses
 * resource permissions of users who call it directly.)
 */
export const testHttpAuthFactory = createServiceFactory({
  service: coreServices.httpAuth,
  deps: { plugin: coreServices.pluginMetadata },
  factory({ plugin }): HttpAuthService {
    return testHttpAuth(plugin.getId());
  },
});

/**
 * A script's token restricted to some permissions, as an external-access
 * entry with `accessRestrictions` makes it: the subject names the
 * permissions (`external:only:dx.events.ingest,slo.events.push`).
 */
export function restrictedServiceHeader(permissionNames: string[]) {
  const sub = `external:only:${permissionNames.join(',')}`;
  return `Bearer ${SERVICE_TOKEN_PREFIX}${JSON.stringify({ sub })}`;
}

function testHttpAuth(pluginId: string): HttpAuthService {
  const inner = mockServices.httpAuth({
    pluginId,
    defaultCredentials: mockCredentials.none(),
  });
  return {
    async credentials(req, options) {
      const credentials: BackstageCredentials<any> = await inner.credentials(
        req,
        options,
      );
      const token = req.headers.authorization?.replace(/^Bearer /, '') ?? '';
      if (!token.startsWith(SERVICE_TOKEN_PREFIX)) return credentials;
      const { sub } = JSON.parse(token.slice(SERVICE_TOKEN_PREFIX.length));
      if (
        credentials.principal.type === 'service' &&
        String(sub).startsWith('external:only:')
      )
        return {
          ...credentials,
          principal: {
            ...credentials.principal,
            accessRestrictions: {
              permissionNames: String(sub)
                .slice('external:only:'.length)
                .split(','),
            },
          },
        } as any;
      if (credentials.principal.type !== 'user') return credentials;
      return {
        ...credentials,
        principal: {
          ...credentials.principal,
          actor: { type: 'service', subject: String(sub) },
        },
      } as any;
    },
    issueUserCookie: (res, options) => inner.issueUserCookie(res, options),
  };
}

/** Ownership refs as a sign-in resolver would put group memberships in a token. */
export function testUserInfoFactory(memberships: Record<string, string[]>) {
  return createServiceFactory({
    service: coreServices.userInfo,
    deps: {},
    factory: () => ({
      async getUserInfo(credentials: BackstageCredentials) {
        const principal = credentials.principal as { userEntityRef: string };
        return {
          userEntityRef: principal.userEntityRef,
          ownershipEntityRefs: [
            principal.userEntityRef,
            ...(memberships[principal.userEntityRef] ?? []),
          ],
        };
      },
    }),
  });
}
