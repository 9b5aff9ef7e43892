import { githubAuthApiRef } from '@backstage/frontend-plugin-api';
import type { IdentityProviders } from '@backstage/core-components';
import { oidcAuthApiRef } from './oidcAuthApi';

/** The sign-in methods an operator may list in `portal.signIn.providers`. */
export const signInProviderIds = ['guest', 'oidc', 'github'] as const;
export type SignInProviderId = (typeof signInProviderIds)[number];

const providerConfigs: Record<
  Exclude<SignInProviderId, 'guest'>,
  Exclude<IdentityProviders[number], string>
> = {
  oidc: {
    id: 'oidc-auth-provider',
    title: 'Single sign-on',
    message: 'Sign in with your organisation account',
    apiRef: oidcAuthApiRef,
  },
  github: {
    id: 'github-auth-provider',
    title: 'GitHub',
    message: 'Sign in using GitHub',
    apiRef: githubAuthApiRef,
  },
};

/**
 * Turns the configured provider ids into the sign-in page's provider list.
 * Unknown ids are an error, not silently dropped: a typo would otherwise lock
 * everybody out without a hint.
 */
export function resolveSignInProviders(ids: string[]): IdentityProviders {
  if (ids.length === 0) {
    throw new Error(
      `portal.signIn.providers is empty; list at least one of ${signInProviderIds.join(
        ', ',
      )}`,
    );
  }
  return ids.map(id => {
    if (id === 'guest') return 'guest';
    if (id === 'oidc' || id === 'github') return providerConfigs[id];
    throw new Error(
      `Unknown sign-in provider '${id}' in portal.signIn.providers; expected one of ${signInProviderIds.join(
        ', ',
      )}`,
    );
  });
}
