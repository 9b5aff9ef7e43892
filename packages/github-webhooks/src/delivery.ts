import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { InputError } from '@backstage/errors';
import express from 'express';

/** A verified delivery. */
export interface GithubDelivery {
  /** `X-GitHub-Event`, e.g. `push`. */
  event: string;
  /** `X-GitHub-Delivery`, when sent. Not signed: never a key for replays. */
  deliveryId?: string;
  /**
   * SHA-256 of the event name and the signed body: the same for a replay
   * of a captured delivery under any delivery id.
   */
  digest: string;
  payload: unknown;
}

const SIGNATURE = /^sha256=[0-9a-f]{64}$/;

const fail = (
  res: express.Response,
  status: number,
  name: string,
  message: string,
) => res.status(status).json({ error: { name, message } });

const noSecret = (res: express.Response, secretKey: string) =>
  fail(
    res,
    503,
    'ServiceUnavailable',
    `webhook secret not configured (${secretKey}); deliveries are refused`,
  );

const unsigned = (res: express.Response) =>
  fail(
    res,
    401,
    'AuthenticationError',
    'missing or invalid X-Hub-Signature-256',
  );

/**
 * Refuses a delivery that cannot be signed before anything of its body is
 * read or counted: no secret configured (503, naming `secretKey`), or no
 * well-formed `X-Hub-Signature-256` (401). Put it before the rate limit and
 * {@link githubWebhookBody}; {@link readGithubDelivery} then checks the
 * signature itself.
 */
export function githubSignatureHeader(
  secret: string | undefined,
  secretKey: string,
): express.RequestHandler {
  return (req, res, next) => {
    if (!secret) {
      noSecret(res, secretKey);
      return;
    }
    const signature = req.header('x-hub-signature-256');
    if (typeof signature !== 'string' || !SIGNATURE.test(signature)) {
      unsigned(res);
      return;
    }
    next();
  };
}

/** Keeps the body as bytes: the signature is over the exact bytes sent. */
export function githubWebhookBody(limitBytes: number) {
  return express.raw({ type: () => true, limit: limitBytes });
}

/**
 * Checks a delivery received through {@link githubWebhookBody}: a secret
 * must be configured (503 otherwise, naming `secretKey`), the body must be
 * JSON (415), `X-Hub-Signature-256` must be the HMAC of the body with the
 * secret (401) and `X-GitHub-Event` must be set (400). Answers the request
 * itself and returns undefined when the delivery is refused.
 */
export async function readGithubDelivery(
  req: express.Request,
  res: express.Response,
  secret: string | undefined,
  secretKey: string,
): Promise<GithubDelivery | undefined> {
  if (!secret) {
    noSecret(res, secretKey);
    return undefined;
  }
  if (!req.is('application/json')) {
    fail(
      res,
      415,
      'UnsupportedMediaType',
      'content type must be application/json',
    );
    return undefined;
  }
  const raw: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  const signature = req.header('x-hub-signature-256');
  // The HMAC of the bytes as received, not of their UTF-8 reading: bytes
  // that are not UTF-8 read as U+FFFD, so a signature of that text would
  // let other bytes through (and refuse a body GitHub signed).
  const valid =
    typeof signature === 'string' &&
    SIGNATURE.test(signature) &&
    raw.length > 0 &&
    timingSafeEqual(
      Buffer.from(signature),
      Buffer.from(
        `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`,
      ),
    );
  if (!valid) {
    unsigned(res);
    return undefined;
  }
  const event = req.header('x-github-event');
  if (!event) throw new InputError('X-GitHub-Event header missing');
  let payload: unknown;
  try {
    payload = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new InputError('body is not valid JSON');
  }
  return {
    event,
    deliveryId: req.header('x-github-delivery') ?? undefined,
    digest: createHash('sha256')
      .update(event)
      .update('\n')
      .update(raw)
      .digest('hex'),
    payload,
  };
}
