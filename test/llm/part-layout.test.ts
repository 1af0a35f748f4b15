import assert from 'node:assert/strict';
import { test } from 'node:test';
import { emptyUsage } from '../../core/usage.js';
import { LineSet } from '../../activities/llm/line-set.js';
import {
  indexKey,
  indexKeys,
  linesOf,
  PartIndex,
  partKey,
  partSizeFor,
  partsPrefix,
  runsLength,
  toRuns,
} from '../../activities/llm/part-layout.js';

test('part size follows the batch: 100 to 1000 lines, about 500 parts in between', () => {
  assert.equal(partSizeFor(0), 100);
  assert.equal(partSizeFor(20_000), 100);
  assert.equal(partSizeFor(100_000), 200);
  assert.equal(partSizeFor(1_000_000), 1000);
  assert.equal(partSizeFor(10_000_000), 1000);
});

test('a part counts only through its index file; every attempt lists them in one order', () => {
  const prefix = partsPrefix('runs/r1/gen', 'abc');
  assert.equal(prefix, 'runs/r1/gen/parts/abc/');
  assert.equal(partKey(prefix, 'a1', 12), 'runs/r1/gen/parts/abc/a1-000012.jsonl');
  assert.equal(indexKey(prefix, 'a1', 12), 'runs/r1/gen/parts/abc/a1-000012.index.json');
  const keys = [
    indexKey(prefix, 'b2', 0),
    partKey(prefix, 'a1', 1), // a part without its index: the write may not have finished
    indexKey(prefix, 'a1', 0),
    partKey(prefix, 'a1', 0),
    'runs/r1/gen/parts/other/a1-000003.index.json',
  ];
  assert.deepEqual(indexKeys(keys, prefix), [indexKey(prefix, 'a1', 0), indexKey(prefix, 'b2', 0)]);
});

test('lines are kept as [start, end) runs', () => {
  assert.deepEqual(toRuns([]), []);
  assert.deepEqual(toRuns([0, 1, 2, 5, 7, 8]), [0, 3, 5, 6, 7, 9]);
  assert.deepEqual([...linesOf([0, 3, 5, 6, 7, 9])], [0, 1, 2, 5, 7, 8]);
  assert.equal(runsLength([0, 3, 5, 6, 7, 9]), 6);
  const index = (lines: number[]) =>
    PartIndex.safeParse({
      part: { uri: 'file:///x', sha256: 'a'.repeat(64), count: 1, schema: 'LlmResult' },
      lines,
      usage: { ...emptyUsage(), requests: 1, ok: 1 },
    }).success;
  assert.equal(index([4, 5]), true);
  assert.equal(index([4, 4]), false, 'an empty run');
  assert.equal(index([4, 6, 5, 7]), false, 'overlapping runs');
  assert.equal(index([4]), false, 'an unfinished run');
});

test('the set of done lines counts each line once and refuses lines past the batch', () => {
  const done = new LineSet(20);
  done.addRuns([0, 3, 9, 11]);
  done.add(1);
  assert.equal(done.size, 5);
  assert.deepEqual(
    Array.from({ length: 20 }, (_, k) => k).filter((k) => done.has(k)),
    [0, 1, 2, 9, 10],
  );
  assert.equal(done.covers([0, 2, 9, 11]), true);
  assert.equal(done.covers([2, 4]), false);
  assert.throws(() => done.add(20), /line 21 is past the batch's 20 lines/);
});
