import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TokenBucket } from '../../activities/llm/token-bucket.js';

test('a bucket holds one second of the per-minute rate and refills continuously', () => {
  const b = new TokenBucket(120, 0); // 2 per second, 0.002 per ms
  assert.equal(b.take(1, 0), 0);
  assert.equal(b.take(1, 0), 0);
  // Empty: one token takes 500 ms to come back.
  assert.equal(b.take(1, 0), 500);
  assert.equal(b.take(1, 250), 250);
  assert.equal(b.take(1, 500), 0);
});

test('a cost above the capacity passes when the bucket is full, leaving a debt', () => {
  const b = new TokenBucket(6000, 0); // capacity 100 tokens, 0.1 per ms
  assert.equal(b.take(250, 0), 0);
  // Balance is now -150: a 10-token request waits until it is back to +10 (1600 ms).
  assert.equal(b.take(10, 0), 1600);
  assert.equal(b.take(10, 1600), 0);
});

test('adjust refunds an over-estimate up to the capacity', () => {
  const b = new TokenBucket(6000, 0);
  assert.equal(b.take(100, 0), 0);
  b.adjust(60, 0); // the call used 40 of the 100 estimated
  assert.equal(b.take(60, 0), 0);
  assert.equal(b.take(1, 0), 10);
});

test('tokens-per-minute charges about 4 characters per token plus the completion budget of every choice', async () => {
  const { estimateTokens } = await import('../../activities/llm/chat.js');
  const messages = [
    { role: 'system' as const, content: 'x'.repeat(10) },
    { role: 'user' as const, content: 'y'.repeat(31) },
  ];
  assert.equal(estimateTokens({ messages }), 11); // ceil(41 / 4)
  assert.equal(estimateTokens({ messages, max_tokens: 100, n: 4 }), 411);
});
