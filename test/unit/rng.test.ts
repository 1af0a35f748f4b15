import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRng, hashSeed } from '../../core/rng.js';

describe('createRng', () => {
  it('repeats the same sequence for the same seed and differs across seeds', () => {
    const draw = (seed: number) => {
      const rng = createRng(seed);
      return Array.from({ length: 5 }, () => rng.next());
    };
    assert.deepEqual(draw(42), draw(42));
    assert.notDeepEqual(draw(42), draw(43));
  });

  it('stays in [0, 1) with a mean near 1/2 and int(n) covers 0..n-1 evenly', () => {
    const rng = createRng(7);
    let sum = 0;
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 40_000; i++) {
      const x = rng.next();
      assert.ok(x >= 0 && x < 1);
      sum += x;
      counts[rng.int(4)]! += 1;
    }
    // mean of 40k uniforms has sd 0.29/200 ≈ 0.0014; each bucket expects 10,000 with sd ≈ 87
    assert.ok(Math.abs(sum / 40_000 - 0.5) < 0.01);
    for (const c of counts) assert.ok(Math.abs(c - 10_000) < 500, `bucket count ${c}`);
  });

  it('shuffles into a permutation without touching the input, and rejects bad arguments', () => {
    const input = [1, 2, 3, 4, 5, 6];
    const out = createRng(1).shuffle(input);
    assert.deepEqual(input, [1, 2, 3, 4, 5, 6]);
    assert.deepEqual([...out].sort(), input);
    assert.throws(() => createRng(1).pick([]), /empty/);
    assert.throws(() => createRng(1).int(0), /positive integer/);
  });

  it('between(lo, hi) covers both ends and is lo + int(hi - lo + 1) on the same stream', () => {
    const a = createRng(9);
    const b = createRng(9);
    const seen = new Set<number>();
    for (let i = 0; i < 200; i++) {
      const x = a.between(3, 5);
      assert.equal(x, 3 + b.int(3));
      seen.add(x);
    }
    assert.deepEqual([...seen].sort(), [3, 4, 5]);
    assert.equal(createRng(1).between(4, 4), 4);
    assert.throws(() => createRng(1).between(5, 4), /lo <= hi/);
  });
});

describe('hashSeed', () => {
  it('is FNV-1a 32-bit for a single part', () => {
    // FNV-1a offset basis for the empty string; 0xe40c292c is the published hash of "a"
    assert.equal(hashSeed(''), 0x811c9dc5);
    assert.equal(hashSeed('a'), 0xe40c292c);
  });

  it('separates parts and treats numbers by their decimal string', () => {
    assert.notEqual(hashSeed('ab', 'c'), hashSeed('a', 'bc'));
    assert.equal(hashSeed(7, 'Algebra'), hashSeed('7', 'Algebra'));
  });
});
