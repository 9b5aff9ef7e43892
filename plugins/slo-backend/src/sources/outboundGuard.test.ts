import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { assertAllowedTarget, forbiddenTarget } from './outboundGuard';
import { PrometheusSource } from './PrometheusSource';

describe('forbiddenTarget', () => {
  it.each([
    'http://169.254.169.254/latest/meta-data/iam/security-credentials/',
    'http://[fe80::1]:9090',
    'http://[::ffff:169.254.169.254]/',
    'http://[fd00:ec2::254]/',
    'http://metadata.google.internal/computeMetadata/v1/',
    'http://100.100.100.200/latest/meta-data/',
    'file:///etc/passwd',
    'gopher://prometheus:70/',
  ])('refuses %s', url => {
    expect(forbiddenTarget(url)).toMatch(
      /link-local or cloud metadata|not allowed/,
    );
  });

  it.each([
    'http://prometheus:9090',
    'https://10.0.0.5/',
    'http://127.0.0.1:9090',
  ])('lets %s through (allow-lists decide the rest)', url => {
    expect(forbiddenTarget(url)).toBeUndefined();
  });

  it('checks what a name resolves to', async () => {
    await expect(assertAllowedTarget('http://localhost:9090')).resolves.toBe(
      undefined,
    );
    await expect(
      assertAllowedTarget('http://169.254.169.254/'),
    ).rejects.toThrow(/metadata/);
  });
});

describe('PrometheusSource outbound requests', () => {
  const request = (signal: AbortSignal) =>
    ({
      slo: {
        indicator: {
          kind: 'threshold',
          metric: { type: 'Prometheus', spec: { query: 'up' } },
        },
      },
      from: new Date(Date.now() - 3_600_000),
      to: new Date(),
      signal,
    } as any);

  it('refuses a link-local or metadata Prometheus in config', () => {
    expect(
      () =>
        new PrometheusSource({
          baseUrl: 'http://169.254.169.254',
          allowedUrls: [],
          stepSeconds: 60,
          maxResponseBytes: 1e6,
        }),
    ).toThrow(/cannot be a Prometheus: 169.254.169.254 is a link-local/);
    expect(
      () =>
        new PrometheusSource({
          allowedUrls: ['http://metadata.google.internal'],
          stepSeconds: 60,
          maxResponseBytes: 1e6,
        }),
    ).toThrow(/metadata.google.internal/);
  });

  it('does not follow a redirect to another host', async () => {
    let elsewhere = 0;
    const target = http.createServer((_req, res) => {
      elsewhere += 1;
      res.end('{}');
    });
    const redirecting = http.createServer((_req, res) => {
      const { port } = target.address() as AddressInfo;
      res.writeHead(302, { location: `http://127.0.0.1:${port}/steal` });
      res.end();
    });
    await new Promise<void>(r => target.listen(0, '127.0.0.1', r));
    await new Promise<void>(r => redirecting.listen(0, '127.0.0.1', r));
    try {
      const { port } = redirecting.address() as AddressInfo;
      const source = new PrometheusSource({
        baseUrl: `http://127.0.0.1:${port}`,
        allowedUrls: [],
        stepSeconds: 60,
        maxResponseBytes: 1e6,
      });
      await expect(
        source.fetch(request(new AbortController().signal)),
      ).rejects.toThrow(
        /answered with a redirect \(HTTP 302 .*\); redirects are not followed/,
      );
      expect(elsewhere).toBe(0);
    } finally {
      target.close();
      redirecting.close();
    }
  });

  it('refuses an SLO that names a Prometheus outside the allow-list', () => {
    const source = new PrometheusSource({
      baseUrl: 'http://prometheus:9090',
      allowedUrls: [],
      stepSeconds: 60,
      maxResponseBytes: 1e6,
    });
    expect(
      source.validate({
        type: 'Prometheus',
        spec: { query: 'up', url: 'http://169.254.169.254' },
      } as any),
    ).toEqual([
      expect.stringMatching(
        /url http:\/\/169.254.169.254 is not an allowed Prometheus/,
      ),
    ]);
  });
});
