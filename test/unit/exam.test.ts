import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  Reservoir,
  assignSeeds,
  examSlots,
  refinerOf,
  seedReservoirs,
  weakCategories,
} from '../../core/exam.js';
import { createRng } from '../../core/rng.js';

void describe('weakCategories', () => {
  void it('keeps the categories failing at least as often as overall, weakest first', () => {
    // ratios: Geometry 6/10 = 0.6, Algebra 1/10 = 0.1, Precalculus 3/5 = 0.6, Number Theory 2/5 = 0.4.
    // overall = 12 / 30 = 0.4 → Geometry, Precalculus (tie at 0.6, by name), Number Theory (= 0.4).
    const failures = { Geometry: 6, Algebra: 1, Precalculus: 3, 'Number Theory': 2 };
    const sizes = { Geometry: 10, Algebra: 10, Precalculus: 5, 'Number Theory': 5 };
    assert.deepEqual(weakCategories(failures, sizes), ['Geometry', 'Precalculus', 'Number Theory']);
  });

  void it('counts categories without failures in the overall ratio', () => {
    // Geometry 2/10 = 0.2; overall 2/20 = 0.1 (Algebra has no failures but 10 problems).
    assert.deepEqual(weakCategories({ Geometry: 2 }, { Geometry: 10, Algebra: 10 }), ['Geometry']);
  });

  void it('is empty when nothing failed', () => {
    assert.deepEqual(weakCategories({}, { Geometry: 10 }), []);
  });
});

void describe('examSlots', () => {
  void it('cycles each member through the weak categories from its own offset', () => {
    const slots = examSlots(['G', 'C', 'P'], 3, 2).map((s) => `${s.member}${s.slot}${s.category}`);
    // member 0: G, C; member 1: C, P; member 2: P, G → every category twice.
    assert.deepEqual(slots, ['00G', '01C', '10C', '11P', '20P', '21G']);
  });

  void it('plans nothing without weak categories', () => {
    assert.deepEqual(examSlots([], 3, 8), []);
  });
});

void describe('Reservoir', () => {
  void it('keeps the first items until full', () => {
    const r = new Reservoir<number>(3, createRng(1));
    [1, 2].forEach((x) => r.offer(x));
    assert.deepEqual(r.items, [1, 2]);
  });

  void it('samples every item with probability size / seen', () => {
    // 2 of 5 items: each should be kept in 40 % of the runs.
    const kept = [0, 0, 0, 0, 0];
    const runs = 20_000;
    for (let seed = 0; seed < runs; seed++) {
      const r = new Reservoir<number>(2, createRng(seed));
      for (let i = 0; i < 5; i++) r.offer(i);
      for (const i of r.items) kept[i]!++;
    }
    for (const k of kept) assert.ok(Math.abs(k / runs - 0.4) < 0.02, `kept ${k / runs}`);
  });

  void it('sizes one reservoir per category to its slots, on seeded streams', () => {
    const slots = examSlots(['G', 'C'], 3, 1); // G, C, G
    const a = seedReservoirs<number>(slots, 7);
    const b = seedReservoirs<number>(slots, 7);
    for (let i = 0; i < 50; i++) {
      a.get('G')!.offer(i);
      b.get('G')!.offer(i);
    }
    assert.equal(a.get('G')!.items.length, 2);
    assert.deepEqual(a.get('G')!.items, b.get('G')!.items, 'same seed, same sample');
    assert.deepEqual([...a.keys()], ['G', 'C']);
  });
});

void describe('assignSeeds', () => {
  void it('hands out each category sample in order, wrapping when it runs short', () => {
    const slots = examSlots(['G', 'C'], 2, 2); // 0: G, C; 1: C, G
    const samples = new Map([
      ['G', ['g1']],
      ['C', ['c1', 'c2']],
    ]);
    const seeds = assignSeeds(slots, samples).map((s) => `${s.member}${s.slot}:${s.seed}`);
    assert.deepEqual(seeds, ['00:g1', '01:c1', '10:c2', '11:g1']);
  });

  void it('skips slots whose category has no failed problem', () => {
    const slots = examSlots(['G', 'C'], 1, 2);
    assert.deepEqual(
      assignSeeds(slots, new Map([['C', ['c1']]])).map((s) => s.category),
      ['C'],
    );
  });
});

void describe('refinerOf', () => {
  void it('is the next member, wrapping, never the author', () => {
    assert.deepEqual(
      [0, 1, 2].map((a) => refinerOf(a, 3)),
      [1, 2, 0],
    );
  });
});
