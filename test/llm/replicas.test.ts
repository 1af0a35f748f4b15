import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ReplicaSet } from '../../activities/llm/replicas.js';

test('calls go to the replica with the fewest in flight, ties round-robin', () => {
  const r = new ReplicaSet(3);
  assert.deepEqual([r.pick(0), r.pick(0), r.pick(0)], [0, 1, 2]);
  r.succeeded(1);
  assert.equal(r.pick(0), 1);
});

test('a refused connection takes a replica out for a cooldown that doubles', () => {
  const r = new ReplicaSet(2);
  const first = r.pick(0);
  assert.equal(first, 0);
  r.failed(0, 'down', 0);
  // Replica 0 is out for 2 s: everything goes to 1.
  for (let i = 0; i < 3; i++) {
    assert.equal(r.pick(1000), 1);
    r.succeeded(1);
  }
  assert.equal(r.pick(2000), 0); // back after the cooldown
  r.failed(0, 'down', 2000); // out again, now for 4 s
  assert.equal(r.pick(5999), 1);
  r.succeeded(1);
  assert.equal(r.pick(6000), 0);
});

test('timeouts and 5xx take a replica out only after three in a row; a 429 never does', () => {
  const r = new ReplicaSet(2);
  for (let i = 0; i < 2; i++) {
    r.pick(0);
    r.failed(0, 'suspect', 0);
    r.pick(0);
    r.succeeded(1);
  }
  for (let i = 0; i < 5; i++) {
    assert.equal(r.pick(0), 0);
    r.failed(0, 'healthy', 0);
    r.pick(0);
    r.succeeded(1);
  }
  assert.equal(r.pick(0), 0);
  r.failed(0, 'suspect', 0); // third suspect failure in a row
  assert.equal(r.pick(1), 1);
});

test('when every replica is out, the one back soonest is probed', () => {
  const r = new ReplicaSet(2);
  r.pick(0);
  r.failed(0, 'down', 0); // out until 2000
  r.pick(500);
  r.failed(1, 'down', 500); // out until 2500
  assert.equal(r.anyLive(1000), false);
  assert.equal(r.pick(1000), 0);
});
