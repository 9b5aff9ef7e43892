import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { retry } from './index.js';

describe('retry', () => {
  it('returns the first success', async () => {
    let calls = 0;
    const result = await retry(
      async attempt => {
        calls++;
        if (attempt < 2) throw new Error('flaky');
        return 'done';
      },
      { minDelayMs: 1 },
    );
    assert.equal(result, 'done');
    assert.equal(calls, 3);
  });

  it('gives up after the retries with the last error', async () => {
    let calls = 0;
    await assert.rejects(
      retry(
        async attempt => {
          calls++;
          throw new Error(`failure ${attempt}`);
        },
        { retries: 2, minDelayMs: 1 },
      ),
      /failure 2/,
    );
    assert.equal(calls, 3);
  });

  it('stops at once when shouldRetry says no', async () => {
    let calls = 0;
    await assert.rejects(
      retry(
        async () => {
          calls++;
          throw new TypeError('bad input');
        },
        { shouldRetry: error => !(error instanceof TypeError) },
      ),
      TypeError,
    );
    assert.equal(calls, 1);
  });
});
