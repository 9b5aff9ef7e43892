import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Server } from 'node:http';
import { createApp, type Readiness } from './app';

describe('${{ values.name }}', () => {
  const readiness: Readiness = { ready: true };
  let server: Server;
  let base: string;

  before(async () => {
    server = createApp(readiness);
    await new Promise<void>(resolve => server.listen(0, resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(() => {
    server.close();
  });

  it('is alive', async () => {
    const res = await fetch(`${base}/healthz`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { status: 'ok' });
  });

  it('is ready only when it says so', async () => {
    assert.equal((await fetch(`${base}/readyz`)).status, 200);
    readiness.ready = false;
    assert.equal((await fetch(`${base}/readyz`)).status, 503);
    readiness.ready = true;
  });

  it('counts requests for Prometheus', async () => {
    await fetch(`${base}/`);
    const text = await (await fetch(`${base}/metrics`)).text();
    assert.match(text, /http_requests_total\{[^}]*route="\/"[^}]*\} \d+/);
  });

  it('answers 404 for unknown paths', async () => {
    assert.equal((await fetch(`${base}/nope`)).status, 404);
  });
});
