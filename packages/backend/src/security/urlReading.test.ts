import { UrlReaders } from '@backstage/backend-defaults/urlReader';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/*
 * Catalog locations, org exports and template sources are read through
 * Backstage's URL readers. With the portal's configuration they reach only
 * configured hosts (integrations and backend.reading.allow), do not follow a
 * redirect to another host, and never reach cloud metadata addresses.
 */

function serve(handler: http.RequestListener) {
  const server = http.createServer(handler);
  return new Promise<{ server: http.Server; origin: string }>(resolve =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        server,
        origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      }),
    ),
  );
}

describe('URL reading on behalf of users', () => {
  let allowed: { server: http.Server; origin: string };
  let other: { server: http.Server; origin: string };
  let otherHits = 0;

  beforeAll(async () => {
    other = await serve((_req, res) => {
      otherHits += 1;
      res.end('secret: from a host nobody allowed\n');
    });
    allowed = await serve((req, res) => {
      if (req.url === '/redirect') {
        res.writeHead(302, { location: `${other.origin}/catalog-info.yaml` });
        res.end();
        return;
      }
      res.end('kind: Component\n');
    });
  });
  afterAll(() => {
    allowed.server.close();
    other.server.close();
  });

  const reader = () =>
    UrlReaders.default({
      logger: mockServices.logger.mock(),
      config: new ConfigReader({
        backend: {
          reading: { allow: [{ host: new URL(allowed.origin).host }] },
        },
      }),
    });

  it('reads from an allowed host', async () => {
    const res = await reader().readUrl(`${allowed.origin}/catalog-info.yaml`);
    expect((await res.buffer()).toString()).toBe('kind: Component\n');
  });

  it('refuses hosts that are not allowed, metadata addresses included', async () => {
    for (const url of [
      `${other.origin}/catalog-info.yaml`,
      'http://169.254.169.254/latest/meta-data/iam/security-credentials/',
      'http://metadata.google.internal/computeMetadata/v1/',
    ]) {
      await expect(reader().readUrl(url)).rejects.toThrow(
        /not allowed|no .*reader|Reading from .* is not allowed/i,
      );
    }
    expect(otherHits).toBe(0);
  });

  it('does not follow a redirect from an allowed host to another one', async () => {
    await expect(
      reader().readUrl(`${allowed.origin}/redirect`),
    ).rejects.toThrow();
    expect(otherHits).toBe(0);
  });
});
