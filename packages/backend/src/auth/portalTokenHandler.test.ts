import { ConfigReader } from '@backstage/config';
import type { JsonObject } from '@backstage/types';
import {
  MIN_PORTAL_TOKEN_LENGTH,
  portalTokenHandler,
} from './portalTokenHandler';

const init = (options: JsonObject) =>
  portalTokenHandler.initialize({ options: new ConfigReader(options) });

describe('portalTokenHandler', () => {
  const token = 'a-long-enough-automation-token';

  it('accepts exactly the configured token and names its subject', async () => {
    const ctx = init({ token, subject: 'portal-automation' });
    await expect(portalTokenHandler.verifyToken(token, ctx)).resolves.toEqual({
      subject: 'portal-automation',
    });
    await expect(
      portalTokenHandler.verifyToken(`${token}x`, ctx),
    ).resolves.toBeUndefined();
    await expect(
      portalTokenHandler.verifyToken(token.slice(0, -1), ctx),
    ).resolves.toBeUndefined();
  });

  it('is off when no token is configured: accepts nothing, not even an empty token', async () => {
    const ctx = init({ subject: 'portal-automation' });
    await expect(
      portalTokenHandler.verifyToken('', ctx),
    ).resolves.toBeUndefined();
    await expect(
      portalTokenHandler.verifyToken(token, ctx),
    ).resolves.toBeUndefined();
  });

  it('rejects a short token or one with spaces at start-up, saying why', () => {
    expect(() =>
      init({ token: 'x'.repeat(MIN_PORTAL_TOKEN_LENGTH - 1), subject: 's' }),
    ).toThrow(/at least 16 characters/);
    expect(() =>
      init({ token: 'has a space in the token', subject: 's' }),
    ).toThrow(/without spaces/);
  });
});
