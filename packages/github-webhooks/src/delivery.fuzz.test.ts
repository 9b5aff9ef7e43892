import { createHash, createHmac } from 'node:crypto';
import { InputError } from '@backstage/errors';
import * as fuzz from '@internal/fuzz-test-utils';
import express from 'express';
import fc from 'fast-check';
import {
  githubWebhookBody,
  GithubDelivery,
  readGithubDelivery,
} from './delivery';

/*
 * Property-based fuzzing of readGithubDelivery: the X-Hub-Signature-256
 * check and the reading of the event header and JSON body. Contract: a
 * delivery is handed over only when the signature is the HMAC-SHA256 of the
 * exact bytes received with the secret; otherwise the request is answered
 * (503 without a secret, 415 for another content type, 401 for a missing or
 * wrong signature) and undefined returned. A signed delivery without an
 * event header or with a body that is not JSON throws an InputError; nothing
 * else is thrown.
 *
 * Reproduce a failure with the seed and the path fast-check prints:
 * fc.assert(..., { seed: SEED, path: '...' }).
 */
const SEED = 0x51_9ed;
/** Generated inputs per property. */
const RUNS = {
  signed: 3_000,
  forged: 4_000,
  headers: 2_000,
  http: 300,
  pollution: 1_000,
};

const hmac = (secret: string, body: Buffer | string) =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

// ---------------------------------------------------------------------------
// A request and a response as Express makes them, without a server.

interface Sent {
  status?: number;
  body?: any;
}

function fakeRequest(
  headers: Record<string, string | undefined>,
  body: unknown,
) {
  const req = Object.create(express.request) as express.Request;
  const lower: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers))
    if (v !== undefined) lower[k.toLowerCase()] = v;
  if (Buffer.isBuffer(body)) lower['content-length'] ??= String(body.length);
  Object.assign(req, { headers: lower, body });
  return req;
}

function fakeResponse(sent: Sent) {
  const res = {
    status(code: number) {
      sent.status = code;
      return res;
    },
    json(value: unknown) {
      sent.body = value;
      return res;
    },
  };
  return res as unknown as express.Response;
}

const inputs = fuzz.createInputCounter('readGithubDelivery', SEED);

type Outcome =
  | { delivery: GithubDelivery | undefined; sent: Sent }
  | { error: unknown; sent: Sent };

async function deliver(
  headers: Record<string, string | undefined>,
  body: unknown,
  secret: string | undefined,
): Promise<Outcome> {
  inputs.count();
  const sent: Sent = {};
  try {
    const delivery = await readGithubDelivery(
      fakeRequest(headers, body),
      fakeResponse(sent),
      secret,
      'integrations.github.webhookSecret',
    );
    return { delivery, sent };
  } catch (error) {
    return { error, sent };
  }
}

/** What holds for every request. */
function expectContract(outcome: Outcome) {
  fuzz.expectNoPollution();
  if ('error' in outcome) {
    expect(outcome.error).toBeInstanceOf(InputError);
    expect([
      'X-GitHub-Event header missing',
      'body is not valid JSON',
    ]).toContain((outcome.error as Error).message);
    expect(outcome.sent).toEqual({});
    return;
  }
  if (outcome.delivery === undefined) {
    // Refused: answered, with a Backstage-shaped error.
    expect([401, 415, 503]).toContain(outcome.sent.status);
    expect(outcome.sent.body).toEqual({
      error: { name: expect.any(String), message: expect.stringMatching(/\S/) },
    });
    return;
  }
  expect(outcome.sent).toEqual({});
  expect(typeof outcome.delivery.event).toBe('string');
  expect(outcome.delivery.event.length).toBeGreaterThan(0);
}

function expectRefused(outcome: Outcome, status: number) {
  expectContract(outcome);
  expect(outcome).toEqual({
    delivery: undefined,
    sent: { status, body: expect.anything() },
  });
}

// ---------------------------------------------------------------------------
// Generators.

const secret = fc.oneof(
  fc.constantFrom('webhook-test-secret', "It's a Secret to Everybody"),
  fc.string({ minLength: 1, maxLength: 40 }),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }),
);

/** Bodies: JSON payloads, JSON-like text, random bytes, invalid UTF-8. */
const body = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.json({ maxDepth: 4 }).map(s => Buffer.from(s, 'utf8')),
  },
  fc.json({ maxDepth: 3 }).map(s => Buffer.from(`\ufeff${s}`, 'utf8')),
  fc
    .string({ unit: 'binary', maxLength: 200 })
    .map(s => Buffer.from(s, 'utf8')),
  fc.uint8Array({ minLength: 1, maxLength: 300 }).map(a => Buffer.from(a)),
  // Valid JSON with a byte that is not UTF-8 inside a string.
  fc
    .tuple(
      fc.string({ maxLength: 20 }),
      fc.constantFrom(0xff, 0xc3, 0x80, 0xed),
    )
    .map(([s, b]) =>
      Buffer.concat([
        Buffer.from(`{"zen":"${s.replace(/["\\]/g, '')}`, 'utf8'),
        Buffer.from([b]),
        Buffer.from('"}', 'utf8'),
      ]),
    ),
  fc.constantFrom(
    Buffer.from('{"zen":"Keep it logically awesome."}'),
    Buffer.from('{"__proto__": {"polluted": true}}'),
    Buffer.from('{"a": {"constructor": {"prototype": {"polluted": true}}}}'),
    Buffer.from('[]'),
    Buffer.from('null'),
    Buffer.from(' '),
    Buffer.from(`${'['.repeat(500)}${']'.repeat(500)}`),
    Buffer.alloc(0),
    Buffer.from('{"zen":"\ufffd"}'),
  ),
);

const JSON_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'Application/JSON',
];
const jsonContentType = fc.constantFrom(...JSON_TYPES);
const otherContentType = fc.constantFrom(
  'text/plain',
  'application/x-www-form-urlencoded',
  'application/vnd.github+json',
  'multipart/form-data; boundary=x',
  'json',
  '',
);
const eventHeader = fc.oneof(
  fc.constantFrom('push', 'ping', 'pull_request', 'deployment_status'),
  fc.string({ maxLength: 30 }).filter(s => /^[\t\x20-\x7e]*$/.test(s)),
);
const deliveryHeader = fc.option(fc.uuid(), { nil: undefined });

/**
 * Signatures that are not the HMAC of the exact bytes with the secret, given
 * the body and the secret.
 */
const forgery = fc.constantFrom(
  'missing',
  'empty',
  'other secret',
  'other body',
  'lossy utf-8',
  'trimmed body',
  'upper case',
  'sha1',
  'no prefix',
  'one digit off',
  'random hex',
  'short',
  'long',
  'array',
);

function forge(
  kind: string,
  key: string,
  bytes: Buffer,
  random: string,
): string | undefined {
  const right = hmac(key, bytes);
  switch (kind) {
    case 'missing':
      return undefined;
    case 'empty':
      return '';
    case 'other secret':
      return hmac(`${key}x`, bytes);
    case 'other body':
      return hmac(key, Buffer.concat([bytes, Buffer.from(' ')]));
    case 'lossy utf-8':
      // The signature of what the bytes read as text: not of the bytes.
      return hmac(key, Buffer.from(bytes.toString('utf8'), 'utf8'));
    case 'trimmed body':
      return hmac(key, bytes.subarray(0, Math.max(0, bytes.length - 1)));
    case 'upper case':
      return right.toUpperCase();
    case 'sha1':
      return `sha1=${createHmac('sha1', key).update(bytes).digest('hex')}`;
    case 'no prefix':
      return right.slice('sha256='.length);
    case 'one digit off':
      return `${right.slice(0, -1)}${right.endsWith('0') ? '1' : '0'}`;
    case 'random hex':
      return `sha256=${random}`;
    case 'short':
      return right.slice(0, -2);
    case 'long':
      return `${right}00`;
    default:
      return `${right}, ${right}`;
  }
}

// ---------------------------------------------------------------------------
// Checks.

async function checkSigned(
  key: string,
  bytes: Buffer,
  contentType: string,
  event: string,
  deliveryId: string | undefined,
) {
  const outcome = await deliver(
    {
      'content-type': contentType,
      'x-github-event': event,
      'x-github-delivery': deliveryId,
      'x-hub-signature-256': hmac(key, bytes),
    },
    bytes,
    key,
  );
  expectContract(outcome);
  // Signed: never refused as unsigned. Then the event, then the JSON.
  let payload: unknown;
  let json = true;
  try {
    payload = JSON.parse(bytes.toString('utf8'));
  } catch {
    json = false;
  }
  if (bytes.length === 0) {
    // Nothing was signed: an empty body is refused as unsigned.
    expect(outcome).toMatchObject({ sent: { status: 401 } });
  } else if (!event) {
    expect(outcome).toMatchObject({
      error: { message: 'X-GitHub-Event header missing' },
    });
  } else if (!json) {
    expect(outcome).toMatchObject({
      error: { message: 'body is not valid JSON' },
    });
  } else {
    expect(outcome).toEqual({
      delivery: {
        event,
        deliveryId,
        // What was signed, and nothing else (not the delivery id).
        digest: createHash('sha256')
          .update(event)
          .update('\n')
          .update(bytes)
          .digest('hex'),
        payload,
      },
      sent: {},
    });
  }
}

async function checkForged(
  key: string,
  bytes: Buffer,
  kind: string,
  random: string,
  event: string,
) {
  const signature = forge(kind, key, bytes, random);
  fc.pre(signature !== hmac(key, bytes));
  const outcome = await deliver(
    {
      'content-type': 'application/json',
      'x-github-event': event,
      'x-hub-signature-256': signature,
    },
    bytes,
    key,
  );
  expectRefused(outcome, 401);
  expect((outcome as { sent: Sent }).sent.body.error).toEqual({
    name: 'AuthenticationError',
    message: 'missing or invalid X-Hub-Signature-256',
  });
}

/** The secret, then the content type, then the signature. */
async function checkOrder(
  key: string | undefined,
  contentType: string,
  raw: unknown,
  sign: boolean,
) {
  const bytes = Buffer.isBuffer(raw) ? raw : Buffer.alloc(0);
  const outcome = await deliver(
    {
      'content-type': contentType,
      'content-length': String(bytes.length || 1),
      'x-github-event': 'ping',
      'x-hub-signature-256': sign && key ? hmac(key, bytes) : undefined,
    },
    raw,
    key,
  );
  expectContract(outcome);
  const status = (outcome as { sent: Sent }).sent.status;
  if (!key) expect(status).toBe(503);
  else if (!JSON_TYPES.includes(contentType)) expect(status).toBe(415);
  // A body that is not bytes (parsed by another middleware) is an empty
  // body: its signature cannot be checked.
  else if (!sign || bytes.length === 0) expect(status).toBe(401);
  else expect(status).toBeUndefined();
}

/** Through Express and githubWebhookBody, as GitHub would post it. */
async function checkHttp(
  url: string,
  key: string,
  bytes: Buffer,
  signed: boolean,
  kind: string,
) {
  inputs.count();
  const signature = signed
    ? hmac(key, bytes)
    : forge(kind, key, bytes, '0'.repeat(64));
  const wronglySigned = signature !== hmac(key, bytes);
  // fetch sends the bytes as they are (supertest would write a Buffer as
  // JSON for a JSON content type).
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': 'ping',
      ...(signature !== undefined ? { 'x-hub-signature-256': signature } : {}),
    },
    body: bytes,
  });
  const answer = await res.json();
  fuzz.expectNoPollution();
  if (wronglySigned || bytes.length === 0) {
    expect(res.status).toBe(401);
    return;
  }
  expect([200, 400]).toContain(res.status);
  if (res.status === 200) expect(answer.delivered.event).toBe('ping');
  else expect(answer.error.name).toBe('InputError');
}

// ---------------------------------------------------------------------------

describe('readGithubDelivery (fuzz)', () => {
  afterAll(inputs.report);

  it(
    `hands over all ${fuzz.fmt(
      RUNS.signed,
    )} generated deliveries signed over their exact bytes (seed ${SEED}), or says why not`,
    async () => {
      const before = inputs.executed;
      await fc.assert(
        fc.asyncProperty(
          secret,
          body,
          jsonContentType,
          fc.oneof({ weight: 9, arbitrary: eventHeader }, fc.constant('')),
          deliveryHeader,
          checkSigned,
        ),
        { seed: SEED, numRuns: RUNS.signed },
      );
      expect(inputs.executed - before).toBeGreaterThanOrEqual(RUNS.signed);
    },
    fuzz.TIMEOUT_MS,
  );

  it(
    `refuses all ${fuzz.fmt(
      RUNS.forged,
    )} generated unsigned or wrongly signed deliveries with 401 (seed ${SEED})`,
    async () => {
      const before = inputs.executed;
      let tried = 0;
      await fc.assert(
        fc.asyncProperty(
          secret,
          body,
          forgery,
          fc.stringMatching(/^[0-9a-f]{64}$/),
          eventHeader,
          async (...args) => {
            tried++;
            await checkForged(...args);
          },
        ),
        { seed: SEED, numRuns: RUNS.forged },
      );
      // fc.pre skips a forgery that happens to be the right signature (a
      // body that is valid UTF-8 reads back as the same bytes), and tries
      // another.
      expect(tried).toBeGreaterThanOrEqual(RUNS.forged);
      expect(inputs.executed - before).toBeGreaterThanOrEqual(RUNS.forged);
    },
    fuzz.TIMEOUT_MS,
  );

  it(
    `checks the secret, the content type and the body type before anything else in ${fuzz.fmt(
      RUNS.headers,
    )} generated requests (seed ${SEED})`,
    async () => {
      const before = inputs.executed;
      await fc.assert(
        fc.asyncProperty(
          fc.option(secret, { nil: undefined }),
          fc.oneof(jsonContentType, otherContentType),
          fc.oneof(
            { weight: 3, arbitrary: body },
            fc.constantFrom<unknown>(
              undefined,
              null,
              '{"zen":1}',
              { zen: 1 },
              [1],
              42,
            ),
          ),
          fc.boolean(),
          checkOrder,
        ),
        { seed: SEED, numRuns: RUNS.headers },
      );
      expect(inputs.executed - before).toBeGreaterThanOrEqual(RUNS.headers);
    },
    fuzz.TIMEOUT_MS,
  );

  it(
    `answers ${fuzz.fmt(
      RUNS.http,
    )} generated deliveries over HTTP through githubWebhookBody (seed ${SEED}) as the signature says`,
    async () => {
      const key = 'webhook-test-secret';
      const app = express();
      app.post('/hook', githubWebhookBody(64 * 1024), async (req, res) => {
        try {
          const delivery = await readGithubDelivery(req, res, key, 'x.secret');
          if (delivery) res.json({ delivered: delivery });
        } catch (e) {
          res.status(400).json({
            error: { name: (e as Error).name, message: (e as Error).message },
          });
        }
      });
      const server = app.listen(0, '127.0.0.1');
      await new Promise(resolve => server.once('listening', resolve));
      const { port } = server.address() as { port: number };
      const url = `http://127.0.0.1:${port}/hook`;
      const before = inputs.executed;
      try {
        await fc.assert(
          fc.asyncProperty(body, fc.boolean(), forgery, (bytes, signed, kind) =>
            checkHttp(url, key, bytes, signed, kind),
          ),
          { seed: SEED, numRuns: RUNS.http },
        );
      } finally {
        await new Promise(resolve => server.close(resolve));
      }
      expect(inputs.executed - before).toBeGreaterThanOrEqual(RUNS.http);
    },
    fuzz.TIMEOUT_MS,
  );

  it(
    `never lets ${fuzz.fmt(
      RUNS.pollution,
    )} generated signed bodies with __proto__/constructor/prototype keys pollute (seed ${SEED})`,
    async () => {
      const before = inputs.executed;
      await fc.assert(
        fc.asyncProperty(
          fc.jsonValue({ maxDepth: 3 }),
          fuzz.prototypeKey,
          async (value, name) => {
            const text = `{${JSON.stringify(
              name,
            )}: {"polluted": true, "inner": ${JSON.stringify({
              [name === '__proto__' ? 'x' : name]: value,
            })}}, "zen": 1}`;
            const bytes = Buffer.from(text, 'utf8');
            const outcome = await deliver(
              {
                'content-type': 'application/json',
                'x-github-event': 'ping',
                'x-hub-signature-256': hmac('s', bytes),
              },
              bytes,
              's',
            );
            expectContract(outcome);
            const payload = (outcome as { delivery: GithubDelivery }).delivery
              .payload as Record<string, unknown>;
            // JSON.parse keeps the key as an own property.
            expect(Object.getPrototypeOf(payload)).toBe(Object.prototype);
            expect(Object.prototype.hasOwnProperty.call(payload, name)).toBe(
              true,
            );
          },
        ),
        { seed: SEED, numRuns: RUNS.pollution },
      );
      fuzz.expectNoPollution();
      expect(inputs.executed - before).toBeGreaterThanOrEqual(RUNS.pollution);
    },
    fuzz.TIMEOUT_MS,
  );
});
