import { resolveSignInProviders } from './signInProviders';

describe('resolveSignInProviders', () => {
  it('maps configured ids to the sign-in page providers, in order', () => {
    const providers = resolveSignInProviders(['oidc', 'guest', 'github']);
    expect(providers[0]).toMatchObject({ id: 'oidc-auth-provider' });
    expect(providers[1]).toBe('guest');
    expect(providers[2]).toMatchObject({ id: 'github-auth-provider' });
  });

  it('refuses an unknown id instead of dropping it', () => {
    expect(() => resolveSignInProviders(['gest'])).toThrow(
      "Unknown sign-in provider 'gest' in portal.signIn.providers; expected one of guest, oidc, github",
    );
  });

  it('refuses an empty list', () => {
    expect(() => resolveSignInProviders([])).toThrow(/is empty/);
  });
});
