import { sign } from '@octokit/webhooks-methods';
import express from 'express';
import request from 'supertest';
import { githubWebhookBody, readGithubDelivery } from './delivery';

function app(secret: string | undefined) {
  const a = express();
  a.post('/hook', githubWebhookBody(1024), async (req, res) => {
    try {
      const delivery = await readGithubDelivery(req, res, secret, 'x.secret');
      if (delivery) res.json(delivery);
    } catch (e) {
      res.status(400).json({ error: { message: (e as Error).message } });
    }
  });
  return a;
}

const SECRET = 'webhook-test-secret';
const body = '{"zen":"Keep it logically awesome."}';

describe('readGithubDelivery', () => {
  it('hands over a signed delivery with its event and id', async () => {
    const res = await request(app(SECRET))
      .post('/hook')
      .set('content-type', 'application/json')
      .set('x-github-event', 'ping')
      .set('x-github-delivery', 'd-1')
      .set('x-hub-signature-256', await sign(SECRET, body))
      .send(body);
    expect(res.body).toEqual({
      event: 'ping',
      deliveryId: 'd-1',
      digest: expect.stringMatching(/^[0-9a-f]{64}$/),
      payload: { zen: 'Keep it logically awesome.' },
    });
  });

  it('digests what is signed: the same for a replay under another delivery id', async () => {
    const digest = async (event: string, deliveryId?: string) => {
      const r = request(app(SECRET))
        .post('/hook')
        .set('content-type', 'application/json')
        .set('x-github-event', event)
        .set('x-hub-signature-256', await sign(SECRET, body));
      if (deliveryId) r.set('x-github-delivery', deliveryId);
      return (await r.send(body)).body.digest;
    };
    const first = await digest('ping', 'd-1');
    expect(await digest('ping', 'd-2')).toBe(first);
    expect(await digest('ping')).toBe(first);
    expect(await digest('push', 'd-1')).not.toBe(first);
  });

  it("accepts GitHub's published test vector and nothing else", async () => {
    // docs.github.com, "Validating webhook deliveries": this secret and
    // body give this signature.
    const secret = "It's a Secret to Everybody";
    const vector =
      'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17';
    const deliver = (signature: string, payload = 'Hello, World!') =>
      request(app(secret))
        .post('/hook')
        .set('content-type', 'application/json')
        .set('x-github-event', 'ping')
        .set('x-hub-signature-256', signature)
        .send(payload);
    // The signature is accepted; the body is then refused as not JSON.
    const good = await deliver(vector);
    expect([good.status, good.body.error.message]).toEqual([
      400,
      'body is not valid JSON',
    ]);
    // One digit changed, upper case, another body: refused as unsigned.
    for (const [signature, payload] of [
      [vector.replace(/e17$/, 'e18'), undefined],
      [vector.toUpperCase(), undefined],
      [vector, 'Hello, World?'],
    ] as const) {
      const bad = await deliver(signature, payload);
      expect(bad.status).toBe(401);
    }
  });

  it('refuses without a secret, a JSON body, a valid signature or an event', async () => {
    const send = async (
      a: express.Express,
      headers: Record<string, string>,
      payload = body,
    ) => {
      const r = request(a).post('/hook');
      for (const [k, v] of Object.entries(headers)) r.set(k, v);
      const res = await r.send(payload);
      return [res.status, res.body.error?.message];
    };
    const signed = {
      'content-type': 'application/json',
      'x-github-event': 'push',
      'x-hub-signature-256': await sign(SECRET, body),
    };
    expect(await send(app(undefined), signed)).toEqual([
      503,
      'webhook secret not configured (x.secret); deliveries are refused',
    ]);
    expect(
      await send(app(SECRET), { ...signed, 'content-type': 'text/plain' }),
    ).toEqual([415, 'content type must be application/json']);
    expect(
      await send(app(SECRET), {
        ...signed,
        'x-hub-signature-256': await sign('other-secret', body),
      }),
    ).toEqual([401, 'missing or invalid X-Hub-Signature-256']);
    const { 'x-github-event': _e, ...noEvent } = signed;
    expect(await send(app(SECRET), noEvent)).toEqual([
      400,
      'X-GitHub-Event header missing',
    ]);
    const broken = '{"zen":';
    expect(
      await send(
        app(SECRET),
        { ...signed, 'x-hub-signature-256': await sign(SECRET, broken) },
        broken,
      ),
    ).toEqual([400, 'body is not valid JSON']);
  });
});
