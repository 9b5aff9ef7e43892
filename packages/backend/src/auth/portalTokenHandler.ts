import { timingSafeEqual } from 'node:crypto';
import {
  createExternalTokenHandler,
  externalTokenHandlersServiceRef,
} from '@backstage/backend-defaults/auth';
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';

/** Shortest automation token accepted: a guessable token is worse than none. */
export const MIN_PORTAL_TOKEN_LENGTH = 16;

type PortalTokenContext = { token?: Buffer; subject: string };

/**
 * Backstage's `static` external-access token, made optional: with no token in
 * config (PORTAL_API_TOKEN unset) it accepts nothing instead of failing the
 * start-up, so the same config serves laptops and production.
 */
export const portalTokenHandler =
  createExternalTokenHandler<PortalTokenContext>({
    type: 'portal-token',
    initialize({ options }) {
      const subject = options.getString('subject');
      const token = options.getOptionalString('token');
      if (token === undefined) {
        return { subject };
      }
      if (!/^\S+$/.test(token) || token.length < MIN_PORTAL_TOKEN_LENGTH) {
        throw new Error(
          `backend.auth.externalAccess: the portal-token token (PORTAL_API_TOKEN) must be at least ${MIN_PORTAL_TOKEN_LENGTH} characters without spaces`,
        );
      }
      return { token: Buffer.from(token), subject };
    },
    async verifyToken(token, context) {
      if (!context.token) return undefined;
      const given = Buffer.from(token);
      if (
        given.length === context.token.length &&
        timingSafeEqual(given, context.token)
      ) {
        return { subject: context.subject };
      }
      return undefined;
    },
  });

/** Registers the handler for every plugin and says once whether it is on. */
export const portalTokenHandlerFactory = createServiceFactory({
  service: externalTokenHandlersServiceRef,
  deps: {
    rootConfig: coreServices.rootConfig,
    rootLogger: coreServices.rootLogger,
  },
  createRootContext({ rootConfig, rootLogger }) {
    const entries =
      rootConfig.getOptionalConfigArray('backend.auth.externalAccess') ?? [];
    const configured = entries.some(
      e => e.getString('type') === 'portal-token' && e.has('options.token'),
    );
    rootLogger.info(
      configured
        ? 'Automation token is on: scripts may call the API with PORTAL_API_TOKEN'
        : 'Automation token is off (PORTAL_API_TOKEN is unset)',
    );
  },
  factory() {
    return portalTokenHandler;
  },
});
