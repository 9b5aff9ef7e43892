import { mockCredentials } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import express from 'express';
import { MemoryStore } from 'express-rate-limit';
import request from 'supertest';
import { bodyParserErrors } from './bodyErrors';
import {
  callRateLimit,
  clientAddress,
  ingestionRateLimit,
  readRequestsPerMinute,
  readTrustProxy,
  type RequestLimitOptions,
} from './rateLimit';

/** Tokens `user-<name>-<n>` belong to `<name>`; anything else to nobody. */
const identify = async (req: express.Request) =>
  /^Bearer user-(\w+)-\d+$/.exec(req.header('authorization') ?? '')?.[1];

function app(requestsPerMinute: number, limits: RequestLimitOptions = {}) {
  const a = express();
  a.post(
    '/events',
    ingestionRateLimit({
      requestsPerMinute,
      endpoint: 'POST /events',
      identify,
      ...limits,
    }),
    express.json({ limit: 100 }),
    (req, res) => {
      res.status(202).json({ got: req.body });
    },
  );
  a.use(bodyParserErrors());
  return a;
}

describe('ingestionRateLimit', () => {
  it('lets a caller send the limit, then answers 429 with Retry-After', async () => {
    const server = app(3);
    const responses = [];
    for (let i = 0; i < 4; i++) {
      responses.push(
        await request(server)
          .post('/events')
          .set('Authorization', 'Bearer script-a')
          .send({ i }),
      );
    }
    const statuses = responses.map(r => r.status);
    const limited = responses[3];
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.body.error).toEqual({
      name: 'TooManyRequestsError',
      message: expect.stringContaining(
        'more than 3 requests per minute to POST /events',
      ),
    });
    expect(statuses).toEqual([202, 202, 202, 429]);
  });

  it('counts people apart, and one person as one whatever their token', async () => {
    const server = app(1);
    const send = (token: string) =>
      request(server)
        .post('/events')
        .set('Authorization', `Bearer ${token}`)
        .send({})
        .then(r => r.status);
    expect(await send('user-ada-1')).toBe(202);
    expect(await send('user-bob-1')).toBe(202);
    // A fresh token of the same person: the same bucket.
    expect(await send('user-ada-2')).toBe(429);
  });

  it('counts callers who are nobody by their address, not by their header', async () => {
    const server = app(2);
    const statuses = [];
    for (let i = 0; i < 4; i++) {
      statuses.push(
        await request(server)
          .post('/events')
          .set('Authorization', `Bearer bogus-${i}`)
          .send({})
          .then(r => r.status),
      );
    }
    expect(statuses).toEqual([202, 202, 429, 429]);
  });

  it('is off at 0', async () => {
    const server = app(0);
    const statuses = await Promise.all(
      Array.from({ length: 5 }, () =>
        request(server)
          .post('/events')
          .send({})
          .then(r => r.status),
      ),
    );
    expect(statuses).toEqual([202, 202, 202, 202, 202]);
  });

  it('reads the limit from config and refuses nonsense', () => {
    expect(readRequestsPerMinute(new ConfigReader({}))).toBe(600);
    expect(
      readRequestsPerMinute(
        new ConfigReader({ portal: { limits: { requestsPerMinute: 5 } } }),
      ),
    ).toBe(5);
    expect(() =>
      readRequestsPerMinute(
        new ConfigReader({ portal: { limits: { requestsPerMinute: -1 } } }),
      ),
    ).toThrow(/requestsPerMinute/);
  });
});

describe('callRateLimit', () => {
  const ada = mockCredentials.user('user:default/ada');
  const bob = mockCredentials.user('user:default/bob');

  it('lets a caller make the limit of calls, then throws 429 naming the endpoint', async () => {
    const limit = callRateLimit({ requestsPerMinute: 2, endpoint: 'POST /x' });
    await limit(ada);
    await limit(ada);
    await limit(bob);
    const over = await limit(ada).catch(e => e);
    expect(over).toMatchObject({
      name: 'TooManyRequestsError',
      statusCode: 429,
      message: expect.stringMatching(
        /^more than 2 requests per minute to POST \/x; retry in \d+ s$/,
      ),
    });
    await expect(
      callRateLimit({ requestsPerMinute: 0, endpoint: 'POST /x' })(ada),
    ).resolves.toBeUndefined();
  });

  it('shares one budget with the route when the counters are shared', async () => {
    const shared = new MemoryStore();
    const limits: RequestLimitOptions = {
      storeFor: () => shared,
      // The route's caller as identifyWith names a signed-in user.
      identify: async req =>
        req.header('authorization') === 'Bearer ada'
          ? 'user:user:default/ada'
          : undefined,
    };
    const server = app(2, limits);
    const limit = callRateLimit({
      requestsPerMinute: 2,
      endpoint: 'POST /events',
      ...limits,
    });
    await limit(ada);
    const viaRoute = () =>
      request(server)
        .post('/events')
        .set('Authorization', 'Bearer ada')
        .send({})
        .then(r => r.status);
    expect(await viaRoute()).toBe(202);
    expect(await viaRoute()).toBe(429);
    await expect(limit(ada)).rejects.toThrow(/more than 2 requests/);
    await expect(limit(bob)).resolves.toBeUndefined();
  });
});

describe('clientAddress', () => {
  const req = (forwarded?: string) =>
    ({
      socket: { remoteAddress: '10.0.0.2' },
      header: (name: string) =>
        name === 'x-forwarded-for' ? forwarded : undefined,
    } as unknown as express.Request);

  it('believes X-Forwarded-For only as far as the configured proxies', () => {
    expect(clientAddress(req('1.2.3.4'), 0)).toBe('10.0.0.2');
    expect(clientAddress(req('6.6.6.6, 1.2.3.4'), 1)).toBe('1.2.3.4');
    expect(clientAddress(req('6.6.6.6, 1.2.3.4'), 2)).toBe('6.6.6.6');
    expect(clientAddress(req('1.2.3.4'), 5)).toBe('1.2.3.4');
    expect(clientAddress(req(), 1)).toBe('10.0.0.2');
  });

  it('reads trustProxy from config and refuses nonsense', () => {
    expect(readTrustProxy(new ConfigReader({}))).toBe(0);
    expect(
      readTrustProxy(
        new ConfigReader({ portal: { limits: { trustProxy: 1 } } }),
      ),
    ).toBe(1);
    expect(() =>
      readTrustProxy(
        new ConfigReader({ portal: { limits: { trustProxy: true } } }),
      ),
    ).toThrow(/trustProxy/);
  });
});

describe('bodyParserErrors', () => {
  it('answers an oversized body with 413 naming the limit, bad JSON with 400', async () => {
    const server = app(100);
    const big = await request(server)
      .post('/events')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ x: 'y'.repeat(500) }));
    expect(big.status).toBe(413);
    expect(big.body.error.message).toBe(
      'body is larger than the limit of 100 bytes',
    );
    const broken = await request(server)
      .post('/events')
      .set('Content-Type', 'application/json')
      .send('{"x":');
    expect(broken.status).toBe(400);
    expect(broken.body.error.name).toBe('InputError');
  });
});
