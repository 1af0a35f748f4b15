import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  markerKey,
  partKey,
  partsPrefix,
  shardSizeFor,
  writtenShards,
} from '../../activities/llm/shard-layout.js';

test('shard size follows the batch: 100 to 1000 lines, about 500 shards in between', () => {
  assert.equal(shardSizeFor(0), 100);
  assert.equal(shardSizeFor(20_000), 100);
  assert.equal(shardSizeFor(100_000), 200);
  assert.equal(shardSizeFor(1_000_000), 1000);
  assert.equal(shardSizeFor(10_000_000), 1000);
});

test('a shard counts as written only when its marker exists', () => {
  const prefix = partsPrefix('runs/r1/gen', 'abc');
  assert.equal(prefix, 'runs/r1/gen/parts/abc/');
  const keys = [
    partKey(prefix, 0, 'a1'),
    markerKey(prefix, 0),
    partKey(prefix, 1, 'a1'), // part without marker: the write may not have finished
    markerKey(prefix, 12),
    'runs/r1/gen/parts/other/000003.ref.json',
  ];
  assert.deepEqual(
    [...writtenShards(keys, prefix)].sort((a, b) => a - b),
    [0, 12],
  );
  assert.equal(markerKey(prefix, 12), 'runs/r1/gen/parts/abc/000012.ref.json');
  assert.equal(partKey(prefix, 12, 'a1'), 'runs/r1/gen/parts/abc/000012.a1.jsonl');
});
