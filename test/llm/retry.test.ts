import assert from 'node:assert/strict';
import { test } from 'node:test';
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { backoffMs, classify, retryAfter } from '../../activities/llm/retry.js';

const headers = (h: Record<string, string>): Headers => new Headers(h);
const apiError = (status: number, h: Record<string, string> = {}): APIError =>
  APIError.generate(status, { message: `status ${status}` }, undefined, headers(h));

test('classify: what each failure means for the batch', () => {
  const cases: [unknown, string, string?][] = [
    [apiError(401), 'auth'],
    [apiError(403), 'auth'],
    [apiError(404), 'model'],
    [apiError(400), 'request'],
    [apiError(422), 'request'],
    [apiError(429), 'transient', 'healthy'], // rate limited: the replica is fine
    [apiError(500), 'transient', 'suspect'],
    [apiError(503), 'transient', 'suspect'],
    [new APIConnectionTimeoutError(), 'transient', 'suspect'],
    [new APIConnectionError({ cause: new Error('ECONNREFUSED') }), 'transient', 'down'],
    [new SyntaxError('Unexpected token <'), 'transient', 'suspect'],
    [new APIUserAbortError(), 'aborted'],
  ];
  for (const [err, kind, replica] of cases) {
    const f = classify(err);
    assert.equal(f?.kind, kind, String(err));
    if (replica) assert.equal(f?.kind === 'transient' && f.replica, replica, String(err));
  }
  // A bug in our own code is not a call failure.
  assert.equal(classify(new TypeError('x is undefined')), undefined);
});

test('retry-after: milliseconds, seconds or an HTTP date', () => {
  assert.equal(retryAfter(headers({ 'retry-after-ms': '250' }), 0), 250);
  assert.equal(retryAfter(headers({ 'retry-after': '2' }), 0), 2000);
  const now = Date.parse('2025-01-01T00:00:00Z');
  assert.equal(retryAfter(headers({ 'retry-after': 'Wed, 01 Jan 2025 00:00:03 GMT' }), now), 3000);
  assert.equal(retryAfter(headers({}), now), undefined);
  const f = classify(apiError(429, { 'retry-after': '1' }));
  assert.equal(f?.kind === 'transient' ? f.retryAfterMs : -1, 1000);
});

test('backoff: exponential with equal jitter up to the cap; retry-after wins with up to 10% jitter', () => {
  const b = { baseMs: 100, capMs: 1000 };
  assert.equal(backoffMs(1, undefined, 0, b), 50);
  assert.equal(backoffMs(1, undefined, 1, b), 100);
  assert.equal(backoffMs(3, undefined, 0.5, b), 300); // ceiling 400: 200 + 100
  assert.equal(backoffMs(10, undefined, 1, b), 1000); // capped
  assert.equal(backoffMs(1, 2000, 0, b), 2000);
  assert.equal(backoffMs(1, 2000, 1, b), 2200);
});
