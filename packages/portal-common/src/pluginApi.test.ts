import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ResponseError } from '@backstage/errors';
import { asService, getPluginJson } from './pluginApi';

describe('getPluginJson', () => {
  let server: http.Server;
  let base: string;
  const seen: Array<{ url?: string; authorization?: string }> = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      seen.push({ url: req.url, authorization: req.headers.authorization });
      if (req.url?.startsWith('/api/slo/slos')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ items: [{ entityRef: 'component:a' }] }));
      } else {
        res.writeHead(503, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            error: { name: 'ServiceUnavailableError', message: 'not now' },
            response: { statusCode: 503 },
          }),
        );
      }
    });
    await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
  });
  afterAll(() => new Promise<void>(r => server.close(() => r())));

  const client = {
    discoveryApi: { getBaseUrl: async (id: string) => `${base}/${id}` },
  };

  it('GETs the plugin path with the token and reads the JSON', async () => {
    const body = await getPluginJson<{ items: unknown[] }>(
      client,
      'slo',
      '/slos?entityRef=x',
      { token: 'abc' },
    );
    expect(body.items).toEqual([{ entityRef: 'component:a' }]);
    expect(seen.at(-1)).toEqual({
      url: '/api/slo/slos?entityRef=x',
      authorization: 'Bearer abc',
    });
  });

  it('turns any other answer into a ResponseError with the status', async () => {
    const error = await getPluginJson<never>(client, 'catalog', '/x').catch(
      (e: ResponseError) => e,
    );
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(503);
    expect(seen.at(-1)?.authorization).toBeUndefined();
  });

  it('asService asks for a token for the target plugin as this plugin', async () => {
    const calls: unknown[] = [];
    const options = await asService(
      {
        getOwnServiceCredentials: async () => 'me',
        getPluginRequestToken: async o => {
          calls.push(o);
          return { token: 't' };
        },
      },
      'golden-paths',
    );
    expect(options.token).toBe('t');
    expect(calls).toEqual([
      { onBehalfOf: 'me', targetPluginId: 'golden-paths' },
    ]);
  });
});
