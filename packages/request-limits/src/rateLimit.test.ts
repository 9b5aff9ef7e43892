import { ConfigReader } from '@backstage/config';
import express from 'express';
import request from 'supertest';
import { bodyParserErrors } from './bodyErrors';
import { ingestionRateLimit, readRequestsPerMinute } from './rateLimit';

function app(requestsPerMinute: number) {
  const a = express();
  a.post(
    '/events',
    ingestionRateLimit({ requestsPerMinute, endpoint: 'POST /events' }),
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

  it('counts callers apart', async () => {
    const server = app(1);
    const a = await request(server)
      .post('/events')
      .set('Authorization', 'Bearer a')
      .send({});
    const b = await request(server)
      .post('/events')
      .set('Authorization', 'Bearer b')
      .send({});
    const again = await request(server)
      .post('/events')
      .set('Authorization', 'Bearer a')
      .send({});
    expect([a.status, b.status, again.status]).toEqual([202, 202, 429]);
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
